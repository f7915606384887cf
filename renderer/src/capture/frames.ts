// The capture worker's arithmetic, free of Web APIs so a unit test runs it in Node: each chunk of the microphone's
// audio is resampled to 16 kHz and cut into frames, and each frame's last sample is placed on the wall clock by the
// chunk it came in, not by counting samples since the first chunk: a chunk the track dropped (its queue full while the
// worker stalled) would place every later frame too early.
import { CAPTURE_FRAME_SAMPLES, CAPTURE_SAMPLE_RATE } from '../../../main/core/contracts/capture-frame.js';
import { Resampler, toS16 } from './resampler.js';

/** A frame the cutter completed: its S16 samples, when its last sample was heard (epoch ms), its energy. */
export interface CutFrame {
  pcm: ArrayBuffer;
  endMs: number;
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
  /** The chunks a future output sample may still fall in: the input index of each one's first sample, and its time. */
  private chunks: Array<{ input: number; startMs: number }> = [];

  constructor(
    readonly inRate: number,
    private readonly frameSamples = CAPTURE_FRAME_SAMPLES,
    outRate = CAPTURE_SAMPLE_RATE,
  ) {
    this.resampler = new Resampler(inRate, outRate);
    this.step = inRate / outRate;
    this.frame = new Int16Array(frameSamples);
  }

  /** One chunk of input whose first sample was heard at `startMs`; returns the frames it completed, oldest first. */
  push(input: Float32Array, startMs: number): CutFrame[] {
    this.chunks.push({ input: this.received, startMs });
    this.received += input.length;
    const out = this.resampler.push(input);
    const lastPos = this.resampler.lastOutputPosition;
    const frames: CutFrame[] = [];
    for (let i = 0; i < out.length; i++) {
      const s = toS16(out[i] as number);
      this.frame[this.fill++] = s;
      this.sumSquares += s * s;
      if (this.fill === this.frameSamples) {
        // Output sample i lies (out.length - 1 - i) output steps before the last one of this chunk.
        const pos = lastPos - (out.length - 1 - i) * this.step;
        frames.push({ pcm: this.frame.buffer, endMs: this.heardAt(pos), sumSquares: this.sumSquares });
        this.frame = new Int16Array(this.frameSamples);
        this.fill = 0;
        this.sumSquares = 0;
      }
    }
    // Later output samples lie at or after lastPos: the chunks wholly before its chunk are no longer needed.
    while (this.chunks.length > 1 && (this.chunks[1] as { input: number }).input <= lastPos) this.chunks.shift();
    return frames;
  }

  /** When input position `pos` (fractional, after resampling) was heard. */
  private heardAt(pos: number): number {
    let chunk = this.chunks[0] as { input: number; startMs: number };
    for (const c of this.chunks) if (c.input <= pos) chunk = c;
    return chunk.startMs + ((pos - chunk.input) * 1000) / this.inRate;
  }
}

/** A frame's level in dBFS (floored at -120) from its S16 samples' sum of squares. */
export function levelDb(sumSquares: number, samples: number): number {
  const rms = Math.sqrt(sumSquares / samples) / 32768;
  return rms > 0 ? Math.max(-120, 20 * Math.log10(rms)) : -120;
}
