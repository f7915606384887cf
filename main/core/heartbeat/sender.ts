// Sends the heartbeat: at once on tunnel-up, then every interval while the tunnel is up; failures counted, never thrown.
import type { HeartbeatBody } from '../contracts/heartbeat.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';

export interface HeartbeatOptions {
  url: string;
  intervalS: number;
  /** Sent as a bearer token when set (the n8n webhook's header auth). */
  token: () => Promise<string | null>;
  body: () => HeartbeatBody;
  bus: EventBus;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  clock?: () => Date;
}

export interface HeartbeatStatus {
  lastSentAt: string | null;
  failures: number;
  lastError: string | null;
}

export class HeartbeatSender {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly state: HeartbeatStatus = { lastSentAt: null, failures: 0, lastError: null };

  constructor(private readonly opts: HeartbeatOptions) {}

  status(): HeartbeatStatus {
    return { ...this.state };
  }

  /** The tunnel came up: beat now and keep beating. */
  onTunnelUp(): void {
    if (this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.opts.intervalS * 1000);
  }

  /** The tunnel went away: a beat could not arrive, so none is attempted. */
  onTunnelDown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.onTunnelDown();
    await this.inFlight;
  }

  /** One heartbeat; resolves whatever happens. Overlapping beats are skipped, never queued. */
  beat(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.send().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async send(): Promise<void> {
    const clock = this.opts.clock ?? (() => new Date());
    const doFetch = this.opts.fetch ?? globalThis.fetch;
    const at = clock().toISOString();
    try {
      const token = await this.opts.token();
      const res = await doFetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(this.opts.body()),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`the webhook answered HTTP ${res.status}`);
      this.state.lastSentAt = at;
      this.state.lastError = null;
      this.opts.bus.emit('heartbeat.result', { ok: true, at, error: null });
    } catch (err) {
      const message = err instanceof Error && err.name === 'TimeoutError' ? 'no answer within the timeout' : (err as Error).message;
      this.state.failures += 1;
      this.state.lastError = message;
      this.opts.logger.warn('heartbeat failed', { url: this.opts.url, error: message, failures: this.state.failures });
      this.opts.bus.emit('heartbeat.result', { ok: false, at, error: message });
    }
  }
}
