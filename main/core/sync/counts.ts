// Publishes the outbox and inbox counts on the bus: the outbox's throttled while rows are appended or marked, so a
// drain of a million rows sends a few events a second, not one per batch (each count itself is one indexed read).
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/store.js';
import { guarded } from './guarded.js';
import type { Timers } from './hooks.js';
import type { InboxStore } from './inbox-store.js';

export interface CountsDeps {
  outbox: Outbox;
  inbox: InboxStore;
  bus: EventBus;
  log: Logger;
  clock: () => Date;
  timers: Timers;
  throttleMs: number;
}

export class SyncCounts {
  private timer: unknown = null;

  constructor(private readonly deps: CountsDeps) {}

  /** The outbox counts now (and drops a scheduled emission: this one replaces it). */
  outbox(): void {
    this.cancel();
    const { bus, outbox, log, clock } = this.deps;
    guarded(log, 'counting the outbox', () => bus.emit('outbox.counts', outbox.counts(clock())));
  }

  /** The outbox counts within the throttle interval, once however often this is called. */
  outboxSoon(): void {
    if (this.timer !== null) return;
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      this.outbox();
    }, this.deps.throttleMs);
  }

  inbox(): void {
    const { bus, inbox, log } = this.deps;
    guarded(log, 'counting the inbox', () => bus.emit('inbox.counts', { pending: inbox.pending() }));
  }

  cancel(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
