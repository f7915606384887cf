// The short tone that says Jett heard its wake word and is listening for the question: generated, not a file.
// 120 ms is shorter than the VAD's shortest speech (minSpeechMs 160), so the microphone hearing it cannot start a turn.
import { msToSamples } from './endpointer.js';
import { SAMPLE_RATE } from './vad.js';

export const CHIME_MS = 120;

/** Two rising partials (880 and 1320 Hz) under a raised-cosine envelope: no click at either end. */
export function chimeTone(ms = CHIME_MS, rate = SAMPLE_RATE): Int16Array {
  const n = rate === SAMPLE_RATE ? msToSamples(ms) : Math.round((ms * rate) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const envelope = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const wave = 0.6 * Math.sin(2 * Math.PI * 880 * t) + 0.4 * Math.sin(2 * Math.PI * 1320 * t);
    out[i] = Math.round(0.25 * 32767 * envelope * wave);
  }
  return out;
}
