// Reply audio through sox from a raw stream to the default output device: a small buffer so a stop takes effect
// within one buffer, and a killed child so no sound follows a cancel.
import { execa, type ResultPromise } from 'execa';
import { terminate, track } from './children.js';
import type { AudioSink } from './engines.js';
import { EngineError } from './errors.js';

/** sox's output buffer in bytes: 2048 bytes is 46 ms at 22.05 kHz, the most a stop can let through. */
export const PLAY_BUFFER_BYTES = 2048;

/**
 * sox's arguments to play raw 16-bit mono audio from stdin. sox itself, never `play`: SoX for Windows ships
 * sox.exe only, and its README.win32 gives `sox [input] -d` for play. On Windows the output is named outright,
 * `-t waveaudio default` (soxformat(7), "waveaudio": the system default output), so no AUDIODRIVER can pick another.
 */
export function playbackArgs(sampleRate: number, platform: NodeJS.Platform): string[] {
  const input = ['-q', '--buffer', String(PLAY_BUFFER_BYTES), '-t', 'raw', '-r', String(sampleRate), '-e', 'signed-integer', '-b', '16', '-c', '1', '-'];
  return [...input, ...(platform === 'win32' ? ['-t', 'waveaudio', 'default'] : ['--default-device'])];
}

export class SoxPlayer implements AudioSink {
  readonly name = 'sox';
  private child: ResultPromise | null = null;
  private stopped = false;

  constructor(private readonly opts: { resolveBinary: (name: string) => string | null; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform }) {}

  async open(sampleRate: number): Promise<void> {
    const platform = this.opts.platform ?? process.platform;
    const sox = this.opts.resolveBinary('sox');
    if (!sox) {
      const how = platform === 'win32' ? 'install SoX for Windows (https://sourceforge.net/projects/sox/, sox-14.4.2-win32.exe): Jett finds sox.exe in its Program Files folder or on PATH' : 'install sox (`sudo apt-get install sox libsox-fmt-alsa`, or `npm run setup:linux`)';
      throw new EngineError('sox is not installed, so Jett cannot speak', how);
    }
    this.stopped = false;
    const child = execa(sox, playbackArgs(sampleRate, platform), { stdin: 'pipe', stdout: 'ignore', stderr: 'pipe', reject: false, ...(this.opts.env ? { env: this.opts.env, extendEnv: false } : {}) });
    track(child);
    // An EPIPE after a stop is expected: the child was killed on purpose.
    child.stdin?.on('error', () => undefined);
    this.child = child;
  }

  async write(pcm: Int16Array): Promise<void> {
    const child = this.child;
    if (!child || this.stopped || !child.stdin || child.stdin.destroyed) return;
    const ok = child.stdin.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          child.stdin?.off('drain', done);
          child.stdin?.off('close', done);
          resolve();
        };
        child.stdin?.once('drain', done);
        child.stdin?.once('close', done);
      });
    }
  }

  async drain(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.stdin?.end();
    const res = await child;
    // A stop took this child away (and a reply that goes on after a hush may have started the next one): its end is
    // no failure, and the next child is not this drain's to forget.
    if (this.child !== child) return;
    this.child = null;
    if (!this.stopped && res.exitCode !== 0) {
      throw new EngineError(`sox could not play the reply (exit ${res.exitCode}): ${String(res.stderr).trim().slice(0, 300)}`, 'check the speakers with `sox -n -d synth 1 sine 440` (Windows: `sox -n -t waveaudio default synth 1 sine 440`), then run `jett doctor`');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    this.child = null;
    if (child) {
      child.stdin?.destroy();
      await terminate(child, 100);
    }
  }
}

/** Keeps reply audio in memory (tests, the benchmark, and `jett voice --output`). */
export class MemorySink implements AudioSink {
  readonly name = 'memory';
  sampleRate = 0;
  chunks: Int16Array[] = [];
  stopped = false;

  async open(sampleRate: number): Promise<void> {
    this.sampleRate = sampleRate;
    this.stopped = false;
  }

  async write(pcm: Int16Array): Promise<void> {
    if (!this.stopped) this.chunks.push(pcm);
  }

  async drain(): Promise<void> {}

  async stop(): Promise<void> {
    this.stopped = true;
  }

  samples(): Int16Array {
    const out = new Int16Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
