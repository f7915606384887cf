// Speech for the voice tests: espeak-ng sentences at 16 kHz with an exactly known end, and a fake microphone
// (an ALSA `file` device in a temporary HOME/.asoundrc) that makes sox and arecord record a file as if spoken.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { writeWav as writeWavFile } from '../../main/core/voice/file-source.js';
import { prng } from './prng.js';

export const RATE = 16_000;
/** Below this amplitude espeak-ng's output is its own fade-out, not speech: the true end is the last louder sample. */
export const SPEECH_FLOOR = 200;

function bin(name: string): string {
  const file = resolveBinary(name);
  if (!file) throw new Error(`${name} is not installed (npm run setup:linux)`);
  return file;
}

/** espeak-ng speech of `text`, resampled to 16 kHz mono S16 and trimmed to its first and last loud sample. */
export async function speak(text: string, opts: { voice?: string; wpm?: number } = {}): Promise<Int16Array> {
  const wav = await execa(bin('espeak-ng'), ['-v', opts.voice ?? 'en-us', '-s', String(opts.wpm ?? 170), '--stdout'], {
    input: text,
    encoding: 'buffer',
  });
  const raw = await execa(bin('sox'), ['-t', 'wav', '-', '-t', 'raw', '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-'], {
    input: Buffer.from(wav.stdout),
    encoding: 'buffer',
  });
  const bytes = Buffer.from(raw.stdout);
  return trim(new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
}

export function trim(pcm: Int16Array, floor = SPEECH_FLOOR): Int16Array {
  let start = 0;
  let end = pcm.length;
  while (start < end && Math.abs(pcm[start] as number) < floor) start++;
  while (end > start && Math.abs(pcm[end - 1] as number) < floor) end--;
  return pcm.slice(start, end);
}

/** Uniform noise of the given peak amplitude (a low floor like a quiet room: 30 is about -60 dBFS). */
export function noise(samples: number, amplitude: number, seed = 1): Int16Array {
  const rnd = prng(seed);
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round((rnd() * 2 - 1) * amplitude);
  return out;
}

export const ms = (millis: number): number => Math.round((millis * RATE) / 1000);

export interface Clip {
  pcm: Int16Array;
  /** Sample index of the first speech sample. */
  speechStart: number;
  /** Sample index just after the last speech sample: the true end of speech. */
  speechEnd: number;
  /** Mid-sentence pauses, as [start, end) sample ranges. */
  pauses: Array<[number, number]>;
}

/**
 * Speech parts joined by pauses, with lead and tail silence, all over one low noise floor.
 * `parts` alternates speech and pause lengths in ms: ['Turn on the lights', 200, 'in the kitchen'].
 */
export async function makeClip(parts: Array<string | number>, opts: { leadMs?: number; tailMs?: number; noiseAmp?: number; seed?: number; wpm?: number } = {}): Promise<Clip> {
  const segments: Int16Array[] = [];
  const pauses: Array<[number, number]> = [];
  let at = ms(opts.leadMs ?? 500);
  const speechStart = at;
  segments.push(new Int16Array(at));
  for (const part of parts) {
    if (typeof part === 'number') {
      const len = ms(part);
      pauses.push([at, at + len]);
      segments.push(new Int16Array(len));
      at += len;
    } else {
      const speech = await speak(part, opts.wpm === undefined ? {} : { wpm: opts.wpm });
      segments.push(speech);
      at += speech.length;
    }
  }
  const speechEnd = at;
  segments.push(new Int16Array(ms(opts.tailMs ?? 1500)));
  const pcm = concat(segments);
  const floor = noise(pcm.length, opts.noiseAmp ?? 30, opts.seed ?? 1);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, (pcm[i] as number) + (floor[i] as number)));
  return { pcm, speechStart, speechEnd, pauses };
}

export function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function toBuffer(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

export function writeWav(file: string, pcm: Int16Array, rate = RATE): void {
  writeWavFile(file, pcm, rate);
}

export interface FakeMicrophone {
  /** Point HOME here: ALSA reads `$HOME/.asoundrc`. */
  home: string;
  env: NodeJS.ProcessEnv;
  /** What anything played on the default device was written to. */
  playedFile: string;
}

/**
 * An ALSA default device that records `pcm` and writes whatever is played to a file. The `plug` layer fixes the
 * slave at 16 kHz S16, and the file must have the channel count the recorder asks for, because the `file`
 * plugin loses blocks of samples when `plug` converts channels on capture (seen here): sox opens the default
 * device in stereo (the file then holds each sample twice, and sox mixes it back to the same mono samples),
 * arecord -c 1 in mono. Every sample keeps its position: the pipeline's clock. After the file ends the device
 * delivers silence. The `null` slave is not paced, so capture runs faster than real time.
 */
export function fakeMicrophone(dir: string, pcm: Int16Array, opts: { recorder?: 'sox' | 'arecord' } = {}): FakeMicrophone {
  fs.mkdirSync(dir, { recursive: true });
  const channels = opts.recorder === 'arecord' ? 1 : 2;
  const infile = path.join(dir, 'mic.raw');
  const playedFile = path.join(dir, 'played.raw');
  const frames = new Int16Array(pcm.length * channels);
  for (let i = 0; i < pcm.length; i++) for (let c = 0; c < channels; c++) frames[i * channels + c] = pcm[i] as number;
  fs.writeFileSync(infile, toBuffer(frames));
  fs.writeFileSync(
    path.join(dir, '.asoundrc'),
    [
      'pcm.!default {',
      '  type plug',
      `  slave { pcm "jettfile"; format S16_LE; rate 16000; channels ${channels} }`,
      '}',
      'pcm.jettfile {',
      '  type file',
      '  slave.pcm "null"',
      `  file "${playedFile}"`,
      `  infile "${infile}"`,
      '  format "raw"',
      '}',
      '',
    ].join('\n'),
  );
  return { home: dir, env: { ...process.env, HOME: dir }, playedFile };
}
