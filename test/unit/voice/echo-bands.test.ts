// The echo gate's per-band test on synthetic frames: the reply's echo alone, however it varies, never reads as the
// user, nor does a reply placed a frame off (the subtraction then adds to the echo); a user whose voice lies in other
// bands is heard even when quieter than the echo overall; nothing is claimed before the echo was learnt.
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
  const levels = Array.from({ length: 300 }, () => 0.05 + 0.1 * rnd());
  /** The reply's frame k (its level varies as speech does), the next one, and its echo: a third of it, some noise. */
  function replyFrame(k: number): { ref: Float64Array; next: Float64Array; echo: Float64Array; residual: Float64Array } {
    const ref = tones(REPLY, levels[k] as number, k * FRAME_SAMPLES);
    const next = tones(REPLY, levels[k + 1] as number, (k + 1) * FRAME_SAMPLES);
    const echo = Float64Array.from(ref, (v) => 0.35 * v + (rnd() * 2 - 1) * 1e-3);
    // The direct path subtracted: a tenth of the echo is left.
    const residual = Float64Array.from(echo, (v) => 0.1 * v);
    return { ref, next, echo, residual };
  }

  function learnt(frames: number): BandEcho {
    const bands = new BandEcho();
    for (let k = 0; k < frames; k++) {
      const { ref, next, echo, residual } = replyFrame(k);
      bands.frame(ref, next, residual, echo);
      bands.learn();
    }
    return bands;
  }

  it('claims nothing before it has learnt the echo', () => {
    const bands = new BandEcho();
    const { ref, next, echo, residual } = replyFrame(0);
    expect(bands.frame(ref, next, residual, echo)).toBeNull();
  });

  it('claims nothing after frames that taught it nothing (the reply silent)', () => {
    const bands = new BandEcho();
    const silence = new Float64Array(FRAME_SAMPLES);
    for (let k = 0; k < 20; k++) {
      bands.frame(silence, silence, silence, silence);
      bands.learn();
    }
    const { ref, next, echo, residual } = replyFrame(0);
    expect(bands.frame(ref, next, residual, echo)).toBeNull();
  });

  it('never takes the echo alone for the user, and hears a user quieter than the echo in bands the reply lacks', () => {
    const bands = new BandEcho();
    const heardInEcho: number[] = [];
    for (let k = 0; k < 200; k++) {
      const { ref, next, echo, residual } = replyFrame(k);
      const n = bands.frame(ref, next, residual, echo);
      if (n !== null) heardInEcho.push(n);
      bands.learn();
    }
    expect(heardInEcho.length).toBeGreaterThan(150);
    expect(Math.max(...heardInEcho)).toBeLessThan(MIN_BANDS);
    const { ref, next, echo, residual } = replyFrame(200);
    const user = tones(USER, 0.008, 200 * FRAME_SAMPLES);
    // The user is well below the echo in total energy: only the bands tell them apart.
    expect(energy(user)).toBeLessThan(energy(echo) / 4);
    const plus = (a: Float64Array) => Float64Array.from(a, (v, i) => v + (user[i] as number));
    expect(bands.frame(ref, next, plus(residual), plus(echo))).toBeGreaterThanOrEqual(MIN_BANDS);
  });

  it('never takes a reply placed a frame late for the user: its echo left whole in the residual, and more', () => {
    const bands = learnt(100);
    for (let k = 100; k < 140; k++) {
      const { ref, next } = replyFrame(k);
      // The echo is of the next frame's reply, and the subtraction took the wrong one: the residual is louder.
      const late = replyFrame(k + 1 < 299 ? k + 1 : k).echo;
      const residual = Float64Array.from(late, (v, i) => v - 0.35 * (ref[i] as number));
      expect(bands.frame(ref, next, residual, late)).toBeLessThan(MIN_BANDS);
    }
  });

  it('learns again after a reset (a new room)', () => {
    const bands = learnt(20);
    bands.reset();
    const { ref, next, echo, residual } = replyFrame(20);
    expect(bands.frame(ref, next, residual, echo)).toBeNull();
  });
});
