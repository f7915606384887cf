// Audio from a file for `jett voice --input`: a 16 kHz mono S16 WAV is read directly, anything else is
// converted by sox; then it is fed in 32 ms chunks followed by silence, as if the file had been spoken.
import fs from 'node:fs';
import { execa } from 'execa';
import type { AudioSource } from './capture.js';
import { VoiceError } from './errors.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './vad.js';

/** The PCM of a canonical WAV (PCM 16-bit mono 16 kHz), or null when the file is anything else. */
export function parseWav16k(buf: Buffer): Int16Array | null {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return null;
  let at = 12;
  let format: { tag: number; channels: number; rate: number; bits: number } | null = null;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ' && body + 16 <= buf.length) {
      format = { tag: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format || format.tag !== 1 || format.channels !== 1 || format.rate !== SAMPLE_RATE || format.bits !== 16) return null;
      const end = Math.min(buf.length, body + size) - ((Math.min(buf.length, body + size) - body) % 2);
      return new Int16Array(buf.buffer.slice(buf.byteOffset + body, buf.byteOffset + end));
    }
    at = body + size + (size % 2);
  }
  return null;
}

/** Writes 16-bit mono PCM as a WAV file (what `jett voice --output` saves, and what the tests feed back in). */
export function writeWav(file: string, pcm: Int16Array, rate: number): void {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.byteLength, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.byteLength, 40);
  fs.writeFileSync(file, Buffer.concat([header, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)]));
}

export async function readAudioFile(file: string, resolveBinary: (name: string) => string | null): Promise<Int16Array> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new VoiceError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the path of --input', { cause: err });
  }
  const direct = parseWav16k(buf);
  if (direct) return direct;
  const sox = resolveBinary('sox');
  if (!sox) throw new VoiceError(`${file} is not a 16 kHz mono 16-bit WAV, and sox is not installed to convert it`, 'convert it first, or install sox (`npm run setup:linux`)');
  const res = await execa(sox, [file, '-t', 'raw', '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-'], { encoding: 'buffer', reject: false });
  if (res.exitCode !== 0) {
    throw new VoiceError(`sox cannot read ${file}: ${Buffer.from(res.stderr).toString().trim().slice(0, 300)}`, 'give a WAV, FLAC or other file sox can read');
  }
  const out = Buffer.from(res.stdout);
  return new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength - (out.byteLength % 2)));
}

export class PcmSource implements AudioSource {
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly pcm: Int16Array,
    /** Silence appended so a file that stops right at the last word still gets its end of turn. */
    private readonly tailMs = 1500,
    /**
     * From this sample on, chunks come no faster than a microphone would deliver them. Before it the audio is fed
     * at once. What the pipeline does during a silence (preparing the reply) needs the silence to take real time.
     */
    private readonly realTimeFrom = Number.POSITIVE_INFINITY,
  ) {}

  async *chunks(): AsyncIterable<Int16Array> {
    const chunk = FRAME_SAMPLES;
    const total = this.pcm.length + Math.round((this.tailMs * SAMPLE_RATE) / 1000);
    let paceStart: number | null = null;
    for (let at = 0; at < total && !this.stopped; at += chunk) {
      if (at >= this.realTimeFrom) {
        paceStart ??= performance.now() - ((at - this.realTimeFrom) * 1000) / SAMPLE_RATE;
        const due = paceStart + ((at + chunk - this.realTimeFrom) * 1000) / SAMPLE_RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const out = new Int16Array(Math.min(chunk, total - at));
      if (at < this.pcm.length) out.set(this.pcm.subarray(at, Math.min(this.pcm.length, at + chunk)));
      yield out;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
