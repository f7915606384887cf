// The echo gate where its subtraction cannot work: an echo reshaped by the capture's own processing (noise
// suppression, gain control: the same envelope, another waveform, a level that wanders a few dB) is not taken for
// the user, while a user clearly louder than that echo still is.
import { describe, expect, it } from 'vitest';
import { EchoGate } from '../../../main/core/voice/echo-gate.js';
import { FRAME_SAMPLES } from '../../../main/core/voice/vad.js';
import { prng } from '../../helpers/prng.js';

const RATE = 16_000;
const DELAY = 1600;

/** Syllable-like bursts of noise: 4 s, a burst of 150-250 ms every 300 ms at a level that varies. */
function reply(rnd: () => number): Int16Array {
  const out = new Int16Array(4 * RATE);
  for (let at = 0; at + 0.3 * RATE < out.length; at += 0.3 * RATE) {
    const len = Math.round((0.15 + 0.1 * rnd()) * RATE);
    const amp = 3000 + 5000 * rnd();
    for (let i = 0; i < len; i++) out[at + i] = Math.round(amp * Math.sin((Math.PI * i) / len) * (rnd() * 2 - 1));
  }
  return out;
}

/** The reply's echo frame by frame: its envelope (a third of its level, DELAY later) on new noise, +-3 dB per frame. */
function reshapedEcho(r: Int16Array, rnd: () => number): Float64Array {
  const out = new Float64Array(r.length + DELAY + RATE);
  for (let f = 0; f + FRAME_SAMPLES <= r.length; f += FRAME_SAMPLES) {
    let e = 0;
    for (let i = f; i < f + FRAME_SAMPLES; i++) e += (r[i] as number) ** 2;
    const rms = Math.sqrt(e / FRAME_SAMPLES) * 0.33 * 10 ** ((rnd() * 6 - 3) / 20);
    for (let i = f; i < f + FRAME_SAMPLES; i++) out[DELAY + i] = rms * Math.sqrt(3) * (rnd() * 2 - 1);
  }
  return out;
}

function run(capture: Float64Array, played: Int16Array): boolean[] {
  const gate = new EchoGate();
  gate.opened(RATE);
  gate.played(played);
  const nearEnd: boolean[] = [];
  for (let f = 0; f + FRAME_SAMPLES <= capture.length; f += FRAME_SAMPLES) {
    const pcm = Int16Array.from(capture.subarray(f, f + FRAME_SAMPLES), (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
    nearEnd.push(gate.frame(pcm).nearEnd);
  }
  return nearEnd;
}

describe('EchoGate with an echo its subtraction cannot remove', () => {
  const rnd = prng(11);
  const played = reply(rnd);
  const echo = reshapedEcho(played, rnd);
  // The estimate needs about a second of the reply: judged from then on, to the end of the reply's echo.
  const judged = (n: boolean[]) => n.slice(Math.ceil((1.2 * RATE) / FRAME_SAMPLES), Math.floor((played.length + DELAY) / FRAME_SAMPLES));

  it('never takes the reshaped echo alone for the user', () => {
    expect(judged(run(echo, played)).filter(Boolean)).toEqual([]);
  });

  it('hears a user 10 dB above that echo', () => {
    const withUser = Float64Array.from(echo);
    const at = 2.5 * RATE;
    for (let i = 0; i < 0.4 * RATE; i++) withUser[at + i] = (withUser[at + i] as number) + 6000 * (rnd() * 2 - 1);
    const n = run(withUser, played);
    const during = n.slice(Math.ceil(at / FRAME_SAMPLES), Math.floor((at + 0.4 * RATE) / FRAME_SAMPLES));
    expect(during.filter(Boolean).length).toBeGreaterThanOrEqual(during.length - 1);
  });
});
