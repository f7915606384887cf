// A manual clock for the tunnel monitor: time moves only when a test advances it, and due timers run in order.
import type { Timers } from '../../../main/core/tunnel/health.js';

export class FakeTimers implements Timers {
  private t = Date.UTC(2026, 10, 27, 12, 0, 0);
  private nextId = 1;
  private queue: { id: number; at: number; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ id, at: this.t + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }

  /** Lets pending promise chains (a tick awaiting its fakes) run to the end. */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  }

  /** Moves time forward by `ms`, running each timer that falls due, at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.settle();
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await this.settle();
    }
    this.t = end;
  }
}
