// Sends the heartbeat: at once on tunnel-up, then every interval while the tunnel is up; failures counted, never thrown.
// A non-2xx answer is a failure whose reason is what the webhook said (n8n answers a refused body 4xx naming the field).
// Each POST opens its connection through the tunnel guard, so the bearer token never goes to a stranger. Without a
// token the heartbeat is "not configured": it sends nothing and counts no failure.
import http from 'node:http';
import https from 'node:https';
import type { HeartbeatBody } from '../contracts/heartbeat.js';
import type { ServiceSetup } from '../contracts/status.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { guardedHttpConnection, type VpsGuard } from '../tunnel/vps-guard.js';
import { REFUSAL_READ_BYTES, refusalReason } from './refusal.js';

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
  /** Whether the webhook and its token are set (heartbeatReadiness), asked once by prepare(); absent: set up. */
  readiness?: () => Promise<ServiceSetup>;
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
  /** Null until prepare() has asked (without a readiness check: set up from the start). */
  private setup: ServiceSetup | null;
  private tunnelUp = false;

  constructor(private readonly opts: HeartbeatOptions) {
    this.setup = opts.readiness ? null : { configured: true, reason: '', next: null };
  }

  status(): HeartbeatStatus {
    return { ...this.state };
  }

  /** Set up or not (with the next step); before prepare() has asked, taken as set up. */
  setupState(): ServiceSetup {
    return this.setup ?? { configured: true, reason: 'not checked yet', next: null };
  }

  /** Asks once whether the token is there; beats begin only then (at once, when the tunnel is up already). */
  async prepare(): Promise<void> {
    if (this.setup || !this.opts.readiness) return;
    try {
      this.setup = await this.opts.readiness();
    } catch (err) {
      this.setup = { configured: false, reason: `the heartbeat settings cannot be read: ${(err as Error).message}`, next: 'run `jett doctor`' };
    }
    if (!this.setup.configured) this.opts.logger.info('heartbeat not configured: nothing is sent', { reason: this.setup.reason });
    this.resume();
  }

  /** The tunnel came up: beat now and keep beating. */
  onTunnelUp(): void {
    this.tunnelUp = true;
    this.resume();
  }

  /** The tunnel went away: a beat could not arrive, so none is attempted. */
  onTunnelDown(): void {
    this.tunnelUp = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.onTunnelDown();
    await this.inFlight;
  }

  /** One heartbeat; resolves whatever happens. Overlapping beats are skipped, never queued; none without a token. */
  beat(): Promise<void> {
    if (!this.setup?.configured) return Promise.resolve();
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.send().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private resume(): void {
    if (this.timer || !this.tunnelUp || !this.setup?.configured) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.opts.intervalS * 1000);
  }

  private async send(): Promise<void> {
    const clock = this.opts.clock ?? (() => new Date());
    const at = clock().toISOString();
    try {
      const token = await this.opts.token();
      const answer = await this.post(JSON.stringify(this.opts.body()), token);
      if (answer.status < 200 || answer.status > 299) throw new Error(refusalReason(answer.status, answer.body, token));
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

  /** One POST; resolves with the HTTP status and the answer's first REFUSAL_READ_BYTES. The connection comes from the guard. */
  private post(body: string, token: string | null): Promise<{ status: number; body: Buffer }> {
    const url = new URL(this.opts.url);
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        createConnection: guardedHttpConnection(this.opts.guard, url, 'the heartbeat webhook'),
      });
      const timer = setTimeout(() => req.destroy(new Error('no answer within the timeout')), this.opts.timeoutMs ?? 5000);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        // The rest of a long answer is read and dropped, so the connection ends normally.
        res.on('data', (c: Buffer) => {
          if (kept >= REFUSAL_READ_BYTES) return;
          chunks.push(c.subarray(0, REFUSAL_READ_BYTES - kept));
          kept += Math.min(c.length, REFUSAL_READ_BYTES - kept);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
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

export const TOKEN_NEXT =
  'make the VPS bundle (`jett vps bundle --out FOLDER`: it stores the token here), or store the token it printed with `jett secret set heartbeat.token`';

/** Set up when the webhook URL and the secret heartbeat.token exist (the n8n webhook refuses a beat without it). */
export async function heartbeatReadiness(url: string, token: () => Promise<string | null>): Promise<ServiceSetup> {
  if (!url) return { configured: false, reason: 'no heartbeat webhook (heartbeat.url)', next: 'set it: `jett config set heartbeat.url http://10.0.0.2:5678/webhook/heartbeat`' };
  if (!(await token())) return { configured: false, reason: 'no heartbeat token yet (secret heartbeat.token)', next: TOKEN_NEXT };
  return { configured: true, reason: url, next: null };
}
