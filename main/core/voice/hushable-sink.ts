// The reply's sink, able to go quiet at once and then either go on or stop: the user's likely onset hushes the reply
// (barge-in feels immediate: 96 ms of speech, not the 160 ms a turn needs), a confirmed start then cancels it, and an
// onset that comes to nothing (a cough, a click) lets the reply go on from the last pause before where it was cut.
import type { AudioSink } from './engines.js';

/** A hush nobody decides (the microphone stalled or closed) ends by itself after this long: the reply goes on. */
export const HUSH_LIMIT_MS = 1500;
/** The reply's audio kept behind what was heard, to go back to on resume. */
const KEEP_MS = 3000;
/** How far back a resume looks for a pause between words; with none, it goes back REWIND_MS. */
const LOOK_BACK_MS = 1000;
const REWIND_MS = 300;
/** A 20 ms window this far (-30 dB) below the reply's loudest one is a pause between words. */
const PAUSE_RATIO = 0.001;
const WINDOW_MS = 20;

/**
 * Where to resume a reply heard up to `heard` (a sample index into `pcm`): the end of the last pause between words
 * within LOOK_BACK_MS before it, else REWIND_MS before it, so the cut word is said again whole.
 */
export function resumePoint(pcm: Int16Array, heard: number, rate: number): number {
  const win = Math.max(1, Math.round((WINDOW_MS * rate) / 1000));
  const energy = (from: number) => {
    let e = 0;
    for (let i = from; i < from + win; i++) e += ((pcm[i] as number) / 32768) ** 2;
    return e / win;
  };
  let loudest = 0;
  for (let at = 0; at + win <= pcm.length; at += win) loudest = Math.max(loudest, energy(at));
  const earliest = Math.max(0, heard - Math.round((LOOK_BACK_MS * rate) / 1000));
  const quiet = (at: number) => energy(at) <= PAUSE_RATIO * loudest;
  const step = Math.max(1, Math.round(rate / 1000));
  for (let at = Math.min(heard, pcm.length) - win; at >= earliest; at -= win) {
    if (!quiet(at)) continue;
    // The pause's end to the millisecond: the word is said again from its start, not from the silence before it.
    while (at + step + win <= heard && quiet(at + step)) at += step;
    return at + win;
  }
  return Math.max(0, heard - Math.round((REWIND_MS * rate) / 1000));
}

export class HushableSink implements AudioSink {
  private rate = 0;
  /** A reply is open on the inner sink (between open and stop), hushed or not. */
  private playing = false;
  private hushed = false;
  /** Counts replies (open and stop), so a write waiting through a stop never plays into the next reply. */
  private reply = 0;
  /** Counts hushes too, so a resume overtaken by a new hush or a stop hands nothing more to the inner sink. */
  private epoch = 0;
  /** The reply's audio from sample `keptFrom` on, as written; `written` samples of the reply so far. */
  private kept: Int16Array[] = [];
  private keptFrom = 0;
  private written = 0;
  /** When, on the clock, the inner sink will have played everything handed to it (audio plays in real time). */
  private endsAt = 0;
  /** Where the hushed reply goes on from (a sample index of the reply). */
  private resumeFrom = 0;
  /** Why the reply could not go on after a hush: its waiting writes fail with it, so the turn reports it. */
  private failure: unknown = null;
  /** Writes and drains waiting for the hush to end. */
  private waiting: Array<() => void> = [];
  private limit: NodeJS.Timeout | null = null;

  constructor(
    private readonly inner: AudioSink,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get name(): string {
    return this.inner.name;
  }

  /** A reply is hushed and waits for resume() or stop(). */
  get isHushed(): boolean {
    return this.hushed;
  }

  async open(sampleRate: number): Promise<void> {
    this.reset();
    this.rate = sampleRate;
    this.playing = true;
    this.endsAt = this.clock();
    await this.inner.open(sampleRate);
  }

  async write(pcm: Int16Array): Promise<void> {
    const reply = this.reply;
    let go: boolean | null;
    while ((go = this.ready(reply)) === null) await this.hushEnded();
    // Handed over in the same step as the check: a hush cannot come between them.
    if (!go || pcm.length === 0) return;
    this.keep(pcm);
    await this.inner.write(pcm);
  }

  async drain(): Promise<void> {
    const reply = this.reply;
    // A hush stops the inner sink, which ends the drain in progress: the reply has not played to its end, so once it
    // goes on the drain starts again.
    for (;;) {
      let go: boolean | null;
      while ((go = this.ready(reply)) === null) await this.hushEnded();
      if (!go) return;
      const epoch = this.epoch;
      try {
        await this.inner.drain();
      } catch (err) {
        if (this.epoch === epoch) throw err;
      }
      if (this.epoch === epoch) return;
    }
  }

  async stop(): Promise<void> {
    this.reset();
    await this.inner.stop();
  }

  /**
   * Silences the reply at once, keeping what was not heard; false when nothing is playing. The reply's writes wait
   * until resume() (or stop()); a hush nobody ends resumes after HUSH_LIMIT_MS.
   */
  hush(): boolean {
    if (!this.playing || this.hushed || this.written === 0) return false;
    const now = this.clock();
    // Not yet heard: what the inner sink still holds, played in real time since it was handed over.
    const unheard = Math.round((Math.max(0, this.endsAt - now) * this.rate) / 1000);
    const heard = Math.max(this.keptFrom, this.written - unheard);
    this.resumeFrom = this.keptFrom + resumePoint(this.joined(), heard - this.keptFrom, this.rate);
    this.hushed = true;
    this.epoch++;
    this.limit = setTimeout(() => void this.resume(), HUSH_LIMIT_MS);
    this.limit.unref?.();
    // A sink that fails to stop fails the reply's next write or its end, where the turn reports it.
    this.inner.stop().catch(() => undefined);
    return true;
  }

  /** The hushed reply goes on from the pause before where it was cut, then with what was written meanwhile. */
  async resume(): Promise<void> {
    if (!this.hushed) return;
    this.clearLimit();
    const epoch = ++this.epoch;
    const again = this.joined().slice(this.resumeFrom - this.keptFrom);
    this.hushed = false;
    try {
      await this.inner.open(this.rate);
      if (epoch !== this.epoch) return;
      // Written again from the resume point: `written` already counts it, so only the playback model restarts.
      this.endsAt = this.clock() + (again.length * 1000) / this.rate;
      if (again.length > 0) await this.inner.write(again);
    } catch (err) {
      this.failure = err;
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }

  /** Whether reply `reply` may go on now (true), waits for a hush to end (null), or was stopped (false). */
  private ready(reply: number): boolean | null {
    if (!this.playing || this.reply !== reply) return false;
    if (this.failure !== null) throw this.failure;
    return this.hushed ? null : true;
  }

  private hushEnded(): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private keep(pcm: Int16Array): void {
    const now = this.clock();
    this.endsAt = Math.max(this.endsAt, now) + (pcm.length * 1000) / this.rate;
    this.kept.push(pcm.slice());
    this.written += pcm.length;
    // Keep KEEP_MS behind what may have been heard by now, no more.
    const heardBy = this.written - Math.round(((this.endsAt - now) * this.rate) / 1000);
    const keepFrom = heardBy - Math.round((KEEP_MS * this.rate) / 1000);
    while (this.kept.length > 1 && this.keptFrom + (this.kept[0] as Int16Array).length <= keepFrom) this.keptFrom += (this.kept.shift() as Int16Array).length;
  }

  private joined(): Int16Array {
    const out = new Int16Array(this.written - this.keptFrom);
    let at = 0;
    for (const c of this.kept) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private reset(): void {
    this.clearLimit();
    this.playing = false;
    this.hushed = false;
    this.failure = null;
    this.reply++;
    this.epoch++;
    this.kept = [];
    this.keptFrom = 0;
    this.written = 0;
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }

  private clearLimit(): void {
    if (this.limit) clearTimeout(this.limit);
    this.limit = null;
  }
}
