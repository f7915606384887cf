// The microphone through getUserMedia, its chunks read by the capture worker: open only between 'start' and 'stop';
// every failure reported with a code main turns into a message the user can act on.
import { type CaptureFailureCode, type CaptureReport, type CaptureStart } from '../../../main/core/contracts/capture.js';
import type { CaptureWorkerError, CaptureWorkerStart } from './capture-worker.js';

export type Report = (msg: CaptureReport, transfer?: Transferable[]) => void;

/**
 * Chromium's track processor (Insertable Streams for MediaStreamTrack): the track's own 10 ms chunks, each stamped
 * with its capture time. The DOM library declares it for workers and video only; Chromium has it on the window.
 */
declare const MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readonly readable: ReadableStream<AudioData> };

/**
 * Chunks the processor holds while the worker is late, before it drops the oldest: half a second, so a stalled worker
 * delays words rather than losing them.
 */
const CHUNK_QUEUE = 50;

/** getUserMedia's DOMException names to the codes main knows. */
export function failureCode(err: unknown): CaptureFailureCode {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-device';
  if (name === 'NotReadableError' || name === 'AbortError') return 'device-busy';
  return 'failed';
}

function detail(err: unknown): string {
  return (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);
}

export class Microphone {
  private stream: MediaStream | null = null;
  private worker: Worker | null = null;
  /** Bumped by every start and stop, so a start that finishes after a stop closes what it opened. */
  private generation = 0;
  /** The stream main named in its last 'start'. */
  private session = 0;

  constructor(
    private readonly workerUrl: string,
    private readonly report: Report,
  ) {}

  async start(cmd: CaptureStart): Promise<void> {
    this.close();
    const generation = ++this.generation;
    const session = cmd.session;
    this.session = session;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          ...(cmd.deviceId ? { deviceId: { exact: cmd.deviceId } } : {}),
          echoCancellation: cmd.echoCancellation,
          noiseSuppression: cmd.noiseSuppression,
          autoGainControl: cmd.autoGainControl,
          channelCount: 1,
        },
        video: false,
      });
    } catch (err) {
      if (generation === this.generation) this.report({ type: 'failed', session, code: failureCode(err), detail: detail(err) });
      return;
    }
    if (generation !== this.generation) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.stream = stream;
    const track = stream.getAudioTracks()[0];
    if (!track) {
      this.close();
      this.report({ type: 'failed', session, code: 'no-device', detail: 'the stream has no audio track' });
      return;
    }
    // Unplugged (or taken away by the system) mid-turn: the track ends by itself.
    track.addEventListener('ended', () => {
      if (generation !== this.generation) return;
      this.close();
      this.report({ type: 'failed', session, code: 'device-ended', detail: `"${track.label}" stopped delivering audio` });
    });
    try {
      // Straight from the track, not through an AudioWorklet: a worklet sees the input only when an AudioContext
      // renders, a whole output buffer at a time (up to 10 ms more wait here, and the context is paced by the output
      // device, whatever that is), and Chromium's bridge from the track into the context lost or padded audio with
      // the smallest buffer (0.6-2 s over the benchmark's 169 s). Frames reached Node p95 21 ms after their audio
      // time through the worklet, 12 ms through the processor, with the file's pace kept to 0.3 ms.
      const processor = new MediaStreamTrackProcessor({ track, maxBufferSize: CHUNK_QUEUE });
      const worker = new Worker(this.workerUrl, { type: 'module', name: 'jett-capture' });
      this.worker = worker;
      const failed = (detail: string) => {
        if (generation !== this.generation) return;
        this.close();
        this.report({ type: 'failed', session, code: 'failed', detail: detail.slice(0, 500) });
      };
      worker.onmessage = (e: MessageEvent<CaptureWorkerError>) => failed(`the capture worker stopped: ${e.data.detail}`);
      worker.onerror = (e) => failed(`the capture worker failed: ${e.message}`);
      // The worker posts the frames to main itself, on a port of their own: they never wait for this thread
      // (measured: 1 ms from a worklet to here at the median, up to 46 ms when this thread stalled).
      const frames = new MessageChannel();
      const begin: CaptureWorkerStart = { type: 'stream', session, pageTimeOrigin: performance.timeOrigin, chunks: processor.readable };
      worker.postMessage(begin, [frames.port2, processor.readable]);
      this.report({ type: 'frames', session }, [frames.port1]);
      const s = track.getSettings();
      this.report({
        type: 'started',
        session,
        label: track.label.slice(0, 512),
        trackRate: s.sampleRate ?? 0,
        echoCancellation: s.echoCancellation === true,
        noiseSuppression: s.noiseSuppression === true,
        autoGainControl: s.autoGainControl === true,
      });
    } catch (err) {
      this.close();
      if (generation === this.generation) this.report({ type: 'failed', session, code: 'failed', detail: detail(err) });
    }
  }

  stop(): void {
    this.generation++;
    this.close();
    this.report({ type: 'stopped', session: this.session });
  }

  async devices(): Promise<void> {
    const all = await navigator.mediaDevices.enumerateDevices();
    const devices = all.filter((d) => d.kind === 'audioinput').map((d) => ({ deviceId: d.deviceId.slice(0, 512), label: d.label.slice(0, 512) }));
    this.report({ type: 'devices', devices: devices.slice(0, 64) });
  }

  private close(): void {
    const { stream, worker } = this;
    this.stream = null;
    this.worker = null;
    for (const t of stream?.getTracks() ?? []) t.stop();
    worker?.terminate();
  }
}
