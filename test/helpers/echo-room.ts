// A room on the sample clock for the barge-in tests and benchmark: what the pipeline plays comes back into the
// microphone delayed and attenuated (a direct path and a few reflections), mixed with the user's speech where the
// test schedules it and a low noise floor. The microphone is the clock: a played sample is heard at the capture
// position it was played at, plus the room's delay; writes are paced like a speaker's buffer.
import { execa } from 'execa';
import type { AudioSource } from '../../main/core/voice/capture.js';
import type { AudioSink, TextToSpeech } from '../../main/core/voice/engines.js';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { noise, RATE, trim } from './audio.js';

export interface RoomOptions {
  /** Samples from playback to the microphone (output buffer, air, input buffer). */
  delay: number;
  /** Direct path's gain, and reflections as [extra delay in samples, gain]. */
  gain: number;
  reflections: Array<[number, number]>;
  noiseAmp?: number;
  seed?: number;
}

/** Speaker buffer: a write returns once the audio before its last 200 ms has been played. */
const SPEAKER_BUFFER = Math.round(0.2 * RATE);
const CHUNK = 512;

export class EchoRoom {
  /** The capture clock: samples the microphone has delivered (including the chunk being processed). */
  now = 0;
  /** Reply audio at 16 kHz by the capture position it is played at. */
  private played = new Float32Array(RATE * 600);
  private cursor = 0;
  private user: Array<{ at: number; pcm: Int16Array }> = [];
  private waiting: Array<{ until: number; resolve: () => void }> = [];
  private stopped = false;
  private readonly floor: Int16Array;
  /** Where each reply's playback started, and where a stop cut it. */
  starts: number[] = [];
  stops: number[] = [];
  private rate = RATE;
  private phase = 0;
  private last = 0;
  private fresh = false;
  onPlaybackStart: ((sample: number) => void) | null = null;

  constructor(private readonly opts: RoomOptions) {
    this.floor = noise(RATE * 10, opts.noiseAmp ?? 30, opts.seed ?? 7);
  }

  /** The user says `pcm` starting at capture sample `at`. */
  say(at: number, pcm: Int16Array): void {
    this.user.push({ at, pcm });
  }

  readonly source: AudioSource = {
    name: 'echo room',
    chunks: () => this.chunks(),
    stop: async () => {
      this.stopped = true;
      this.wake(Number.POSITIVE_INFINITY);
    },
  };

  readonly sink: AudioSink = {
    name: 'echo room speaker',
    open: async (rate) => {
      this.rate = rate;
      this.phase = 0;
      this.fresh = true;
    },
    write: async (pcm) => {
      const start = Math.max(this.cursor, this.now);
      if (this.fresh) {
        this.fresh = false;
        this.starts.push(start);
        this.onPlaybackStart?.(start);
      }
      const step = this.rate / RATE;
      let at = start;
      while (this.phase < pcm.length - 1) {
        const i = Math.floor(this.phase);
        const a = i < 0 ? this.last : (pcm[i] as number);
        this.played[at++] = (a + ((pcm[i + 1] as number) - a) * (this.phase - i)) / 32768;
        this.phase += step;
      }
      this.phase -= pcm.length;
      this.last = pcm[pcm.length - 1] as number;
      this.cursor = at;
      await this.until(at - SPEAKER_BUFFER);
    },
    drain: () => this.until(this.cursor),
    stop: async () => {
      this.stops.push(this.now);
      this.played.fill(0, this.now, Math.max(this.now, this.cursor));
      this.cursor = this.now;
      this.wake(Number.POSITIVE_INFINITY);
    },
  };

  private until(sample: number): Promise<void> {
    if (this.now >= sample || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ until: sample, resolve }));
  }

  private wake(now: number): void {
    const due = this.waiting.filter((w) => w.until <= now);
    this.waiting = this.waiting.filter((w) => w.until > now);
    for (const w of due) w.resolve();
  }

  private async *chunks(): AsyncIterable<Int16Array> {
    this.stopped = false;
    while (!this.stopped) {
      const start = this.now;
      // The clock moves before the chunk is handed over: what is played while it is processed lands after it.
      this.now += CHUNK;
      yield this.render(start);
      this.wake(this.now);
      await new Promise((r) => setImmediate(r));
    }
  }

  private render(start: number): Int16Array {
    const out = new Int16Array(CHUNK);
    const { delay, gain, reflections } = this.opts;
    const taps: Array<[number, number]> = [[0, 1], ...reflections];
    for (let i = 0; i < CHUNK; i++) {
      const t = start + i;
      let v = 0;
      for (const [d, g] of taps) {
        const s = t - delay - d;
        if (s >= 0 && s < this.played.length) v += g * (this.played[s] as number);
      }
      v = v * gain * 32768 + (this.floor[t % this.floor.length] as number);
      for (const u of this.user) if (t >= u.at && t < u.at + u.pcm.length) v += u.pcm[t - u.at] as number;
      out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
    }
    return out;
  }
}

/** A room like a desk with speakers: 120 ms to the microphone, the echo 6 dB below the reply, three reflections. */
export const DESK_ROOM: RoomOptions = { delay: Math.round(0.12 * RATE), gain: 0.5, reflections: [[Math.round(0.011 * RATE), 0.45], [Math.round(0.029 * RATE), 0.25], [Math.round(0.063 * RATE), 0.12]] };

/** espeak-ng speech of `text` at `rate` (the reply's voice is another than the user's). */
export async function speakAt(text: string, rate: number, voice = 'en-us+f3'): Promise<Int16Array> {
  const espeak = resolveBinary('espeak-ng');
  const sox = resolveBinary('sox');
  if (!espeak || !sox) throw new Error('espeak-ng and sox are needed (npm run setup:linux)');
  const wav = await execa(espeak, ['-v', voice, '-s', '165', '--stdout'], { input: text, encoding: 'buffer' });
  const raw = await execa(sox, ['-t', 'wav', '-', '-t', 'raw', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', '-'], { input: Buffer.from(wav.stdout), encoding: 'buffer' });
  const b = Buffer.from(raw.stdout);
  return trim(new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength - (b.byteLength % 2))));
}

/** Text-to-speech that says one prepared reply, in 100 ms chunks, whatever the text. */
export class PreparedSpeech implements TextToSpeech {
  readonly name = 'prepared espeak-ng reply';
  constructor(
    private readonly pcm: Int16Array,
    readonly sampleRate: number,
  ) {}

  async *synthesize(_text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    const step = Math.round(this.sampleRate / 10);
    for (let at = 0; at < this.pcm.length && !signal.aborted; at += step) yield this.pcm.subarray(at, at + step);
  }
}
