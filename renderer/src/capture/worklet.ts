// The capture worklet (runs on Chromium's audio thread): the microphone's first channel resampled to 16 kHz,
// cut into 512-sample S16 frames, each posted to the page with the context time of its last sample.
import { FrameCutter } from './frames.js';

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
  private readonly cutter = new FrameCutter(sampleRate);

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    for (const f of this.cutter.push(channel, currentFrame)) {
      const msg: WorkletFrame = { pcm: f.pcm, endContextTime: f.endContextFrame / sampleRate, sumSquares: f.sumSquares };
      this.port.postMessage(msg, [f.pcm]);
    }
    return true;
  }
}

registerProcessor('jett-capture', CaptureProcessor);
