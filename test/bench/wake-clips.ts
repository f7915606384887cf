// The wake-word benchmark's fixed matrix of espeak-ng clips (issue 20), each padded with 1 s of silence: 21
// "hey jarvis" positives (7 voices x 3 speeds), 3 "hey jarvis, what time is it", near misses and other
// sentences, phrases the model is known to confuse (reported apart), silence, noise from the first sample, and over 30 minutes of distinct speech drawn from the licence
// texts every Debian system has. Generated speech is cached under test/artifacts/wake-clips, keyed by its inputs.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { padded, soxNoise, speakDithered } from '../helpers/wake-audio.js';

export interface WakeClip {
  name: string;
  pcm: Int16Array;
  wake: boolean;
  /** A phrase the head is known to confuse with the wake word: reported apart. */
  confusable?: true;
}

export const VOICES = ['en-us', 'en-gb', 'en-gb-x-rp', 'en-gb-scotland', 'en-us+f3', 'en-us+m3', 'en-029'];
const NEGATIVE_SENTENCES = [
  'hey there',
  'jar of jam',
  'hey travis',
  'jarvis',
  'hey jason, what is up',
  'the jars are on the shelf',
  'harvest comes in the autumn',
  'the service was very slow',
  'what time is it',
  'turn on the lights in the kitchen',
  'hey, are you listening to me',
  'play some quiet music',
  'my friend Travis is here',
  'pass the jam please',
  'a hay bale in the barn',
  'he is a nervous driver',
  'remind me to call my mother at six',
];
/**
 * Found by this benchmark, not fixable in Jett: openWakeWord's hey_jarvis head scores espeak-ng's "hey jack" up to
 * 0.99, as high as the phrase itself. Scored and reported on their own (confusable_wakes), not hidden among the
 * negatives and not counted in their goal.
 */
const CONFUSABLE_SENTENCES = ['hey jack, nice to meet you'];
const LICENCES = ['Apache-2.0', 'Artistic', 'BSD', 'CC0-1.0', 'GFDL-1.2', 'GFDL-1.3', 'GPL-1', 'GPL-2', 'GPL-3', 'LGPL-2', 'LGPL-2.1', 'LGPL-3', 'MPL-1.1', 'MPL-2.0'];
const LONG_SPEEDS = [130, 160, 190];
/** Enough distinct speech that the hourly rate rests on at least 30 minutes of it. */
export const MIN_LONG_SPEECH_S = 1860;

const CACHE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts/wake-clips');

let versions: string | null = null;
async function toolVersions(): Promise<string> {
  if (versions) return versions;
  const run = async (name: string) => {
    const bin = resolveBinary(name);
    if (!bin) throw new Error(`${name} is not installed (npm run setup:linux)`);
    return (await execa(bin, ['--version'])).stdout.trim();
  };
  versions = `${await run('espeak-ng')} | ${await run('sox')}`;
  return versions;
}

/** espeak-ng speech through `sox -R`, from the cache when the same text, voice, speed and tools made it before. */
async function cachedSpeech(text: string, voice: string, wpm: number): Promise<Int16Array> {
  const key = createHash('sha256').update(JSON.stringify({ text, voice, wpm, tools: await toolVersions(), v: 1 })).digest('hex');
  const file = path.join(CACHE, `${key}.pcm`);
  if (fs.existsSync(file)) {
    const b = fs.readFileSync(file);
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  const pcm = await speakDithered(text, voice, wpm);
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  fs.renameSync(`${file}.tmp`, file);
  return pcm;
}

/** Distinct sentences of the licence texts, in a fixed order, each once (the GPLs share many). */
export function licenceSentences(dir = '/usr/share/common-licenses'): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of LICENCES) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8').replace(/[^A-Za-z0-9.,;:!?'() -]+/g, ' ').replace(/\s+/g, ' ');
    for (const raw of text.split(/(?<=[.;:!?])\s+/)) {
      const sentence = raw.trim();
      const key = sentence.toLowerCase().replace(/[^a-z]+/g, ' ').trim();
      if (key.split(' ').length < 4 || seen.has(key)) continue;
      seen.add(key);
      out.push(sentence);
    }
  }
  return out;
}

/** Sentences grouped into passages of up to `words` words. */
function passages(sentences: string[], words = 70): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let count = 0;
  for (const s of sentences) {
    const n = s.split(' ').length;
    if (count > 0 && count + n > words) {
      out.push(cur.join(' '));
      cur = [];
      count = 0;
    }
    cur.push(s);
    count += n;
  }
  if (cur.length > 0) out.push(cur.join(' '));
  return out;
}

export async function wakeMatrix(progress: (line: string) => void): Promise<WakeClip[]> {
  const clips: WakeClip[] = [];
  for (const voice of VOICES) {
    for (const wpm of [120, 150, 180]) clips.push({ name: `hey jarvis (${voice}, ${wpm})`, pcm: padded(await cachedSpeech('hey jarvis', voice, wpm)), wake: true });
  }
  for (const voice of ['en-us', 'en-gb', 'en-us+f3']) {
    clips.push({ name: `hey jarvis, what time is it (${voice})`, pcm: padded(await cachedSpeech('hey jarvis, what time is it', voice, 150)), wake: true });
  }
  for (const text of NEGATIVE_SENTENCES) {
    for (const voice of ['en-us', 'en-gb', 'en-us+f3']) clips.push({ name: `${text} (${voice})`, pcm: padded(await cachedSpeech(text, voice, 150)), wake: false });
  }
  for (const text of CONFUSABLE_SENTENCES) {
    for (const voice of ['en-us', 'en-gb', 'en-us+f3']) clips.push({ name: `${text} (${voice})`, pcm: padded(await cachedSpeech(text, voice, 150)), wake: false, confusable: true });
  }
  clips.push({ name: 'silence (10 s)', pcm: new Int16Array(160_000), wake: false });
  for (const kind of ['whitenoise', 'pinknoise', 'brownnoise'] as const) {
    clips.push({ name: `${kind} from the first sample (6 s)`, pcm: await soxNoise(kind, 6, 0.3), wake: false });
  }
  progress(`  ${clips.length} short clips; generating the long negative speech (cached in ${path.relative(process.cwd(), CACHE)})`);
  let longSamples = 0;
  const texts = passages(licenceSentences());
  for (let i = 0; i < texts.length && longSamples < MIN_LONG_SPEECH_S * 16_000; i++) {
    const voice = VOICES[i % VOICES.length] as string;
    const wpm = LONG_SPEEDS[Math.floor(i / VOICES.length) % LONG_SPEEDS.length] as number;
    const speech = await cachedSpeech(texts[i] as string, voice, wpm);
    longSamples += speech.length;
    clips.push({ name: `licence passage ${i + 1} (${voice}, ${wpm})`, pcm: padded(speech), wake: false });
    if ((i + 1) % 20 === 0) progress(`  ${i + 1} passages, ${Math.round(longSamples / 16_000)} s of speech`);
  }
  if (longSamples < MIN_LONG_SPEECH_S * 16_000) throw new Error(`only ${Math.round(longSamples / 16_000)} s of distinct negative speech could be made from /usr/share/common-licenses`);
  return clips;
}
