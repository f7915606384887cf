// The tunnel's health state machine (unconfigured, down, connecting, up, degraded, lost): an active probe each poll
// is the primary signal, the handshake age the secondary one; lost tunnels are repaired with backoff, and every
// transition is published on the bus with its reason. A tunnel that was never set up is neither probed nor repaired.
import type { ServiceSetup, StatusSnapshot, TunnelState } from '../contracts/status.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { InterfaceStatus, PeerStatus } from './dump.js';
import type { Probe, ProbeResult } from './probe.js';

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface Repairs {
  /** Sets the peer's endpoint again, so wg resolves the VPS's name again (its address may have moved). */
  reresolve(): Promise<void>;
  /** Takes the interface down and up again. */
  restart(): Promise<void>;
}

export interface MonitorOptions {
  /** Between probes while they succeed. */
  pollMs: number;
  /** After a failed probe: confirm fast, so an outage shows within seconds rather than polls. */
  retryMs: number;
  degradedAfter: number;
  lostAfter: number;
  /**
   * A handshake older than this, with a failing probe, means the session is dead. Keys expire at 180 s; a healthy
   * idle tunnel with keepalive 25 peaks around 145 s (a rekey waits for traffic after 120 s), so 180 s never
   * fires on a healthy tunnel.
   */
  handshakeStaleS: number;
  /** Delays before each repair while lost: the first re-resolves the endpoint, the later ones restart. */
  repairBackoffMs: number[];
  /**
   * While probes answer, how often the interface's status is read again (through the Linux helper each read is a
   * sudo call, the idle agent's most costly wake-up): the answer already proves the tunnel, and the status only
   * refreshes the handshake age and counters shown. A failed probe, a nudge or a missing interface reads it at once.
   */
  statusEveryMs: number;
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  pollMs: 5_000,
  retryMs: 1_000,
  degradedAfter: 2,
  lostAfter: 5,
  handshakeStaleS: 180,
  repairBackoffMs: [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000],
  statusEveryMs: 60_000,
};

export interface MonitorDeps {
  iface: string;
  status: () => Promise<InterfaceStatus | null>;
  probe: Probe;
  bus: EventBus;
  /**
   * Whether the tunnel has its keys, peer and endpoint; asked once (a monitor is rebuilt when they change). Not
   * configured: the monitor reports it with the next step and never reads the interface, probes or repairs.
   */
  readiness?: () => Promise<ServiceSetup>;
  repairs?: Repairs | null;
  timers?: Timers;
  logger?: Logger;
  options?: Partial<MonitorOptions>;
}

export type TunnelSnapshot = StatusSnapshot['tunnel'];

export class TunnelMonitor {
  private readonly o: MonitorOptions;
  private readonly timers: Timers;
  private state: TunnelState = 'down';
  private reason = 'not checked yet';
  private failures = 0;
  private repairStep = 0;
  private nextRepairAt = 0;
  private peer: PeerStatus | null = null;
  private lastProbe: ProbeResult | null = null;
  /** When the interface's status was last read (timers.now()). */
  private statusAt = -Infinity;
  private timer: unknown = null;
  private running: Promise<TunnelState> | null = null;
  private again = false;
  private started = false;
  private setup: Promise<ServiceSetup> | null = null;
  private known: ServiceSetup | null = null;

  constructor(private readonly deps: MonitorDeps) {
    this.o = { ...DEFAULT_MONITOR_OPTIONS, ...deps.options };
    this.timers = deps.timers ?? realTimers;
  }

  snapshot(): TunnelSnapshot {
    const hs = this.peer?.latestHandshake ?? 0;
    return {
      state: this.state,
      reason: this.reason,
      handshakeAgeS: hs > 0 ? Math.max(0, Math.round(this.timers.now() / 1000 - hs)) : null,
      rxBytes: this.peer?.rxBytes ?? null,
      txBytes: this.peer?.txBytes ?? null,
      probeRttMs: this.lastProbe?.ok ? this.lastProbe.rttMs : null,
      endpoint: this.peer?.endpoint ?? null,
    };
  }

  /** Whether the tunnel is set up, asked once; without a readiness check it is taken as set up. */
  readiness(): Promise<ServiceSetup> {
    const ask = this.deps.readiness ?? (async () => ({ configured: true, reason: '', next: null }));
    this.setup ??= ask()
      .catch((err: unknown): ServiceSetup => ({ configured: false, reason: `the tunnel settings cannot be read: ${(err as Error).message}`, next: 'run `jett doctor`' }))
      .then((setup) => (this.known = setup));
    return this.setup;
  }

  /**
   * Asks readiness() again and watches if the answer is now yes: after an explicit Connect whose config was
   * complete (keys made since this monitor was built), the tunnel is watched without waiting for a rebuild.
   */
  recheck(reason: string): void {
    this.setup = null;
    this.known = null;
    if (this.started) this.nudge(reason);
    else this.start();
  }

  /** What readiness() answered; before it has, taken as set up. */
  setupState(): ServiceSetup {
    return this.known ?? { configured: true, reason: 'not checked yet', next: null };
  }

  /** Polls now and then on its own schedule until stop(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Checks at once: the shell calls this after resume from sleep or a network change. */
  nudge(reason: string): void {
    this.deps.logger?.info('tunnel check requested', { reason });
    // Something changed (resume, network, an explicit up or down): the next poll reads the interface again.
    this.statusAt = -Infinity;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    void this.tick();
  }

  /** One poll: status, probe, transition, repair. Concurrent calls share one run. */
  tick(): Promise<TunnelState> {
    this.running ??= this.poll().finally(() => {
      this.running = null;
      // Nothing to watch until the settings exist: no retry, no poll (a rebuilt monitor picks them up).
      if (!this.started || this.state === 'unconfigured') return;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      } else {
        this.schedule(this.failures > 0 || this.state === 'connecting' ? this.o.retryMs : this.o.pollMs);
      }
    });
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, ms);
  }

  private async poll(): Promise<TunnelState> {
    const setup = await this.readiness();
    if (!setup.configured) {
      this.move('unconfigured', setup.next ? `${setup.reason}: ${setup.next}` : setup.reason);
      return this.state;
    }
    const fresh = this.lastProbe?.ok === true && this.peer !== null && this.timers.now() - this.statusAt < this.o.statusEveryMs;
    if (!fresh && !(await this.readStatus())) return this.state;
    const probe = await this.safeProbe();
    // A failing probe is judged with the handshake age as it is now.
    if (!probe.ok && fresh && !(await this.readStatus())) return this.state;
    this.lastProbe = probe;
    this.judge(probe);
    if (this.state === 'lost') await this.repair();
    return this.state;
  }

  /** Reads the interface; false (and the state down) when it is not up. */
  private async readStatus(): Promise<boolean> {
    let status: InterfaceStatus | null;
    try {
      status = await this.deps.status();
    } catch (err) {
      // Without status (no privileges to read it) the probe alone decides.
      this.deps.logger?.warn('tunnel status unavailable', { error: (err as Error).message });
      status = { name: this.deps.iface, peers: this.peer ? [this.peer] : [] };
    }
    this.statusAt = this.timers.now();
    if (status === null) {
      this.peer = null;
      this.lastProbe = null;
      this.failures = 0;
      this.repairStep = 0;
      this.move('down', `interface ${this.deps.iface} is not up`);
      return false;
    }
    this.peer = status.peers[0] ?? null;
    return true;
  }

  private async safeProbe(): Promise<ProbeResult> {
    try {
      return await this.deps.probe();
    } catch (err) {
      return { ok: false, rttMs: null, error: (err as Error).message };
    }
  }

  private handshakeAgeS(): number | null {
    const hs = this.peer?.latestHandshake ?? 0;
    return hs > 0 ? this.timers.now() / 1000 - hs : null;
  }

  private judge(probe: ProbeResult): void {
    if (probe.ok) {
      const was = this.failures;
      this.failures = 0;
      this.repairStep = 0;
      // ping's time is read where its language allows; the answer alone is what counts.
      const rtt = probe.rttMs === null ? '' : ` in ${probe.rttMs.toFixed(1)} ms`;
      this.move('up', was > 0 ? `probe answered again${rtt} after ${was} failed` : `probe answered${rtt}`);
      return;
    }
    this.failures += 1;
    const age = this.handshakeAgeS();
    const why = probe.error ?? 'probe failed';
    const hsText = age === null ? 'no handshake yet' : `last handshake ${Math.round(age)} s ago`;
    if (this.state === 'down' || this.state === 'connecting') {
      if (this.failures >= this.o.lostAfter) {
        this.move('lost', `no answer after ${this.failures} probes, ${hsText}: check the endpoint and that the VPS firewall allows its UDP port`);
      } else {
        this.move('connecting', `waiting for the first answer (${why}), ${hsText}`);
      }
      return;
    }
    const stale = age !== null && age > this.o.handshakeStaleS;
    if (this.failures >= this.o.lostAfter || stale) {
      this.move('lost', `${this.failures} probes in a row failed, ${hsText}${stale ? ' (session keys expired)' : ''}`);
    } else if (this.failures >= this.o.degradedAfter) {
      this.move('degraded', `${this.failures} probes in a row failed (${why}), ${hsText}`);
    }
    // One failure alone changes nothing: a single lost ping is normal on real networks.
  }

  private move(to: TunnelState, reason: string): void {
    this.reason = reason;
    const from = this.state;
    if (from === to) return;
    this.state = to;
    if (to === 'lost') {
      this.repairStep = 0;
      this.nextRepairAt = this.timers.now() + (this.o.repairBackoffMs[0] ?? 0);
    }
    const at = new Date(this.timers.now()).toISOString();
    this.deps.logger?.info('tunnel state', { from, to, reason });
    this.deps.bus.emit('tunnel.state', { from, to, reason, at });
  }

  private async repair(): Promise<void> {
    const repairs = this.deps.repairs;
    if (!repairs || this.timers.now() < this.nextRepairAt) return;
    const step = this.repairStep;
    const action = step === 0 ? 'reresolve' : 'restart';
    try {
      await (step === 0 ? repairs.reresolve() : repairs.restart());
      this.deps.logger?.info('tunnel repair', { action, attempt: step + 1 });
    } catch (err) {
      this.deps.logger?.warn('tunnel repair failed', { action, attempt: step + 1, error: (err as Error).message });
    }
    this.repairStep = step + 1;
    const backoff = this.o.repairBackoffMs;
    this.nextRepairAt = this.timers.now() + (backoff[Math.min(this.repairStep, backoff.length - 1)] ?? 60_000);
  }
}
