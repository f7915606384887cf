// The echo gate's per-band test on synthetic frames: the reply's echo alone, however it varies, never reads as the
// user; a user whose voice lies in other bands is heard even when quieter than the echo overall; nothing is claimed
// before the echo was learnt.
import { describe, expect, it } from 'vitest';
import { BandEcho, MIN_BANDS } from '../../../main/core/voice/echo-bands.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../../main/core/voice/vad.js';
import { prng } from '../../helpers/prng.js';

/** Tones at `freqs` (Hz) with amplitude `amp`, over one frame starting at sample `at`. */
function tones(freqs: number[], amp: number, at: number): Float64Array {
  const out = new Float64Array(FRAME_SAMPLES);
  for (const f of freqs) for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = (out[i] as number) + amp * Math.sin((2 * Math.PI * f * (at + i)) / SAMPLE_RATE);
  return out;
}

const energy = (x: Float64Array): number => x.reduce((a, v) => a + v * v, 0) / x.length;
const REPLY = [300, 650, 1100, 1500];
const USER = [2600, 3300, 4100];

describe('BandEcho', () => {
  const rnd = prng(5);
  /** The reply's frame (its level varies as speech does) and its echo: a third of it, with a little noise. */
  function replyFrame(k: number): { ref: Float64Array; echo: Float64Array } {
    const ref = tones(REPLY, 0.05 + 0.1 * rnd(), k * FRAME_SAMPLES);
    const echo = Float64Array.from(ref, (v) => 0.35 * v + (rnd() * 2 - 1) * 1e-3);
    return { ref, echo };
  }

  it('claims nothing before it has learnt the echo', () => {
    const bands = new BandEcho();
    const { ref, echo } = replyFrame(0);
    expect(bands.frame(ref, echo)).toBeNull();
  });

  it('never takes the echo alone for the user, and hears a user quieter than the echo in bands the reply lacks', () => {
    const bands = new BandEcho();
    const heardInEcho: number[] = [];
    for (let k = 0; k < 200; k++) {
      const { ref, echo } = replyFrame(k);
      const n = bands.frame(ref, echo);
      if (n !== null) heardInEcho.push(n);
      bands.learn();
    }
    expect(heardInEcho.length).toBeGreaterThan(150);
    expect(Math.max(...heardInEcho)).toBeLessThan(MIN_BANDS);
    const { ref, echo } = replyFrame(200);
    const user = tones(USER, 0.015, 200 * FRAME_SAMPLES);
    // The user is well below the echo in total energy: only the bands tell them apart.
    expect(energy(user)).toBeLessThan(energy(echo) / 4);
    const mixed = Float64Array.from(echo, (v, i) => v + (user[i] as number));
    expect(bands.frame(ref, mixed)).toBeGreaterThanOrEqual(MIN_BANDS);
  });

  it('learns again after a reset (a new room)', () => {
    const bands = new BandEcho();
    for (let k = 0; k < 20; k++) {
      const { ref, echo } = replyFrame(k);
      bands.frame(ref, echo);
      bands.learn();
    }
    bands.reset();
    const { ref, echo } = replyFrame(20);
    expect(bands.frame(ref, echo)).toBeNull();
  });
});
