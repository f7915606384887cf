// The echo gate's per-band test: the user's voice and the reply's differ in where their energy lies, so a frame
// whose residual rises well above the echo predicted in several 500 Hz bands carries the user, even when its total
// energy is no louder than the echo's. The echo predicted per band is the reply's band energy (with the room's
// reverberation tail) times that band's echo-to-reply ratio, learnt from recent frames of the reply's echo alone.
import { FRAME_SAMPLES } from './vad.js';

const SIZE = FRAME_SAMPLES;
const BINS_PER_BAND = 16;
export const BANDS = SIZE / 2 / BINS_PER_BAND;
/** Echo-alone frames whose per-band ratios are kept. */
const HISTORY = 32;
/** Echo-alone frames learnt before the test is trusted (a quarter second: barge-in soon after the delay is found). */
const TRUSTED_AFTER = 8;
/** Which of a band's ratios (sorted) predicts the next frame's echo: a high one, as the echo varies frame to frame. */
const QUANTILE = 0.9;
/**
 * A band carries the user when its residual is this many times (6 dB) the residual echo predicted there, and the
 * capture there is louder than the echo predicted (no margin: the residual's test is the strict one).
 */
const MARGIN = 4;
/** Bands that must carry the user for the frame to be the user's. */
export const MIN_BANDS = 3;
/** Band energy taken as sound (sum over a band's bins of a Hann-windowed frame): about -55 dBFS. */
const BAND_FLOOR = 3e-6 * SIZE * BINS_PER_BAND * 0.375;
/** The room's reverberation: a band's reply energy halves each frame after it falls (-3 dB / 32 ms). */
const TAIL_DECAY = 0.5;

class Fft {
  readonly re = new Float64Array(SIZE);
  readonly im = new Float64Array(SIZE);
  private readonly cos = new Float64Array(SIZE / 2);
  private readonly sin = new Float64Array(SIZE / 2);
  private readonly rev = new Uint32Array(SIZE);
  readonly window = new Float64Array(SIZE);

  constructor() {
    const bits = Math.log2(SIZE);
    for (let i = 0; i < SIZE / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / SIZE);
      this.sin[i] = Math.sin((2 * Math.PI * i) / SIZE);
    }
    for (let i = 0; i < SIZE; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
      this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / SIZE);
    }
  }

  /** Band energies of a windowed frame into `out`. */
  bands(frame: Float64Array, out: Float64Array): void {
    const { re, im } = this;
    for (let i = 0; i < SIZE; i++) {
      const j = this.rev[i] as number;
      re[j] = (frame[i] as number) * (this.window[i] as number);
      im[j] = 0;
    }
    for (let size = 2; size <= SIZE; size <<= 1) {
      const half = size >> 1;
      const stride = SIZE / size;
      for (let start = 0; start < SIZE; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * stride] as number;
          const wi = -(this.sin[k * stride] as number);
          const a = start + k;
          const b = a + half;
          const xr = (re[b] as number) * wr - (im[b] as number) * wi;
          const xi = (re[b] as number) * wi + (im[b] as number) * wr;
          re[b] = (re[a] as number) - xr;
          im[b] = (im[a] as number) - xi;
          re[a] = (re[a] as number) + xr;
          im[a] = (im[a] as number) + xi;
        }
      }
    }
    out.fill(0);
    for (let k = 0; k < SIZE / 2; k++) {
      const b = Math.floor(k / BINS_PER_BAND);
      out[b] = (out[b] as number) + (re[k] as number) ** 2 + (im[k] as number) ** 2;
    }
  }
}

export class BandEcho {
  private readonly fft = new Fft();
  private readonly refBands = new Float64Array(BANDS);
  private readonly nextBands = new Float64Array(BANDS);
  private readonly resBands = new Float64Array(BANDS);
  private readonly capBands = new Float64Array(BANDS);
  /** The reply's band energy with the room's reverberation tail. */
  private readonly refTail = new Float64Array(BANDS);
  /** The tail, or the next frame's reply if louder: playback placed a frame early or late is still predicted. */
  private readonly reach = new Float64Array(BANDS);
  /** Per band, the residual's and the capture's ratios to the reply in recent echo-alone frames, oldest first. */
  private readonly resRatios: number[][] = Array.from({ length: BANDS }, () => []);
  private readonly capRatios: number[][] = Array.from({ length: BANDS }, () => []);
  private frames = 0;

  /**
   * Bands of this frame where both the residual (`res`, the direct echo subtracted) and the capture itself (`cap`)
   * rise above the echo predicted from the reply (`ref` at the echo's delay, `next` the frame after it); null until
   * enough echo was learnt. The capture's test keeps a misplaced reply (the subtraction then adds to the echo) from
   * reading as the user.
   */
  frame(ref: Float64Array, next: Float64Array, res: Float64Array, cap: Float64Array): number | null {
    this.fft.bands(ref, this.refBands);
    this.fft.bands(next, this.nextBands);
    this.fft.bands(res, this.resBands);
    this.fft.bands(cap, this.capBands);
    for (let b = 0; b < BANDS; b++) {
      this.refTail[b] = Math.max(this.refBands[b] as number, (this.refTail[b] as number) * TAIL_DECAY);
      this.reach[b] = Math.max(this.refTail[b] as number, this.nextBands[b] as number);
    }
    if (this.frames < TRUSTED_AFTER) return null;
    const resRatio = predicting(this.resRatios);
    const capRatio = predicting(this.capRatios);
    let excess = 0;
    for (let b = 0; b < BANDS; b++) {
      const reach = this.reach[b] as number;
      if ((this.resBands[b] as number) > MARGIN * (resRatio[b] as number) * reach + BAND_FLOOR && (this.capBands[b] as number) > (capRatio[b] as number) * reach + BAND_FLOOR) excess++;
    }
    return excess;
  }

  /** The last frame was the reply's echo alone: its ratios teach the prediction. */
  learn(): void {
    let taught = false;
    for (let b = 0; b < BANDS; b++) {
      const reach = this.reach[b] as number;
      if (reach <= BAND_FLOOR) continue;
      push(this.resRatios[b] as number[], (this.resBands[b] as number) / reach);
      push(this.capRatios[b] as number[], (this.capBands[b] as number) / reach);
      taught = true;
    }
    if (taught) this.frames++;
  }

  /** A new room: what was learnt no longer holds. */
  reset(): void {
    this.frames = 0;
    for (const r of [...this.resRatios, ...this.capRatios]) r.length = 0;
    this.refTail.fill(0);
  }
}

function push(ratios: number[], ratio: number): void {
  ratios.push(ratio);
  if (ratios.length > HISTORY) ratios.shift();
}

/**
 * Each band's predicting ratio: a high one of its recent ratios, once it has a few; a band the reply has hardly
 * sounded in yet takes the highest of the others, and while no band has any, nothing can be told apart (infinite).
 */
function predicting(perBand: number[][]): number[] {
  const own = perBand.map((r) => (r.length >= TRUSTED_AFTER / 2 ? quantile(r, QUANTILE) : null));
  const highest = Math.max(...own.map((r) => r ?? Number.NEGATIVE_INFINITY));
  const fallback = highest === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : highest;
  return own.map((r) => r ?? fallback);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
}
