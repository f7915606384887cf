// Where the wake phrase ends in the audio around its detection: the question that follows starts there, and
// speech-to-text must receive it without the phrase. openWakeWord scores once per 80 ms and first passes the
// threshold 41-377 ms after the end of "jarvis" (median about 206 ms, measured on espeak-ng clips by the detector's
// author), so the end lies in the audio buffered before the detection. It is taken as the start of the longest
// pause that begins before the detection, found on short-time energy: the pause after a wake phrase outlasts the
// closures of stop consonants (40-80 ms, as in "what"), and energy is deterministic and needs no second pass of the
// VAD, whose own end lags speech by 86-198 ms. Without any pause (phrase and question run together) the detector's
// own estimate is taken, which is only approximate.
import { msToSamples } from './endpointer.js';

/** 10 ms analysis windows: fine enough for a cut, coarse enough that a stop closure reads as one short gap. */
export const ENERGY_WINDOW = msToSamples(10);

export interface PhraseEndOptions {
  /** How far before the detection the end may lie. */
  lookBackMs: number;
  /** How long after the detection to wait for a pause that began before it to show its length. */
  lookAheadMs: number;
  /** Gaps shorter than this are closures inside words, not the end of the phrase. */
  minPauseMs: number;
  /** A pause this long is the end at once, without waiting for the look-ahead. */
  surePauseMs: number;
}

export const DEFAULT_PHRASE_END: PhraseEndOptions = { lookBackMs: 450, lookAheadMs: 300, minPauseMs: 40, surePauseMs: 150 };

/** Audio kept in memory while only the wake word is listened for. */
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
 * The stream sample where the wake phrase ends, or null when more audio is needed to decide. `detection` is where
 * the detector fired, `estimate` its own guess of the end (used when the speaker ran phrase and question together
 * without any pause). The quiet level sits 30 % of the way from the buffer's quietest window to the phrase's loudest,
 * so it follows the room's noise floor instead of a fixed level.
 */
export function findPhraseEnd(buf: BufferedAudio, detection: number, estimate: number, opts: PhraseEndOptions = DEFAULT_PHRASE_END): number | null {
  const { audio, start } = buf;
  const end = start + audio.length;
  const complete = end >= detection + msToSamples(opts.lookAheadMs);
  const levels: number[] = [];
  for (let at = 0; at + ENERGY_WINDOW <= audio.length; at += ENERGY_WINDOW) levels.push(windowDb(audio, at));
  if (levels.length === 0) return complete ? Math.min(Math.max(estimate, start), end) : null;
  const sampleOf = (i: number): number => start + i * ENERGY_WINDOW;
  const indexOf = (sample: number): number => Math.min(levels.length, Math.max(0, Math.floor((sample - start) / ENERGY_WINDOW)));
  const floor = Math.min(...levels);
  const peak = Math.max(...levels.slice(indexOf(detection - msToSamples(800)), indexOf(detection) + 1), floor);
  const quiet = floor + 0.3 * (peak - floor);
  const first = indexOf(detection - msToSamples(opts.lookBackMs));
  // The first score over the threshold always comes after the phrase's end: a pause that starts later is inside
  // the question (the closure of "what"), never the end of the phrase.
  const lastStart = indexOf(detection) + 1;
  const minRun = Math.ceil(msToSamples(opts.minPauseMs) / ENERGY_WINDOW);
  const sureRun = Math.ceil(msToSamples(opts.surePauseMs) / ENERGY_WINDOW);
  let best: { at: number; length: number } | null = null;
  for (let i = first; i < lastStart; i++) {
    if ((levels[i] as number) >= quiet || (i > first && (levels[i - 1] as number) < quiet)) continue;
    let j = i;
    while (j < levels.length && (levels[j] as number) < quiet) j++;
    const length = j - i;
    if (length >= minRun && (!best || length > best.length)) best = { at: i, length };
    if (best && best.length >= sureRun) return sampleOf(best.at);
  }
  // A pause that began just before the detection may still be growing: wait, up to the look-ahead.
  if (!complete) return null;
  return best ? sampleOf(best.at) : Math.min(Math.max(estimate, start), end);
}
