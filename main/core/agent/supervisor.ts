// Runs the agent's services: a service that throws is reported and restarted with backoff, never takes the agent down.
import { errorMessage } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';

export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Slot {
  service: Service;
  running: boolean;
  failures: number;
  retry: unknown;
}

export class Supervisor {
  private readonly slots: Slot[] = [];
  private stopping = false;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly opts: { baseMs?: number; capMs?: number; timers?: Timers } = {},
  ) {}

  add(service: Service): void {
    this.slots.push({ service, running: false, failures: 0, retry: null });
  }

  async startAll(): Promise<void> {
    this.stopping = false;
    for (const slot of this.slots) await this.startSlot(slot);
  }

  /** A running service calls this (through the agent) when it died on its own; it is restarted with backoff. */
  reportFailure(name: string, err: unknown): void {
    const slot = this.slots.find((s) => s.service.name === name);
    if (!slot || this.stopping) return;
    slot.running = false;
    this.scheduleRestart(slot, err);
  }

  /**
   * Rebuilds one service in place (settings changed): stops it as stopAll would, lets `swap` put the new one in,
   * and starts that one. A service not added yet is added and started; the others are not touched.
   */
  async rebuild(name: string, swap: () => Promise<Service | null>): Promise<void> {
    const timers = this.opts.timers ?? realTimers;
    const slot = this.slots.find((s) => s.service.name === name);
    if (slot) {
      if (slot.retry) timers.clearTimeout(slot.retry);
      slot.retry = null;
      if (slot.running) await this.stopSlot(slot);
    }
    let next: Service | null;
    try {
      next = await swap();
    } catch (err) {
      // The new one could not be built: the old one runs on (with its settings) rather than nothing.
      if (slot && !this.stopping) await this.startSlot(slot);
      throw err;
    }
    if (!next || this.stopping) return;
    if (slot) {
      slot.service = next;
      slot.failures = 0;
      await this.startSlot(slot);
    } else {
      const added: Slot = { service: next, running: false, failures: 0, retry: null };
      this.slots.push(added);
      await this.startSlot(added);
    }
  }

  /** Stops in reverse order of start, so a service never outlives what it depends on. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const timers = this.opts.timers ?? realTimers;
    for (const slot of [...this.slots].reverse()) {
      if (slot.retry) timers.clearTimeout(slot.retry);
      slot.retry = null;
      if (slot.running) await this.stopSlot(slot);
    }
  }

  private async stopSlot(slot: Slot): Promise<void> {
    try {
      await slot.service.stop();
    } catch (err) {
      this.logger.warn('service did not stop cleanly', { service: slot.service.name, error: err });
    }
    slot.running = false;
    this.bus.emit('service.state', { service: slot.service.name, state: 'stopped', error: null });
  }

  private async startSlot(slot: Slot): Promise<void> {
    const name = slot.service.name;
    this.bus.emit('service.state', { service: name, state: 'starting', error: null });
    try {
      await slot.service.start();
      slot.running = true;
      slot.failures = 0;
      this.bus.emit('service.state', { service: name, state: 'running', error: null });
    } catch (err) {
      this.scheduleRestart(slot, err);
    }
  }

  private scheduleRestart(slot: Slot, err: unknown): void {
    const name = slot.service.name;
    const message = errorMessage(err);
    slot.failures += 1;
    const base = this.opts.baseMs ?? 1000;
    const delay = Math.min(this.opts.capMs ?? 60_000, base * 2 ** (slot.failures - 1));
    this.logger.error('service failed; restarting', { service: name, error: err, inMs: delay, failures: slot.failures });
    this.bus.emit('service.state', { service: name, state: 'failed', error: message });
    const timers = this.opts.timers ?? realTimers;
    slot.retry = timers.setTimeout(() => {
      slot.retry = null;
      if (!this.stopping) void this.startSlot(slot);
    }, delay);
  }
}
