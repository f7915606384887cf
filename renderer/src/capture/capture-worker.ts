// The capture worker (a dedicated worker of the capture page): reads the microphone track's chunks, resamples the
// first channel to 16 kHz, cuts 512-sample S16 frames and posts each, as the contract's frame message, straight to the
// port main holds for the stream, with when its last sample was heard. The page's main thread is never in the way.
import { CAPTURE_FRAME_SAMPLES } from '../../../main/core/contracts/capture-frame.js';
import type { CaptureReport } from '../../../main/core/contracts/capture.js';
import { chunkStartMs } from './chunk-time.js';
import { FrameCutter, levelDb } from './frames.js';

/** What the page hands the worker once, with the stream's frames port and the track's chunks transferred. */
export interface CaptureWorkerStart {
  type: 'stream';
  session: number;
  pageTimeOrigin: number;
  chunks: ReadableStream<AudioData>;
}

/** What the worker tells the page: the chunks ended with an error, so the page reports the stream failed. */
export interface CaptureWorkerError {
  type: 'error';
  detail: string;
}

/** The dedicated worker's own names, which the DOM library types as the window's. */
const scope = self as unknown as { onmessage: ((e: MessageEvent<CaptureWorkerStart>) => void) | null; postMessage(msg: CaptureWorkerError): void };

async function capture(start: CaptureWorkerStart, out: MessagePort): Promise<void> {
  const reader = start.chunks.getReader();
  let cutter: FrameCutter | null = null;
  let seq = 0;
  for (;;) {
    const { value: chunk, done } = await reader.read();
    // The track ended (stopped by the page, or the device went away: the page reports which).
    if (done) return;
    const arrivedMs = performance.now();
    try {
      // A device that changes its rate mid-stream starts a new frame; the partial one is dropped.
      if (!cutter || cutter.inRate !== chunk.sampleRate) cutter = new FrameCutter(chunk.sampleRate);
      const samples = new Float32Array(chunk.numberOfFrames);
      chunk.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      const startMs = chunkStartMs({
        timestampUs: chunk.timestamp,
        frames: chunk.numberOfFrames,
        sampleRate: chunk.sampleRate,
        arrivedMs,
        workerTimeOrigin: performance.timeOrigin,
        pageTimeOrigin: start.pageTimeOrigin,
      });
      for (const f of cutter.push(samples, startMs)) {
        const msg: Extract<CaptureReport, { type: 'frame' }> = {
          type: 'frame',
          session: start.session,
          seq: seq++,
          pcm: f.pcm,
          audioEndMs: f.endMs,
          levelDb: levelDb(f.sumSquares, CAPTURE_FRAME_SAMPLES),
        };
        out.postMessage(msg, [f.pcm]);
      }
    } finally {
      chunk.close();
    }
  }
}

// One stream per worker: the page starts a new worker for each.
scope.onmessage = (e) => {
  scope.onmessage = null;
  const out = e.ports[0];
  if (e.data?.type !== 'stream' || !out) return;
  capture(e.data, out).catch((err: unknown) => scope.postMessage({ type: 'error', detail: (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500) }));
};
