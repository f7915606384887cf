// The fallback text-to-speech: espeak-ng, which works before any model is downloaded. It writes a WAV file into
// a private temporary folder (removed after), whose PCM is then handed on in small chunks.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { terminate, track } from './children.js';
import type { TextToSpeech } from './engines.js';
import { EngineError } from './errors.js';

export const ESPEAK_RATE = 22_050;
/** Samples per chunk handed on: 100 ms, so a stop between chunks cuts the reply short. */
const CHUNK_SAMPLES = ESPEAK_RATE / 10;

/** The 16-bit mono PCM of espeak-ng's WAV at ESPEAK_RATE, or null when the file is not that. */
export function wavPcm(buf: Buffer): Int16Array | null {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return null;
  let rate = 0;
  let bits = 0;
  let channels = 0;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = buf.toString('ascii', at, at + 4);
    // espeak-ng leaves the data size at 0x7ffff000 when it cannot seek back; the rest of the file is the data then.
    const size = Math.min(buf.readUInt32LE(at + 4), buf.length - at - 8);
    if (id === 'fmt ' && size >= 16) {
      channels = buf.readUInt16LE(at + 10);
      rate = buf.readUInt32LE(at + 12);
      bits = buf.readUInt16LE(at + 22);
    } else if (id === 'data') {
      if (rate !== ESPEAK_RATE || bits !== 16 || channels !== 1) return null;
      const usable = size - (size % 2);
      return new Int16Array(buf.buffer.slice(buf.byteOffset + at + 8, buf.byteOffset + at + 8 + usable));
    }
    at += 8 + size + (size % 2);
  }
  return null;
}

export class EspeakTextToSpeech implements TextToSpeech {
  readonly name = 'espeak-ng';
  readonly sampleRate = ESPEAK_RATE;

  constructor(private readonly opts: { resolveBinary: (name: string) => string | null; voice?: string; wpm?: number; tempRoot?: string }) {}

  private binary(): string {
    const bin = this.opts.resolveBinary('espeak-ng');
    if (!bin) throw new EngineError('espeak-ng is not installed, and no other text-to-speech model is', 'run `sudo apt-get install espeak-ng` (Windows: install eSpeak NG from github.com/espeak-ng/espeak-ng/releases; Jett finds it in Program Files), or `jett models pull kokoro`');
    return bin;
  }

  async warmUp(): Promise<void> {
    this.binary();
  }

  async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    const bin = this.binary();
    // `-w FILE` on every OS: on Windows `--stdout` goes through a text-mode stdout that corrupts the binary WAV.
    // The folder is private to the user (mkdtemp makes it 0700 on POSIX; %TEMP% is per user on Windows).
    const dir = fs.mkdtempSync(path.join(this.opts.tempRoot ?? os.tmpdir(), 'jett-espeak-'));
    const file = path.join(dir, 'reply.wav');
    try {
      // The text goes through stdin: never an argument that could read as an option.
      const child = execa(bin, ['-v', this.opts.voice ?? 'en-us', '-s', String(this.opts.wpm ?? 175), '-w', file, '--stdin'], {
        input: text,
        stdout: 'ignore',
        stderr: 'pipe',
        reject: false,
      });
      track(child);
      const stop = () => void terminate(child, 50);
      signal.addEventListener('abort', stop, { once: true });
      let res: Awaited<typeof child>;
      try {
        res = await child;
      } finally {
        signal.removeEventListener('abort', stop);
      }
      if (signal.aborted) return;
      if (res.exitCode !== 0) throw new EngineError(`espeak-ng failed (exit ${res.exitCode ?? res.signal}): ${String(res.stderr).trim().slice(0, 300)}`, 'run `espeak-ng "test"` to see what it says');
      const pcm = wavPcm(fs.readFileSync(file));
      if (!pcm) throw new EngineError(`espeak-ng wrote no ${ESPEAK_RATE} Hz mono 16-bit WAV`, 'run `espeak-ng -w test.wav "test"` and check the file; reinstall eSpeak NG if it is not a WAV');
      for (let at = 0; at < pcm.length; at += CHUNK_SAMPLES) {
        if (signal.aborted) return;
        yield pcm.slice(at, at + CHUNK_SAMPLES);
      }
    } finally {
      // Retries: on Windows an antivirus scan of the new file can hold it for a moment (EBUSY, EPERM).
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
  }
}
