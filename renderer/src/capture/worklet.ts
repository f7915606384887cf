// The capture worklet (runs on Chromium's audio thread): the microphone's first channel resampled to 16 kHz, cut
// into 512-sample S16 frames, each posted as the contract's frame message straight to the port main holds for the
// stream, with its last sample placed on the wall clock by the page's latest clock mapping.
import { CAPTURE_FRAME_SAMPLES } from '../../../main/core/contracts/capture-frame.js';
import type { CaptureReport } from '../../../main/core/contracts/capture.js';
import { heardAtEpoch, type ClockMapping } from './audio-clock.js';
import { FrameCutter, levelDb, type CutFrame } from './frames.js';

// The AudioWorkletGlobalScope's names, which the DOM library does not declare.
declare const sampleRate: number;
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

/** What the page tells the worklet: where the stream's frames go (with that port transferred), and the clock. */
export type WorkletCommand = { type: 'frames'; session: number } | ({ type: 'clock' } & ClockMapping);

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly cutter = new FrameCutter(sampleRate);
  private out: MessagePort | null = null;
  private session = 0;
  private seq = 0;
  private clock: ClockMapping | null = null;
  /** Frames cut before the port and the first mapping arrived (the stream's first few milliseconds). */
  private pending: CutFrame[] = [];

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<WorkletCommand>) => {
      const cmd = e.data;
      if (cmd.type === 'frames' && e.ports[0]) {
        this.out = e.ports[0];
        this.session = cmd.session;
      } else if (cmd.type === 'clock') this.clock = { contextTime: cmd.contextTime, epochMs: cmd.epochMs };
      this.flush();
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    const frames = this.cutter.push(channel, currentFrame);
    if (frames.length > 0) {
      this.pending.push(...frames);
      this.flush();
    }
    return true;
  }

  private flush(): void {
    const { out, clock } = this;
    if (!out || !clock || this.pending.length === 0) return;
    for (const f of this.pending) {
      const msg: Extract<CaptureReport, { type: 'frame' }> = {
        type: 'frame',
        session: this.session,
        seq: this.seq++,
        pcm: f.pcm,
        audioEndMs: heardAtEpoch(f.endContextFrame / sampleRate, clock),
        levelDb: levelDb(f.sumSquares, CAPTURE_FRAME_SAMPLES),
      };
      out.postMessage(msg, [f.pcm]);
    }
    this.pending = [];
  }
}

registerProcessor('jett-capture', CaptureProcessor);
