// PCM conversions between the pipeline (S16 mono), the models (float32) and other sample rates.
import { EngineError } from '../errors.js';

export const WHISPER_RATE = 16_000;
export const KOKORO_RATE = 24_000;

export function int16ToFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
  return out;
}

export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Number.isFinite(samples[i]) ? Math.max(-1, Math.min(1, samples[i]!)) : 0;
    out[i] = Math.round(s * 32767);
  }
  return out;
}

export function checkSampleRate(rate: number, what: string): void {
  if (!Number.isInteger(rate) || rate < 8000 || rate > 192_000) {
    throw new EngineError(`${what}: sample rate ${rate} Hz is not a rate audio comes at`, 'give mono PCM at 8-192 kHz (16 kHz for speech-to-text)');
  }
}

const TAPS = 16;

/**
 * Band-limited resampling (Hann-windowed sinc, 16 taps each side, cut-off at the lower Nyquist), so Kokoro's
 * 24 kHz speech can be played at another rate or fed back to Whisper at 16 kHz without aliasing.
 */
export function resample(input: Float32Array, from: number, to: number): Float32Array {
  checkSampleRate(from, 'resample');
  checkSampleRate(to, 'resample');
  if (from === to || input.length === 0) return input.slice();
  const ratio = to / from;
  const cutoff = Math.min(1, ratio);
  const out = new Float32Array(Math.round(input.length * ratio));
  for (let i = 0; i < out.length; i++) {
    const center = i / ratio;
    const first = Math.ceil(center - TAPS / cutoff);
    const last = Math.floor(center + TAPS / cutoff);
    let acc = 0;
    let norm = 0;
    for (let j = Math.max(0, first); j <= Math.min(input.length - 1, last); j++) {
      const x = (j - center) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / TAPS);
      const k = sinc * w;
      acc += input[j]! * k;
      norm += k;
    }
    out[i] = norm === 0 ? 0 : acc / norm;
  }
  return out;
}
