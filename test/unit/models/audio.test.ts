// PCM conversions and resampling: levels survive S16 <-> float, a tone keeps its pitch across rates, and what is
// above the new Nyquist frequency is filtered out instead of folding back as a false tone.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/core/voice/errors.js';
import { float32ToInt16, int16ToFloat32, resample } from '../../../main/core/voice/models/audio.js';
import { speakableText } from '../../../main/core/voice/models/text.js';

const tone = (hz: number, rate: number, seconds: number) => Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));
const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
/** Frequency from upward zero crossings, away from the edges. */
function pitch(x: Float32Array, rate: number): number {
  let crossings = 0;
  const from = Math.floor(x.length * 0.1);
  const to = Math.floor(x.length * 0.9);
  for (let i = from + 1; i < to; i++) if (x[i - 1]! < 0 && x[i]! >= 0) crossings++;
  return (crossings * rate) / (to - from);
}

describe('PCM conversions', () => {
  it('maps S16 to [-1, 1) and back, clipping and zeroing what is not a sample', () => {
    expect(Array.from(int16ToFloat32(Int16Array.from([-32768, 0, 16384])))).toEqual([-1, 0, 0.5]);
    expect(Array.from(float32ToInt16(Float32Array.from([-2, -1, 0, 0.5, 1, 3, Number.NaN, Number.POSITIVE_INFINITY])))).toEqual([-32767, -32767, 0, 16384, 32767, 32767, 0, 0]);
  });
});

describe('resample', () => {
  it('keeps the pitch and level of a tone going from Kokoro 24 kHz to Whisper 16 kHz and up to 48 kHz', () => {
    const src = tone(440, 24000, 1);
    const down = resample(src, 24000, 16000);
    expect(down.length).toBe(16000);
    expect(pitch(down, 16000)).toBeCloseTo(440, -1);
    expect(rms(down)).toBeCloseTo(rms(src), 2);
    const up = resample(src, 24000, 48000);
    expect(up.length).toBe(48000);
    expect(pitch(up, 48000)).toBeCloseTo(440, -1);
  });

  it('removes a tone above the new Nyquist frequency instead of aliasing it', () => {
    const src = tone(10000, 24000, 0.5);
    expect(rms(resample(src, 24000, 16000))).toBeLessThan(0.05 * rms(src));
  });

  it('returns a copy for equal rates and nothing for nothing, and rejects impossible rates', () => {
    const src = tone(100, 16000, 0.01);
    const same = resample(src, 16000, 16000);
    expect(same).toEqual(src);
    expect(same).not.toBe(src);
    expect(resample(new Float32Array(0), 24000, 16000)).toHaveLength(0);
    expect(() => resample(src, 0, 16000)).toThrow(EngineError);
    expect(() => resample(src, 16000, 1e9)).toThrow(/sample rate 1000000000 Hz/);
  });
});

describe('speakableText', () => {
  it('keeps text with letters or digits, tidied, and refuses punctuation, symbols and space alone', () => {
    expect(speakableText('  Hello,\n world! ')).toBe('Hello, world!');
    expect(speakableText('42')).toBe('42');
    expect(speakableText('Größe')).toBe('Größe');
    for (const t of ['', ' \n\t', '...', '?!', '— « » …', '***', '🙂']) expect(speakableText(t)).toBeNull();
  });
});
