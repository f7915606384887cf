// The fallback text-to-speech: espeak-ng, which works before any model is downloaded. It writes a WAV to
// stdout; the PCM after the header is streamed as it comes.
import { execa } from 'execa';
import { terminate, track } from './children.js';
import type { TextToSpeech } from './engines.js';
import { EngineError } from './errors.js';

export const ESPEAK_RATE = 22_050;

export class EspeakTextToSpeech implements TextToSpeech {
  readonly name = 'espeak-ng';
  readonly sampleRate = ESPEAK_RATE;

  constructor(private readonly opts: { resolveBinary: (name: string) => string | null; voice?: string; wpm?: number }) {}

  private binary(): string {
    const bin = this.opts.resolveBinary('espeak-ng');
    if (!bin) throw new EngineError('espeak-ng is not installed, and no other text-to-speech model is', 'run `sudo apt-get install espeak-ng` (Windows: install eSpeak NG and put it on PATH), or `jett models pull kokoro`');
    return bin;
  }

  async warmUp(): Promise<void> {
    this.binary();
  }

  async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    // The text goes through stdin: never an argument that could read as an option.
    const child = execa(this.binary(), ['-v', this.opts.voice ?? 'en-us', '-s', String(this.opts.wpm ?? 175), '--stdout', '--stdin'], {
      input: text,
      encoding: 'buffer',
      buffer: false,
      reject: false,
      stderr: 'ignore',
    });
    track(child);
    const stop = () => void terminate(child, 50);
    signal.addEventListener('abort', stop, { once: true });
    let header: Buffer | null = Buffer.alloc(0);
    let carry: Buffer | null = null;
    try {
      for await (const data of child.stdout as AsyncIterable<Buffer>) {
        if (signal.aborted) return;
        let buf: Buffer = data;
        if (header) {
          header = Buffer.concat([header, buf]);
          const at = header.indexOf('data');
          if (at < 0 || header.length < at + 8) continue;
          buf = header.subarray(at + 8);
          header = null;
        }
        if (carry) buf = Buffer.concat([carry, buf]);
        const usable = buf.length - (buf.length % 2);
        carry = usable < buf.length ? buf.subarray(usable) : null;
        if (usable > 0) yield new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + usable));
      }
      const res = await child;
      if (!signal.aborted && res.exitCode !== 0) throw new EngineError(`espeak-ng failed (exit ${res.exitCode})`, 'run `espeak-ng "test"` to see what it says');
    } finally {
      signal.removeEventListener('abort', stop);
      await terminate(child, 50);
    }
  }
}
