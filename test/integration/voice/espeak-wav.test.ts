// The real espeak-ng through `-w FILE` (its `--stdout` is corrupted on Windows): the same speech as its stdout
// gives on Linux, handed on in chunks, and its private temporary folder gone after a reply, a stop, or a failure.
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { liveChildren } from '../../../main/core/voice/children.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { ESPEAK_RATE, EspeakTextToSpeech, wavPcm } from '../../../main/core/voice/espeak-tts.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

const which = (n: string) => resolveBinary(n);
const TEXT = 'The heating is off. Anything else?';

async function collect(chunks: AsyncIterable<Int16Array>): Promise<{ pcm: Int16Array; count: number }> {
  const parts: Int16Array[] = [];
  for await (const c of chunks) parts.push(c);
  const pcm = new Int16Array(parts.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of parts) pcm.set(c, (at += c.length) - c.length);
  return { pcm, count: parts.length };
}

describeWith([binary('espeak-ng')], 'espeak-ng writes a WAV file', () => {
  it('speaks exactly what `espeak-ng --stdout` speaks on Linux, in chunks, and leaves no file behind', async () => {
    const root = tempDir('jett-espeak-root-');
    const tts = new EspeakTextToSpeech({ resolveBinary: which, tempRoot: root });
    const { pcm, count } = await collect(tts.synthesize(TEXT, new AbortController().signal));
    const stdout = await execa(which('espeak-ng')!, ['-v', 'en-us', '-s', '175', '--stdout', '--stdin'], { input: TEXT, encoding: 'buffer' });
    const reference = wavPcm(Buffer.from(stdout.stdout));
    expect(reference).not.toBeNull();
    expect(pcm.length).toBeGreaterThan(ESPEAK_RATE / 2);
    expect(Buffer.from(pcm.buffer).equals(Buffer.from(reference!.buffer))).toBe(true);
    expect(count).toBeGreaterThan(1);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('stops on an abort, with espeak-ng gone and the folder removed', async () => {
    const root = tempDir('jett-espeak-root-');
    const tts = new EspeakTextToSpeech({ resolveBinary: which, tempRoot: root });
    const ac = new AbortController();
    let chunks = 0;
    for await (const _ of tts.synthesize(TEXT, ac.signal)) if (++chunks === 2) ac.abort();
    expect(chunks).toBe(2);
    expect(liveChildren()).toEqual([]);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('an abort while espeak-ng runs gives no audio and no error, and kills it', async () => {
    const root = tempDir('jett-espeak-root-');
    const tts = new EspeakTextToSpeech({ resolveBinary: which, tempRoot: root });
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    const { count } = await collect(tts.synthesize(TEXT.repeat(40), ac.signal));
    expect(count).toBe(0);
    expect(liveChildren()).toEqual([]);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('makes the folder private to the user', async () => {
    const root = tempDir('jett-espeak-root-');
    const tts = new EspeakTextToSpeech({ resolveBinary: which, tempRoot: root });
    let mode = 0;
    for await (const _ of tts.synthesize('Hello.', new AbortController().signal)) {
      const [dir] = fs.readdirSync(root);
      mode = fs.statSync(path.join(root, dir!)).mode & 0o777;
      break;
    }
    expect(mode).toBe(0o700);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});

describe('espeak-ng failures', () => {
  it('is an EngineError that says what to run, and removes the folder, when espeak-ng exits with an error', async () => {
    const root = tempDir('jett-espeak-root-');
    const fake = path.join(tempDir('jett-espeak-bin-'), 'espeak-ng');
    fs.writeFileSync(fake, '#!/bin/sh\necho "Failed to read voice \'en-us\'" >&2\nexit 1\n', { mode: 0o755 });
    const tts = new EspeakTextToSpeech({ resolveBinary: () => fake, tempRoot: root });
    const err = await collect(tts.synthesize('Hello.', new AbortController().signal)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toContain('Failed to read voice');
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('refuses a file that is not a 22.05 kHz mono 16-bit WAV', () => {
    expect(wavPcm(Buffer.from('RIFF....WAVEjunk'))).toBeNull();
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.write('WAVE', 8);
    header.write('fmt ', 12);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16_000, 24);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    expect(wavPcm(header)).toBeNull();
    header.writeUInt32LE(ESPEAK_RATE, 24);
    expect(wavPcm(header)).toEqual(new Int16Array(0));
  });

  it('says how to install eSpeak NG on Windows when it is missing', async () => {
    const tts = new EspeakTextToSpeech({ resolveBinary: () => null });
    const err = await tts.warmUp().catch((e: unknown) => e);
    expect((err as EngineError).fix).toContain('eSpeak NG');
  });
});
