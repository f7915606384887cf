// Streaming band-limited resampler (windowed sinc) from the microphone track's rate to 16 kHz: the capture worker's
// arithmetic, kept free of Web APIs so a unit test runs it in Node on known signals.

export class Resampler {
  /** Input samples per output sample. */
  private readonly step: number;
  private readonly half: number;
  private readonly cutoff: number;
  /** Input not yet consumed; `base` is the absolute index of buf[0]. */
  private buf = new Float32Array(0);
  private base = 0;
  /** Absolute input position of the next output sample. */
  private next = 0;
  /** Input samples received so far. */
  private received = 0;

  constructor(
    readonly inRate: number,
    readonly outRate = 16_000,
    /** Taps on each side, counted in output samples: 16 gives a steep low-pass below the 8 kHz Nyquist. */
    halfTapsOut = 16,
  ) {
    this.step = inRate / outRate;
    // Below 1 the input is upsampled: the filter then only has to interpolate.
    const scale = Math.max(1, this.step);
    this.half = Math.ceil(halfTapsOut * scale);
    // 0.92 of the output Nyquist: the transition band stays under 8 kHz, where the VAD hears nothing anyway.
    this.cutoff = 0.92 / scale;
  }

  /** Input samples the filter looks ahead: how late an output sample is, at best, after its input arrived. */
  get lookahead(): number {
    return this.half;
  }

  /** Resamples the next block; returns the 16 kHz samples it completes (possibly none). */
  push(input: Float32Array): Float32Array {
    const joined = new Float32Array(this.buf.length + input.length);
    joined.set(this.buf);
    joined.set(input, this.buf.length);
    this.buf = joined;
    this.received += input.length;
    const out: number[] = [];
    while (Math.floor(this.next) + this.half < this.received) {
      out.push(this.sample(this.next));
      this.next += this.step;
    }
    // Keep what the next output's left taps still need.
    const keepFrom = Math.max(this.base, Math.floor(this.next) - this.half);
    if (keepFrom > this.base) {
      this.buf = this.buf.slice(keepFrom - this.base);
      this.base = keepFrom;
    }
    return Float32Array.from(out);
  }

  /** The absolute input position of the last sample push() returned (its time on the input's clock). */
  get lastOutputPosition(): number {
    return this.next - this.step;
  }

  private sample(t: number): number {
    const center = Math.floor(t);
    let acc = 0;
    for (let i = center - this.half + 1; i <= center + this.half; i++) {
      const idx = i - this.base;
      const x = idx >= 0 && idx < this.buf.length ? (this.buf[idx] as number) : 0;
      const d = t - i;
      acc += x * this.kernel(d);
    }
    return acc;
  }

  private kernel(d: number): number {
    if (Math.abs(d) >= this.half) return 0;
    const a = Math.PI * this.cutoff * d;
    const sinc = d === 0 ? 1 : Math.sin(a) / a;
    // Blackman window over the taps.
    const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / this.half) + 0.08 * Math.cos((2 * Math.PI * d) / this.half);
    return this.cutoff * sinc * w;
  }
}

/** Floats in [-1, 1] to S16, clipped. */
export function toS16(x: number): number {
  const v = Math.round(x * 32768);
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}
