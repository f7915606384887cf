// The composition root: builds the services from config (tunnel health, outbox sync, heartbeat, voice, control
// endpoint), wires their events on one bus, supervises them, and serves the status snapshot.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InstanceLock } from './agent/instance-lock.js';
import { Supervisor } from './agent/supervisor.js';
import { configuredVoice, type VoiceFactory } from './agent/voice-factory.js';
import type { AgentVoice } from './agent/voice-service.js';
import type { Config } from './contracts/config.js';
import type { OutboxAppendParams } from './contracts/control.js';
import type { HeartbeatBody } from './contracts/heartbeat.js';
import type { StatusSnapshot, TunnelState } from './contracts/status.js';
import { ControlServer } from './control/server.js';
import { JettError } from './errors.js';
import { EventBus } from './events/bus.js';
import { writeFileAtomic } from './fs/atomic-write.js';
import { HeartbeatSender } from './heartbeat/sender.js';
import { createInboxDispatcher } from './inbox/dispatch.js';
import type { Logger } from './log/logger.js';
import type { Runtime } from './runtime.js';
import { openSyncStack, type SyncStack } from './sync/build.js';
import type { SyncOnceResult } from './sync/service.js';
import type { TunnelControl } from './tunnel/control.js';
import type { TunnelMonitor } from './tunnel/health.js';
import { controlFor, loadDesktopConfig, monitorFor, vpsGuardFor } from './tunnel/setup.js';
import { ModelsStatusTracker } from './voice/models/providers.js';
import { APP_VERSION } from './version.js';

export interface AgentDeps {
  runtime: Runtime;
  config: Config;
  env?: NodeJS.ProcessEnv;
  clock?: () => Date;
  /** 'headless' for `jett agent`, 'tray' for the Electron app: named by the instance lock. */
  kind?: 'headless' | 'tray';
  /** Builds the voice pipeline (default: from config and the installed models); null turns voice off. */
  voice?: VoiceFactory | null;
}

const UP_STATES: TunnelState[] = ['up', 'degraded'];

export class Agent {
  readonly bus = new EventBus();
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly env: NodeJS.ProcessEnv;
  private readonly supervisor: Supervisor;
  private readonly lock: InstanceLock;
  private startedAt: Date | null = null;
  private stack: SyncStack | null = null;
  private control: TunnelControl | null = null;
  private monitor: TunnelMonitor | null = null;
  private heartbeat: HeartbeatSender | null = null;
  private server: ControlServer | null = null;
  private voice: AgentVoice | null = null;
  private readonly models = new ModelsStatusTracker();
  private readonly unsubscribe: (() => void)[] = [];
  /** Proven (never shown) by every control client; a new one each start, so an old token file opens nothing. */
  private readonly controlToken = randomBytes(32).toString('base64url');

  constructor(private readonly deps: AgentDeps) {
    this.logger = deps.runtime.logger.child({ component: 'agent' });
    this.clock = deps.clock ?? (() => new Date());
    this.env = deps.env ?? process.env;
    this.supervisor = new Supervisor(this.bus, this.logger);
    this.lock = new InstanceLock(path.join(deps.runtime.paths.home, 'agent.lock'));
  }

  /** Takes the one-per-user lock, opens the database, and starts every service. */
  async start(): Promise<void> {
    const { runtime, config } = this.deps;
    this.lock.acquire(this.deps.kind ?? 'headless', this.clock());
    this.startedAt = this.clock();
    // One guard for every VPS client: each connection is opened only while the route goes through the tunnel.
    const guard = vpsGuardFor(config.tunnel, { env: this.env });
    try {
      this.stack = openSyncStack(runtime, config, guard, {
        bus: this.bus,
        clock: this.clock,
        handler: createInboxDispatcher({
          notify: (title, body) => this.bus.emit('notification', { title, body }),
          speak: (text) => this.requireVoice().speak(text).then(() => undefined),
          ask: async (text) => (await this.requireVoice().ask(text)).reply,
        }),
      });
    } catch (err) {
      this.lock.release();
      throw err;
    }
    this.control = controlFor({ settings: config.tunnel, home: runtime.paths.home, env: this.env });
    this.monitor = monitorFor({
      settings: config.tunnel,
      home: runtime.paths.home,
      env: this.env,
      control: this.control,
      secrets: runtime.secrets,
      bus: this.bus,
      logger: runtime.logger.child({ component: 'tunnel' }),
      repairs: true,
    });
    this.heartbeat = new HeartbeatSender({
      url: config.heartbeat.url,
      intervalS: config.heartbeat.intervalS,
      token: () => runtime.secrets.get('heartbeat.token'),
      body: () => this.heartbeatBody(),
      guard,
      bus: this.bus,
      logger: runtime.logger.child({ component: 'heartbeat' }),
    });
    this.unsubscribe.push(this.bus.on('tunnel.state', ({ from, to }) => this.onTunnelState(from, to)));
    this.server = new ControlServer({
      path: runtime.paths.controlSocket,
      secret: this.controlToken,
      handlers: {
        status: async () => this.status(),
        'sync.once': () => this.syncOnce(),
        'tunnel.up': () => this.tunnelUp(),
        'tunnel.down': () => this.tunnelDown(),
        'tunnel.nudge': async () => this.systemEvent('network-change'),
        'voice.toggle': () => this.voiceToggle(),
        'outbox.status': async () => this.stack!.outbox.detail(this.clock()),
        'outbox.append': async (params) => this.appendMany(params),
      },
      bus: this.bus,
      logger: this.logger,
      onFailure: (err) => this.supervisor.reportFailure('control', err),
    });

    const tokenFile = runtime.paths.controlToken;
    this.supervisor.add({
      name: 'control',
      start: async () => {
        writeFileAtomic(tokenFile, this.controlToken, 0o600);
        await this.server!.listen();
      },
      stop: async () => {
        await this.server!.close();
        fs.rmSync(tokenFile, { force: true });
      },
    });
    this.supervisor.add({ name: 'sync', start: async () => this.stack!.service.start(), stop: () => this.stack!.service.stop() });
    this.supervisor.add({ name: 'tunnel', start: () => this.startTunnel(), stop: () => this.monitor!.stop() });
    // Nothing to start: tunnel-up and tunnel-down drive the heartbeat (onTunnelState).
    this.supervisor.add({ name: 'heartbeat', start: async () => {}, stop: () => this.heartbeat!.stop() });
    const voice = this.deps.voice === undefined ? configuredVoice(config, { logger: runtime.logger, modelsDir: config.models.dir || runtime.paths.models, env: this.env, tracker: this.models }) : this.deps.voice;
    if (voice) this.supervisor.add({ name: 'voice', start: () => this.startVoice(voice), stop: async () => this.voice?.stop() });
    await this.supervisor.startAll();
    this.logger.info('agent started', { pid: process.pid, host: os.hostname(), home: runtime.paths.home, clientId: this.stack.outbox.clientId });
  }

  /** Stops taking work, lets the batch in flight finish (or abandons it safely), closes the database. */
  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.supervisor.stopAll();
    await this.stack?.close();
    this.stack = null;
    this.lock.release();
    this.logger.info('agent stopped');
  }

  get clientId(): string | null {
    return this.stack?.outbox.clientId ?? null;
  }

  /** Appends an event to the outbox (durable when this returns); the sync pushes it when the tunnel is up. */
  append(kind: string, payload: unknown): { seq: number; eventId: string } {
    if (!this.stack) throw new JettError('the agent is not running', 'start it first (`jett agent`)');
    return this.stack.outbox.append(kind, payload);
  }

  /** Appends a batch in one local transaction: all of it is durable when this returns, or none of it. */
  appendMany({ kind, payloads }: OutboxAppendParams): { first: number; last: number } {
    if (!this.stack) throw new JettError('the agent is not running', 'start it first (`jett agent`)');
    const outbox = this.stack.outbox;
    const seqs = outbox.transaction(() => payloads.map((p) => outbox.append(kind, p).seq));
    return { first: seqs[0]!, last: seqs.at(-1)! };
  }

  /** The OS resumed from sleep or changed networks: probe the tunnel now instead of at the next poll. */
  systemEvent(kind: 'suspend' | 'resume' | 'network-change'): void {
    this.logger.info('system event', { kind });
    if (kind !== 'suspend') this.monitor?.nudge(kind);
  }

  async tunnelUp(): Promise<void> {
    const { text, warnings } = await loadDesktopConfig(this.deps.config.tunnel, this.deps.runtime.secrets);
    for (const w of warnings) this.logger.warn('tunnel config', { warning: w });
    await this.control!.up(text);
    this.monitor!.nudge('tunnel up requested');
  }

  async tunnelDown(): Promise<void> {
    await this.control!.down();
    this.monitor!.nudge('tunnel down requested');
  }

  syncOnce(): Promise<SyncOnceResult> {
    if (!this.stack) return Promise.reject(new JettError('the agent is not running', 'start it first (`jett agent`)'));
    return this.stack.service.syncOnce();
  }

  async voiceToggle(): Promise<void> {
    await this.requireVoice().toggle();
  }

  status(): StatusSnapshot {
    const tunnel = this.monitor?.snapshot() ?? {
      state: 'down' as const,
      reason: 'the agent is not running',
      handshakeAgeS: null,
      rxBytes: null,
      txBytes: null,
      probeRttMs: null,
      endpoint: null,
    };
    const sync = this.stack?.service.status() ?? { outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null }, inbox: { pending: 0 } };
    const hb = this.heartbeat?.status() ?? { lastSentAt: null, failures: 0 };
    return {
      agent: { pid: process.pid, version: APP_VERSION, startedAt: (this.startedAt ?? this.clock()).toISOString() },
      tunnel,
      outbox: sync.outbox,
      inbox: sync.inbox,
      heartbeat: { lastSentAt: hb.lastSentAt, failures: hb.failures },
      voice: { state: this.voice?.state() ?? 'off' },
      models: this.models.snapshot(),
    };
  }

  private requireVoice(): AgentVoice {
    if (!this.voice) throw new JettError('voice is not running on this desktop', 'see `jett doctor` and the agent log for why; `jett voice --input FILE` tests one turn');
    return this.voice;
  }

  /** Watches the tunnel; brings it up first when it is configured and not up yet (root, or the installed helper). */
  private async startTunnel(): Promise<void> {
    const monitor = this.monitor!;
    if (this.deps.config.tunnel.autoConnect) {
      const existing = await this.control!.show().catch(() => null);
      if (!existing) {
        try {
          await this.tunnelUp();
        } catch (err) {
          // Not fatal: the monitor reports the tunnel down with this reason, and `jett tunnel up` can try again.
          this.logger.warn('tunnel not brought up at start', { error: err });
        }
      }
    }
    monitor.start();
  }

  private async startVoice(factory: VoiceFactory): Promise<void> {
    this.voice = await factory({ bus: this.bus, db: this.stack!.local.db });
    if (!this.voice) return;
    // Each turn (transcript, reply, latencies) goes to the VPS's conversation log through the outbox.
    this.unsubscribe.push(this.voice.onTurn((record) => this.stack?.outbox.append('voice.turn', record)));
  }

  /**
   * Back to up (from lost, down, or only degraded): push, pull and beat at once rather than when a backoff ends.
   * Leaving up (degraded already: probes fail, so packets do not flow): the sync stops and cuts what it has in
   * flight. Lost or down: the heartbeat stops too; while only degraded it keeps trying, since one may get through.
   */
  private onTunnelState(from: TunnelState, to: TunnelState): void {
    if (to === 'up' && from !== 'up') {
      this.stack?.service.onTunnelUp();
      this.heartbeat?.onTunnelUp();
      if (from === 'degraded') void this.heartbeat?.beat();
    } else if (from === 'up') {
      this.stack?.service.onTunnelDown();
    }
    if (!UP_STATES.includes(to) && UP_STATES.includes(from)) this.heartbeat?.onTunnelDown();
  }

  private heartbeatBody(): HeartbeatBody {
    const s = this.status();
    return {
      client_id: this.stack!.outbox.clientId,
      device: os.hostname(),
      app_version: APP_VERSION,
      interval_s: this.deps.config.heartbeat.intervalS,
      sent_at: this.clock().toISOString(),
      tunnel: { state: s.tunnel.state, handshake_age_s: s.tunnel.handshakeAgeS, rx_bytes: s.tunnel.rxBytes, tx_bytes: s.tunnel.txBytes },
      outbox: { pending: s.outbox.pending, oldest_pending_age_s: s.outbox.oldestPendingAgeS, dead: s.outbox.dead },
      voice: { state: s.voice.state },
    };
  }
}
