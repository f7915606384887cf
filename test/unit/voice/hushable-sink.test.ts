// The hushable reply sink on a clock the test moves: a hush silences the reply at once, holds what is written
// meanwhile, and resume() plays again from the pause before where the listener stopped hearing, then the rest; a stop
// drops it all; a hush nobody ends resumes by itself; a sink that cannot reopen fails the reply's next write.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AudioSink } from '../../../main/core/voice/engines.js';
import { HUSH_LIMIT_MS, HushableSink, resumePoint } from '../../../main/core/voice/hushable-sink.js';

const RATE = 16_000;
const ms = (v: number) => (v * RATE) / 1000;

/** A sink that keeps what each opening of it was handed, and counts stops. */
class Recorder implements AudioSink {
  readonly name = 'recorder';
  plays: number[][] = [];
  stops = 0;
  failOpen: Error | null = null;
  /** Drains in progress: as with a real speaker, a stop ends them. */
  private draining: Array<() => void> = [];
  /** Set: a drain waits until the test finishes it (or a stop ends it). */
  holdDrains = false;
  async open(): Promise<void> {
    if (this.failOpen) throw this.failOpen;
    this.plays.push([]);
  }
  async write(pcm: Int16Array): Promise<void> {
    this.plays[this.plays.length - 1]?.push(...pcm);
  }
  async drain(): Promise<void> {
    if (this.holdDrains) await new Promise<void>((resolve) => this.draining.push(resolve));
  }
  async stop(): Promise<void> {
    this.stops++;
    this.finishDrains();
  }
  finishDrains(): void {
    for (const done of this.draining.splice(0)) done();
  }
}

/** Words of 200 ms (a loud tone) with 100 ms pauses between them, each word's samples numbered by its index. */
function words(count: number): Int16Array {
  const out = new Int16Array(ms(300) * count);
  for (let w = 0; w < count; w++) for (let i = 0; i < ms(200); i++) out[w * ms(300) + i] = (w + 1) * 1000 * (i % 2 === 0 ? 1 : -1);
  return out;
}

afterEach(() => vi.useRealTimers());

describe('resumePoint', () => {
  it('goes back to the end of the last pause before the cut word', () => {
    // Heard up to 150 ms into the third word (starting at 600 ms): it resumes where that word starts.
    expect(resumePoint(words(4), ms(750), RATE)).toBe(ms(600));
  });

  it('goes back 300 ms where no pause lies within a second', () => {
    const loud = new Int16Array(ms(3000)).map((_, i) => (i % 2 === 0 ? 9000 : -9000));
    expect(resumePoint(loud, ms(2500), RATE)).toBe(ms(2200));
  });
});

describe('HushableSink', () => {
  function build() {
    let now = 0;
    const inner = new Recorder();
    const sink = new HushableSink(inner, () => now);
    return { inner, sink, advance: (v: number) => (now += v) };
  }

  it('a hush stops the reply at once; resume plays again from the pause before the cut, then what was written meanwhile', async () => {
    const t = build();
    const reply = words(4);
    await t.sink.open(RATE);
    await t.sink.write(reply);
    // 750 ms of the 1.2 s reply played: the listener is 150 ms into the third word.
    t.advance(750);
    expect(t.sink.hush()).toBe(true);
    expect(t.inner.stops).toBe(1);
    const later = new Int16Array(ms(100)).fill(7);
    let written = false;
    const pending = t.sink.write(later).then(() => (written = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(written).toBe(false);
    expect(t.inner.plays).toHaveLength(1);
    await t.sink.resume();
    await pending;
    expect(t.inner.plays).toHaveLength(2);
    expect(t.inner.plays[1]).toEqual([...reply.subarray(ms(600)), ...later]);
    expect(t.sink.isHushed).toBe(false);
  });

  it('a hush during the drain: the drain ends only once the reply went on and played to its end', async () => {
    const t = build();
    t.inner.holdDrains = true;
    await t.sink.open(RATE);
    await t.sink.write(words(3));
    let drained = false;
    const draining = t.sink.drain().then(() => (drained = true));
    t.advance(400);
    t.sink.hush();
    await new Promise((r) => setTimeout(r, 5));
    expect(drained).toBe(false);
    await t.sink.resume();
    await new Promise((r) => setTimeout(r, 5));
    expect(drained).toBe(false);
    t.inner.finishDrains();
    await draining;
    expect(t.inner.plays).toHaveLength(2);
  });

  it('a stop while hushed drops the held audio, and the next reply plays from its own start', async () => {
    const t = build();
    await t.sink.open(RATE);
    await t.sink.write(words(2));
    t.advance(100);
    t.sink.hush();
    const held = t.sink.write(new Int16Array(ms(50)).fill(5));
    await t.sink.stop();
    await held;
    await t.sink.resume();
    expect(t.inner.plays).toHaveLength(1);
    await t.sink.open(RATE);
    await t.sink.write(new Int16Array([1, 2, 3]));
    expect(t.inner.plays[1]).toEqual([1, 2, 3]);
  });

  it('nothing to hush before any audio was written, or once the reply was stopped', async () => {
    const t = build();
    expect(t.sink.hush()).toBe(false);
    await t.sink.open(RATE);
    expect(t.sink.hush()).toBe(false);
    await t.sink.write(words(1));
    await t.sink.stop();
    expect(t.sink.hush()).toBe(false);
  });

  it('a hush that nobody ends resumes by itself', async () => {
    vi.useFakeTimers();
    const t = build();
    await t.sink.open(RATE);
    await t.sink.write(words(3));
    t.advance(400);
    t.sink.hush();
    await vi.advanceTimersByTimeAsync(HUSH_LIMIT_MS - 10);
    expect(t.sink.isHushed).toBe(true);
    await vi.advanceTimersByTimeAsync(20);
    expect(t.sink.isHushed).toBe(false);
    expect(t.inner.plays).toHaveLength(2);
  });

  it('a sink that cannot open again fails the reply\'s waiting write with its error', async () => {
    const t = build();
    await t.sink.open(RATE);
    await t.sink.write(words(2));
    t.advance(200);
    t.sink.hush();
    const held = t.sink.write(new Int16Array(10));
    t.inner.failOpen = new Error('the speakers went away');
    await t.sink.resume();
    await expect(held).rejects.toThrow('the speakers went away');
  });
});
