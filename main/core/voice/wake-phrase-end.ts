// Where the wake phrase ends in the audio before and just after its detection: the question that follows starts
// there, and speech-to-text must receive it without the phrase. openWakeWord scores once per 80 ms and first
// passes the threshold about 110 ms after the end of "jarvis", so the end lies in the buffered audio before the
// detection; it is the start of the first pause near it, found on short-time energy (deterministic, and it needs
// no second pass of the VAD, whose own end lags speech by 86-198 ms).
import { msToSamples } from './endpointer.js';

/** 10 ms analysis windows: fine enough for a cut, coarse enough that a stop closure reads as one short gap. */
export const ENERGY_WINDOW = msToSamples(10);

export interface PhraseEndOptions {
  /** How far before the detection the end may lie (the first score over the threshold can come 80-250 ms late). */
  lookBackMs: number;
  /** How far after the detection to wait for a pause (a detection can come before the last syllable ends). */
  lookAheadMs: number;
  /** A pause at least this long ends the phrase; shorter gaps are stop closures inside words. */
  minPauseMs: number;
  /** Without any pause (one breath), the quietest point this far before the detection is taken. */
  fallbackBackMs: number;
}

export const DEFAULT_PHRASE_END: PhraseEndOptions = { lookBackMs: 300, lookAheadMs: 300, minPauseMs: 40, fallbackBackMs: 250 };

/** Audio kept in memory while only the wake word is listened for: the search needs lookBackMs before a detection. */
export interface BufferedAudio {
  audio: Int16Array;
  /** Stream sample of audio[0]. */
  start: number;
}

const windowDb = (a: Int16Array, from: number): number => {
  let sum = 0;
  for (let i = from; i < from + ENERGY_WINDOW; i++) sum += (a[i] as number) ** 2;
  return 10 * Math.log10(sum / ENERGY_WINDOW + 1);
};

/**
 * The stream sample where the wake phrase ends, or null when more audio is needed to decide. `detection` is the
 * sample at which the detector fired. The pause threshold sits 30 % of the way from the buffer's quietest window to
 * the phrase's loudest, so it follows the room's noise floor instead of a fixed level.
 */
export function findPhraseEnd(buf: BufferedAudio, detection: number, opts: PhraseEndOptions = DEFAULT_PHRASE_END): number | null {
  const { audio, start } = buf;
  const end = start + audio.length;
  const levels: number[] = [];
  for (let at = 0; at + ENERGY_WINDOW <= audio.length; at += ENERGY_WINDOW) levels.push(windowDb(audio, at));
  if (levels.length === 0) return end >= detection + msToSamples(opts.lookAheadMs) ? Math.min(detection, end) : null;
  const sampleOf = (i: number): number => start + i * ENERGY_WINDOW;
  const indexOf = (sample: number): number => Math.max(0, Math.floor((sample - start) / ENERGY_WINDOW));
  const floor = Math.min(...levels);
  const peak = Math.max(...levels.slice(indexOf(detection - msToSamples(800)), indexOf(detection) + 1), floor);
  const quiet = floor + 0.3 * (peak - floor);
  const first = indexOf(detection - msToSamples(opts.lookBackMs));
  const last = Math.min(levels.length, indexOf(detection + msToSamples(opts.lookAheadMs)));
  const pause = Math.ceil(msToSamples(opts.minPauseMs) / ENERGY_WINDOW);
  let run = 0;
  for (let i = first; i < last; i++) {
    run = (levels[i] as number) < quiet ? run + 1 : 0;
    if (run >= pause) return sampleOf(i - run + 1);
  }
  // No pause yet: wait for the rest of the look-ahead, then cut at the quietest point just before the detection.
  if (end < detection + msToSamples(opts.lookAheadMs)) return null;
  let best = indexOf(detection - msToSamples(opts.fallbackBackMs));
  for (let i = best; i <= Math.min(indexOf(detection), levels.length - 1); i++) if ((levels[i] as number) < (levels[best] as number)) best = i;
  return Math.min(sampleOf(best), end);
}
