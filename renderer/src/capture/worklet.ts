// The capture worklet (runs on Chromium's audio thread): the microphone's first channel resampled to 16 kHz,
// cut into 512-sample S16 frames, each posted to the page with the context time of its last sample.
import { CAPTURE_FRAME_SAMPLES, CAPTURE_SAMPLE_RATE } from '../../../main/core/contracts/capture-frame.js';
import { Resampler, toS16 } from './resampler.js';

// The AudioWorkletGlobalScope's names, which the DOM library does not declare.
declare const sampleRate: number;
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

/** What the worklet posts per frame: the samples, and where its last one sits on the context's clock (seconds). */
export interface WorkletFrame {
  pcm: ArrayBuffer;
  endContextTime: number;
  sumSquares: number;
}

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler = new Resampler(sampleRate, CAPTURE_SAMPLE_RATE);
  private frame = new Int16Array(CAPTURE_FRAME_SAMPLES);
  private fill = 0;
  private sumSquares = 0;
  /** The context frame at which this processor's first input sample played. */
  private startFrame: number | null = null;

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    this.startFrame ??= currentFrame;
    const out = this.resampler.push(channel);
    // The output samples this block completed end at this input position.
    const lastPos = this.resampler.lastOutputPosition;
    for (let i = 0; i < out.length; i++) {
      const s = toS16(out[i] as number);
      this.frame[this.fill++] = s;
      this.sumSquares += s * s;
      if (this.fill === CAPTURE_FRAME_SAMPLES) {
        // Output sample i lies (out.length - 1 - i) output steps before the last one of this block.
        const pos = lastPos - (out.length - 1 - i) * (sampleRate / CAPTURE_SAMPLE_RATE);
        const msg: WorkletFrame = { pcm: this.frame.buffer, endContextTime: (this.startFrame + pos) / sampleRate, sumSquares: this.sumSquares };
        this.port.postMessage(msg, [this.frame.buffer]);
        this.frame = new Int16Array(CAPTURE_FRAME_SAMPLES);
        this.fill = 0;
        this.sumSquares = 0;
      }
    }
    return true;
  }
}

registerProcessor('jett-capture', CaptureProcessor);
