// Sends the heartbeat: at once on tunnel-up, then every interval while the tunnel is up; failures counted, never thrown.
// Each POST opens its connection through the tunnel guard, so the bearer token never goes to a stranger.
import http from 'node:http';
import https from 'node:https';
import type { HeartbeatBody } from '../contracts/heartbeat.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { guardedHttpConnection, type VpsGuard } from '../tunnel/vps-guard.js';

export interface HeartbeatOptions {
  url: string;
  intervalS: number;
  /** Sent as a bearer token when set (the n8n webhook's header auth). */
  token: () => Promise<string | null>;
  body: () => HeartbeatBody;
  bus: EventBus;
  logger: Logger;
  /** Checked for every POST (the agent's is vpsGuardFor(config.tunnel)). */
  guard: VpsGuard;
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
    const at = clock().toISOString();
    try {
      const token = await this.opts.token();
      const status = await this.post(JSON.stringify(this.opts.body()), token);
      if (status < 200 || status > 299) throw new Error(`the webhook answered HTTP ${status}`);
      this.state.lastSentAt = at;
      this.state.lastError = null;
      this.opts.bus.emit('heartbeat.result', { ok: true, at, error: null });
    } catch (err) {
      const message = (err as Error).message;
      this.state.failures += 1;
      this.state.lastError = message;
      this.opts.logger.warn('heartbeat failed', { url: this.opts.url, error: message, failures: this.state.failures });
      this.opts.bus.emit('heartbeat.result', { ok: false, at, error: message });
    }
  }

  /** One POST; resolves with the HTTP status once the answer is read. The connection comes from the guard. */
  private post(body: string, token: string | null): Promise<number> {
    const url = new URL(this.opts.url);
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        createConnection: guardedHttpConnection(this.opts.guard, url, 'the heartbeat webhook'),
      });
      const timer = setTimeout(() => req.destroy(new Error('no answer within the timeout')), this.opts.timeoutMs ?? 5000);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
        });
        res.on('error', reject);
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(body);
    });
  }
}
