// Jett's own echo suppression: it knows the samples it plays, places them on the capture's sample clock, estimates
// the echo's delay and level from the capture itself, subtracts the delayed, scaled reply, and marks each 32 ms
// frame that the playback explains (in total and per band: echo-bands.ts), so a speech onset made of the reply's own
// echo never starts a barge-in.
import { BandEcho, MIN_BANDS } from './echo-bands.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './vad.js';

/** The longest echo delay searched (output buffer + room + input buffer), in capture samples. */
export const MAX_ECHO_DELAY = Math.round(0.6 * SAMPLE_RATE);
/** Envelope resolution of the coarse delay search. */
const BLOCK = 64;
/** Audio used for one estimate of the delay and the gain. */
const WINDOW = SAMPLE_RATE;
/** Samples over which the coarse delay is refined. */
const REFINE = 8192;
const REF_RING = 1 << 18;
const CAP_RING = 1 << 15;
/** Mean square of the quietest capture taken as sound: about -55 dBFS. */
const FLOOR_MS = 3e-6;
/** Reverberation the echo's envelope keeps after the reply's own energy falls: halves each frame (-3 dB / 32 ms). */
const TAIL_DECAY = 0.5;
/** A frame is the user's (near end) when what is left after the echo is louder than all the echo predicted. */
const NEAR_END_RATIO = 1;
/** The same where the subtraction removes under 3 dB of the room's echo: 6 dB above all the echo predicted. */
const UNSUBTRACTED_RATIO = 4;
/** Below this normalised correlation a delay estimate is not trusted. */
const MIN_CORRELATION = 0.4;
const ESTIMATE_EVERY_FRAMES = 4;
/** A new estimate replaces the last one unless its correlation falls below this share of the last one's. */
const KEEP_BELOW = 0.85;
/** Which of the window's per-frame echo-to-reply energy ratios (sorted) is taken: above the median, as the user may talk. */
const RATIO_QUANTILE = 0.6;
/** Share of the estimate's window in which the reply must sound. */
const MIN_ACTIVE_SHARE = 0.4;
/** A delay estimate this far (8 ms) from the one the band test learnt with is a new room: it learns again. */
const BANDS_MOVED = 128;

export interface EchoEstimate {
  /** Echo delay in capture samples, estimated from the audio. */
  delay: number;
  /** Least-squares scale of the delayed reply in the capture (the direct path). */
  gain: number;
  /** Echo energy (direct path and reverberation) over the reply's energy, per frame. */
  energyRatio: number;
  correlation: number;
  /**
   * Whether subtracting the delayed reply removes most of the echo (3 dB or more in the window's typical frame).
   * Not where the capture's own processing (noise suppression, gain control) reshaped the echo's waveform.
   */
  subtracts: boolean;
}

export interface GatedFrame {
  /** The capture with the delayed, scaled reply subtracted. */
  audio: Int16Array;
  /** True when the playback does not explain this frame: it may carry the user's speech. */
  nearEnd: boolean;
}

/** Linear-interpolation resampler to 16 kHz that keeps its phase across the chunks of one reply. */
class Resampler {
  private pos = 0;
  private last = 0;
  constructor(private readonly rate: number) {}

  push(pcm: Int16Array): Float32Array {
    const step = this.rate / SAMPLE_RATE;
    const out: number[] = [];
    // Input index -1 is the previous chunk's last sample, so interpolation runs across the boundary.
    while (this.pos < pcm.length - 1) {
      const i = Math.floor(this.pos);
      const f = this.pos - i;
      const a = i < 0 ? this.last : (pcm[i] as number);
      const b = pcm[i + 1] as number;
      out.push((a + (b - a) * f) / 32768);
      this.pos += step;
    }
    this.pos -= pcm.length;
    if (pcm.length > 0) this.last = pcm[pcm.length - 1] as number;
    return Float32Array.from(out);
  }
}

export class EchoGate {
  private readonly ref = new Float32Array(REF_RING);
  private readonly cap = new Float32Array(CAP_RING);
  /** End of the frames seen so far: the capture clock, in samples. */
  private now = 0;
  /** Where the next played sample goes on the capture clock. */
  private cursor = 0;
  /** Last sample position that holds reply audio (anything later is silence). */
  private refEnd = 0;
  private resampler: Resampler | null = null;
  private estimateValue: EchoEstimate | null = null;
  /** The capture stayed silent while the reply played: no echo reaches the microphone (headphones). */
  private silentPath = false;
  private tail = 0;
  private framesSinceEstimate = 0;
  private readonly out = new Int16Array(FRAME_SAMPLES);
  /** The per-band test, and the delay it learnt with (-1: none yet). */
  private readonly bands = new BandEcho();
  private bandsFor = -1;
  private readonly refFrame = new Float64Array(FRAME_SAMPLES);
  private readonly nextFrame = new Float64Array(FRAME_SAMPLES);
  private readonly resFrame = new Float64Array(FRAME_SAMPLES);
  private readonly capFrame = new Float64Array(FRAME_SAMPLES);

  get estimate(): EchoEstimate | null {
    return this.estimateValue;
  }

  /** The capture clock: the end of the last frame seen. */
  get sample(): number {
    return this.now;
  }

  /** A reply starts at `rate`: its samples follow on from what is queued, or start now if the queue ran dry. */
  opened(rate: number): void {
    this.resampler = new Resampler(rate);
  }

  /** Reply audio handed to the speakers: placed right after what is queued, or now if playback had run dry. */
  played(pcm: Int16Array): void {
    if (!this.resampler) return;
    const audio = this.resampler.push(pcm);
    let at = Math.max(this.cursor, this.now);
    // Playback ran dry: the gap since the last reply audio is silence (the ring may hold an older lap there).
    for (let s = Math.max(this.refEnd, at - REF_RING); s < at; s++) this.ref[s & (REF_RING - 1)] = 0;
    // The ring holds REF_RING samples ahead of the clock at most; a reply queued further ahead than that is not kept.
    for (let i = 0; i < audio.length && at < this.now + REF_RING - CAP_RING; i++, at++) this.ref[at & (REF_RING - 1)] = audio[i] as number;
    this.cursor = at;
    this.refEnd = Math.max(this.refEnd, at);
  }

  /** Playback stopped: nothing queued after now will be heard. */
  stopped(): void {
    for (let s = this.now; s < this.refEnd; s++) this.ref[s & (REF_RING - 1)] = 0;
    this.refEnd = Math.min(this.refEnd, this.now);
    this.cursor = this.now;
    this.resampler = null;
  }

  /** Skips capture that is not analysed, keeping the clock. */
  skip(samples: number): void {
    for (let i = 0; i < samples; i++) this.cap[(this.now + i) & (CAP_RING - 1)] = 0;
    this.now += samples;
  }

  /** One captured frame starting at the capture clock: the echo taken out, and whether the user may be in it. */
  frame(pcm: Int16Array): GatedFrame {
    const start = this.now;
    for (let i = 0; i < pcm.length; i++) this.cap[(start + i) & (CAP_RING - 1)] = (pcm[i] as number) / 32768;
    this.now += pcm.length;
    if (++this.framesSinceEstimate >= ESTIMATE_EVERY_FRAMES && this.referenceActive(start + pcm.length, WINDOW + MAX_ECHO_DELAY)) {
      this.framesSinceEstimate = 0;
      this.reestimate();
    }
    const live = this.referenceActive(start + pcm.length, MAX_ECHO_DELAY + pcm.length);
    if (!live && this.tail < FLOOR_MS) {
      this.tail = 0;
      return { audio: pcm, nearEnd: true };
    }
    const est = this.silentPath ? { delay: 0, gain: 0, energyRatio: 0, correlation: 0, subtracts: true } : this.estimateValue;
    if (!est) return { audio: pcm, nearEnd: false };
    if (this.bandsFor < 0 || Math.abs(est.delay - this.bandsFor) > BANDS_MOVED) {
      this.bands.reset();
      this.bandsFor = est.delay;
    }
    let refE = 0;
    let resE = 0;
    let capE = 0;
    for (let i = 0; i < pcm.length; i++) {
      const r = this.refAt(start + i - est.delay);
      const e = (pcm[i] as number) / 32768 - est.gain * r;
      refE += r * r;
      resE += e * e;
      capE += ((pcm[i] as number) / 32768) ** 2;
      this.refFrame[i] = r;
      this.nextFrame[i] = this.refAt(start + pcm.length + i - est.delay);
      this.resFrame[i] = e;
      this.capFrame[i] = (pcm[i] as number) / 32768;
      this.out[i] = Math.max(-32768, Math.min(32767, Math.round(e * 32768)));
    }
    refE /= pcm.length;
    resE /= pcm.length;
    capE /= pcm.length;
    // A subtraction that adds energy fits the wrong waveform (the echo reshaped by Chromium's noise suppression and
    // gain control, or an estimate half a pitch period off): what is left is then at most what was captured, and the
    // VAD hears the capture, not a doubled echo.
    const subtracted = resE <= capE;
    if (!subtracted) resE = capE;
    this.tail = Math.max(est.energyRatio * refE, this.tail * TAIL_DECAY);
    // The user is heard when the residual beats all the echo predicted, or beats the echo predicted in several bands
    // (a voice unlike the reply's, no louder than its echo overall: the quiet start of a word).
    const bands = pcm.length === FRAME_SAMPLES ? this.bands.frame(this.refFrame, this.nextFrame, this.resFrame, this.capFrame) : null;
    // Where the subtraction removes little of this room's echo, a frame's echo wanders around its predicted energy as
    // much as the echo does: only a clear excess (6 dB) is the user, and the bands, learnt on residuals, are not asked.
    const nearEnd = est.subtracts
      ? resE > NEAR_END_RATIO * this.tail + FLOOR_MS || (bands !== null && bands >= MIN_BANDS)
      : resE > UNSUBTRACTED_RATIO * this.tail + FLOOR_MS;
    if (!nearEnd && pcm.length === FRAME_SAMPLES) this.bands.learn();
    return { audio: subtracted ? this.out.slice(0, pcm.length) : pcm, nearEnd };
  }

  private refAt(sample: number): number {
    if (sample < 0 || sample >= this.refEnd || sample < this.now - REF_RING + CAP_RING) return 0;
    return this.ref[sample & (REF_RING - 1)] as number;
  }

  /** Whether any reply audio lies in the `span` samples before `end`. */
  private referenceActive(end: number, span: number): boolean {
    for (let s = Math.max(0, end - span); s < Math.min(end, this.refEnd); s += 16) if (Math.abs(this.refAt(s)) > 1e-3) return true;
    return false;
  }

  /** Delay (coarse on energy envelopes, then sample-exact), gain and energy ratio over the last second. */
  private reestimate(): void {
    const end = this.now;
    const blocks = Math.floor(WINDOW / BLOCK);
    const lags = Math.floor(MAX_ECHO_DELAY / BLOCK);
    const capEnv = new Float64Array(blocks);
    const refEnv = new Float64Array(blocks + lags);
    const first = end - blocks * BLOCK;
    let capMs = 0;
    for (let b = 0; b < blocks; b++) {
      let e = 0;
      for (let i = 0; i < BLOCK; i++) {
        const v = this.cap[(first + b * BLOCK + i) & (CAP_RING - 1)] as number;
        e += v * v;
      }
      capMs += e;
      capEnv[b] = Math.sqrt(e / BLOCK);
    }
    capMs /= blocks * BLOCK;
    const refFirst = first - lags * BLOCK;
    let refMs = 0;
    let refBlocks = 0;
    for (let b = 0; b < blocks + lags; b++) {
      let e = 0;
      for (let i = 0; i < BLOCK; i++) {
        const v = this.refAt(refFirst + b * BLOCK + i);
        e += v * v;
      }
      if (b >= lags) refMs += e;
      refEnv[b] = Math.sqrt(e / BLOCK);
      if (e / BLOCK > FLOOR_MS) refBlocks++;
    }
    refMs /= blocks * BLOCK;
    // Too little of the reply in the window (its start or its end) for a delay to stand out.
    if (refMs < FLOOR_MS || refBlocks < MIN_ACTIVE_SHARE * (blocks + lags)) return;
    // The reply played loudly and the microphone stayed near silence: no echo path to suppress.
    if (capMs < 2 * FLOOR_MS) {
      this.silentPath = true;
      return;
    }
    let bestLag = -1;
    let best = -Infinity;
    for (let lag = 0; lag <= lags; lag++) {
      const c = pearson(capEnv, refEnv, lags - lag, blocks);
      if (c > best) {
        best = c;
        bestLag = lag;
      }
    }
    // The room does not move between replies: a window the user talks over (weaker correlation) keeps the last estimate.
    const prev = this.estimateValue;
    if (best < MIN_CORRELATION || (prev && best < prev.correlation * KEEP_BELOW)) return;
    const delay = this.refine(end, bestLag * BLOCK);
    let xy = 0;
    let yy = 0;
    const ratios: number[] = [];
    const frames: Array<{ f: number; ce: number }> = [];
    for (let f = end - WINDOW; f + FRAME_SAMPLES <= end; f += FRAME_SAMPLES) {
      let fe = 0;
      let ce = 0;
      for (let i = f; i < f + FRAME_SAMPLES; i++) {
        const r = this.refAt(i - delay);
        const y = this.cap[i & (CAP_RING - 1)] as number;
        xy += r * y;
        yy += r * r;
        fe += r * r;
        ce += y * y;
      }
      if (fe > FLOOR_MS * FRAME_SAMPLES) {
        ratios.push(ce / fe);
        frames.push({ f, ce });
      }
    }
    if (yy <= 0 || ratios.length === 0) return;
    ratios.sort((a, b) => a - b);
    // The upper quartile: frames where the user talks over the reply raise the ratio, but they are few.
    const energyRatio = ratios[Math.min(ratios.length - 1, Math.floor(ratios.length * RATIO_QUANTILE))] as number;
    // Only an echo found ends the silent path: the user talking over a reply on headphones is no echo.
    this.silentPath = false;
    const gain = xy / yy;
    // What the subtraction leaves of the capture in the window's median frame (the user, when there, is in few).
    const left = frames.map(({ f, ce }) => {
      let re = 0;
      for (let i = f; i < f + FRAME_SAMPLES; i++) re += ((this.cap[i & (CAP_RING - 1)] as number) - gain * this.refAt(i - delay)) ** 2;
      return ce > 0 ? re / ce : 1;
    });
    left.sort((a, b) => a - b);
    this.estimateValue = { delay, gain, energyRatio, correlation: best, subtracts: (left[Math.floor(left.length / 2)] as number) <= 0.5 };
  }

  /**
   * The sample-exact delay within two envelope blocks of the coarse one: the peak of the normalised correlation.
   * Once an echo was found, its polarity is kept: a voiced reply correlates almost as strongly, inverted, half a
   * pitch period away, and an estimate that flipped there would add the echo instead of removing it (seen through
   * Chromium's noise suppression and gain control, where the echo's waveform is reshaped: the reply cut itself off).
   * The first estimate takes either polarity (a device may invert it).
   */
  private refine(end: number, coarse: number): number {
    const polarity = this.estimateValue ? Math.sign(this.estimateValue.gain) : 0;
    let bestDelay = coarse;
    let best = -Infinity;
    for (let d = Math.max(0, coarse - 2 * BLOCK); d <= Math.min(MAX_ECHO_DELAY, coarse + 2 * BLOCK); d++) {
      let xy = 0;
      let rr = 0;
      for (let i = end - REFINE; i < end; i += 2) {
        const r = this.refAt(i - d);
        xy += r * (this.cap[i & (CAP_RING - 1)] as number);
        rr += r * r;
      }
      const c = rr > 0 ? (polarity === 0 ? Math.abs(xy) : polarity * xy) / Math.sqrt(rr) : 0;
      if (c > best) {
        best = c;
        bestDelay = d;
      }
    }
    return bestDelay;
  }
}

function pearson(a: Float64Array, b: Float64Array, offset: number, n: number): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[offset + i] as number;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[offset + i] as number) - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
