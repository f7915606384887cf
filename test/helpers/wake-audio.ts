// Speech for the wake-word tests and benchmark: espeak-ng at 16 kHz through `sox -R` (repeatable dither: scores
// near the threshold move with one bit of it), trimmed to the speech, then padded with 1 s of silence each side.
import { execa } from 'execa';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { RATE, trim } from './audio.js';

function bin(name: string): string {
  const file = resolveBinary(name);
  if (!file) throw new Error(`${name} is not installed (npm run setup:linux)`);
  return file;
}

export const PAD_SAMPLES = RATE;

/** espeak-ng speech of `text` in `voice` at `wpm`, resampled with sox's repeatable dither, trimmed. */
export async function speakDithered(text: string, voice: string, wpm: number): Promise<Int16Array> {
  const wav = await execa(bin('espeak-ng'), ['-v', voice, '-s', String(wpm), '--stdout'], { input: text, encoding: 'buffer' });
  const raw = await execa(bin('sox'), ['-R', '-t', 'wav', '-', '-t', 'raw', '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-'], {
    input: Buffer.from(wav.stdout),
    encoding: 'buffer',
  });
  const bytes = Buffer.from(raw.stdout);
  return trim(new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 2))));
}

/** Speech with 1 s of digital silence before and after; the phrase ends at PAD_SAMPLES + speech.length. */
export function padded(speech: Int16Array, pad = PAD_SAMPLES): Int16Array {
  const out = new Int16Array(speech.length + 2 * pad);
  out.set(speech, pad);
  return out;
}

/** sox's own noise (white, pink, brown...) at `vol` of full scale, repeatable (-R), from the first sample on. */
export async function soxNoise(kind: 'whitenoise' | 'pinknoise' | 'brownnoise', seconds: number, vol: number): Promise<Int16Array> {
  const raw = await execa(bin('sox'), ['-R', '-n', '-t', 'raw', '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-', 'synth', String(seconds), kind, 'vol', String(vol)], {
    encoding: 'buffer',
  });
  const bytes = Buffer.from(raw.stdout);
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 2)));
}
