// The capture worklet's arithmetic, free of Web Audio so a unit test runs it in Node: each render quantum's input is
// resampled to 16 kHz and cut into frames, and each frame's last sample is placed on the context's clock by the
// context frame of the quantum it came in, not by counting samples since the first quantum: Chromium does not call
// the worklet for every quantum (measured here: one call at frame 0, the next 35-280 ms later, the input of the
// quanta between lost), and a count would place every later frame that much too early.
import { CAPTURE_FRAME_SAMPLES, CAPTURE_SAMPLE_RATE } from '../../../main/core/contracts/capture-frame.js';
import { Resampler, toS16 } from './resampler.js';

/** A frame the cutter completed: its S16 samples, its last sample's context frame (fractional), its energy. */
export interface CutFrame {
  pcm: ArrayBuffer;
  endContextFrame: number;
  sumSquares: number;
}

export class FrameCutter {
  private readonly resampler: Resampler;
  /** Input samples per output sample. */
  private readonly step: number;
  private frame: Int16Array<ArrayBuffer>;
  private fill = 0;
  private sumSquares = 0;
  /** Input samples received so far. */
  private received = 0;
  /** The quanta a future output sample may still fall in: the input index of each one's first sample, and its context frame. */
  private blocks: Array<{ input: number; contextFrame: number }> = [];

  constructor(
    inRate: number,
    private readonly frameSamples = CAPTURE_FRAME_SAMPLES,
    outRate = CAPTURE_SAMPLE_RATE,
  ) {
    this.resampler = new Resampler(inRate, outRate);
    this.step = inRate / outRate;
    this.frame = new Int16Array(frameSamples);
  }

  /** One quantum of input, rendered at `contextFrame`; returns the frames it completed, oldest first. */
  push(input: Float32Array, contextFrame: number): CutFrame[] {
    this.blocks.push({ input: this.received, contextFrame });
    this.received += input.length;
    const out = this.resampler.push(input);
    const lastPos = this.resampler.lastOutputPosition;
    const frames: CutFrame[] = [];
    for (let i = 0; i < out.length; i++) {
      const s = toS16(out[i] as number);
      this.frame[this.fill++] = s;
      this.sumSquares += s * s;
      if (this.fill === this.frameSamples) {
        // Output sample i lies (out.length - 1 - i) output steps before the last one of this quantum.
        const pos = lastPos - (out.length - 1 - i) * this.step;
        frames.push({ pcm: this.frame.buffer, endContextFrame: this.contextFrame(pos), sumSquares: this.sumSquares });
        this.frame = new Int16Array(this.frameSamples);
        this.fill = 0;
        this.sumSquares = 0;
      }
    }
    // Later output samples lie at or after lastPos: the quanta wholly before its quantum are no longer needed.
    while (this.blocks.length > 1 && (this.blocks[1] as { input: number }).input <= lastPos) this.blocks.shift();
    return frames;
  }

  /** The context frame at which input position `pos` was rendered. */
  private contextFrame(pos: number): number {
    let block = this.blocks[0] as { input: number; contextFrame: number };
    for (const b of this.blocks) if (b.input <= pos) block = b;
    return block.contextFrame + (pos - block.input);
  }
}

/** A frame's level in dBFS (floored at -120) from its S16 samples' sum of squares. */
export function levelDb(sumSquares: number, samples: number): number {
  const rms = Math.sqrt(sumSquares / samples) / 32768;
  return rms > 0 ? Math.max(-120, 20 * Math.log10(rms)) : -120;
}
