// A started agent: made by Agent.start() with every service it started (sync stack, tunnel control and monitor,
// heartbeat, control endpoint, voice), so nothing that needs them can run before they exist.
import fs from 'node:fs';
import os from 'node:os';
import type { Config } from '../contracts/config.js';
import type { OutboxAppendParams } from '../contracts/control.js';
import type { HeartbeatBody } from '../contracts/heartbeat.js';
import type { ServiceSetup, StatusSnapshot, TunnelState } from '../contracts/status.js';
import { ControlServer } from '../control/server.js';
import { JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { HeartbeatSender, heartbeatReadiness } from '../heartbeat/sender.js';
import { createInboxDispatcher } from '../inbox/dispatch.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime.js';
import { openSyncStack, type SyncStack } from '../sync/build.js';
import type { SyncOnceResult } from '../sync/service.js';
import type { TunnelControl } from '../tunnel/control.js';
import type { TunnelMonitor } from '../tunnel/health.js';
import type { ProcessRunner } from '../tunnel/runner.js';
import { controlFor, loadDesktopConfig, monitorFor, vpsGuardFor } from '../tunnel/setup.js';
import type { ModelsStatusTracker } from '../voice/models/status-tracker.js';
import { APP_VERSION } from '../version.js';
import { Supervisor } from './supervisor.js';
import type { VoiceFactory } from './voice-factory.js';
import type { AgentVoice } from './voice-service.js';

const UP_STATES: TunnelState[] = ['up', 'degraded'];

/** What the agent knows before it starts: its inputs, its bus and what outlives one start. */
export interface AgentContext {
  runtime: Runtime;
  config: Config;
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  bus: EventBus;
  logger: Logger;
  models: ModelsStatusTracker;
  controlToken: string;
  /** The agent's own status (the control endpoint and the heartbeat report it). */
  status: () => StatusSnapshot;
  /** Runs the tunnel's programs (wg, ping, ip); tests record or replay them. */
  runner?: ProcessRunner;
}

export class RunningAgent {
  readonly startedAt: Date;
  readonly stack: SyncStack;
  private readonly supervisor: Supervisor;
  private readonly control: TunnelControl;
  private readonly monitor: TunnelMonitor;
  private readonly heartbeat: HeartbeatSender;
  private readonly server: ControlServer;
  private voice: AgentVoice | null = null;
  /** What the voice factory reported of the speech models; a factory that reports nothing is taken as set up. */
  private voiceSetup: ServiceSetup = { configured: true, reason: 'not checked yet', next: null };
  private readonly unsubscribe: (() => void)[] = [];

  /** Opens the database and builds every service; start() starts them. Throws, having opened nothing, when a service cannot be built. */
  constructor(
    private readonly ctx: AgentContext,
    voice: VoiceFactory | null,
  ) {
    const { runtime, config, env, bus, logger } = ctx;
    this.startedAt = ctx.clock();
    this.supervisor = new Supervisor(bus, logger);
    // One guard for every VPS client: each connection is opened only while the route goes through the tunnel.
    const runner = ctx.runner ? { runner: ctx.runner } : {};
    const guard = vpsGuardFor(config.tunnel, { env, ...runner });
    this.control = controlFor({ settings: config.tunnel, home: runtime.paths.home, env, ...runner });
    this.monitor = monitorFor({
      settings: config.tunnel,
      home: runtime.paths.home,
      env,
      ...runner,
      control: this.control,
      secrets: runtime.secrets,
      bus,
      logger: runtime.logger.child({ component: 'tunnel' }),
      repairs: true,
    });
    const token = () => runtime.secrets.get('heartbeat.token');
    this.heartbeat = new HeartbeatSender({
      url: config.heartbeat.url,
      intervalS: config.heartbeat.intervalS,
      token,
      readiness: () => heartbeatReadiness(config.heartbeat.url, token),
      body: () => this.heartbeatBody(),
      guard,
      bus,
      logger: runtime.logger.child({ component: 'heartbeat' }),
    });
    this.server = new ControlServer({
      path: runtime.paths.controlSocket,
      secret: ctx.controlToken,
      handlers: {
        status: async () => ctx.status(),
        'sync.once': () => this.syncOnce(),
        'tunnel.up': () => this.tunnelUp(),
        'tunnel.down': () => this.tunnelDown(),
        'tunnel.nudge': async () => this.nudge('network-change'),
        'voice.toggle': () => this.voiceToggle(),
        'outbox.status': async () => this.stack.outbox.detail(ctx.clock()),
        'outbox.append': async (params) => this.appendMany(params),
      },
      bus,
      logger,
      onFailure: (err) => this.supervisor.reportFailure('control', err),
    });
    this.addServices(voice);
    // Last: the one thing here that holds a resource (the local database).
    this.stack = openSyncStack(runtime, config, guard, {
      bus,
      clock: ctx.clock,
      handler: createInboxDispatcher({
        notify: (title, body) => bus.emit('notification', { title, body }),
        speak: (text) => this.requireVoice().speak(text).then(() => undefined),
        ask: async (text) => (await this.requireVoice().ask(text)).reply,
      }),
    });
  }

  async start(): Promise<void> {
    this.unsubscribe.push(this.ctx.bus.on('tunnel.state', ({ from, to }) => this.onTunnelState(from, to)));
    await this.supervisor.startAll();
  }

  /** Stops taking work, lets the batch in flight finish (or abandons it safely), closes the database. */
  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.supervisor.stopAll();
    await this.stack.close();
  }

  /** Appends a batch in one local transaction: all of it is durable when this returns, or none of it. */
  appendMany({ kind, payloads }: OutboxAppendParams): { first: number; last: number } {
    const outbox = this.stack.outbox;
    const seqs = outbox.transaction(() => payloads.map((p) => outbox.append(kind, p).seq));
    const [first, last] = [seqs[0], seqs.at(-1)];
    if (first === undefined || last === undefined) throw new JettError('nothing to append', 'pass at least one payload');
    return { first, last };
  }

  nudge(reason: string): void {
    this.monitor.nudge(reason);
  }

  async tunnelUp(): Promise<void> {
    const { text, warnings } = await loadDesktopConfig(this.ctx.config.tunnel, this.ctx.runtime.secrets);
    for (const w of warnings) this.ctx.logger.warn('tunnel config', { warning: w });
    await this.control.up(text);
    // The config was complete: a monitor that found it incomplete when it was built looks again and starts watching.
    this.monitor.recheck('tunnel up requested');
  }

  async tunnelDown(): Promise<void> {
    await this.control.down();
    this.monitor.nudge('tunnel down requested');
  }

  syncOnce(): Promise<SyncOnceResult> {
    return this.stack.service.syncOnce();
  }

  async voiceToggle(): Promise<void> {
    await this.requireVoice().toggle();
  }

  /** The parts of the status snapshot the started services know. */
  status(): Pick<StatusSnapshot, 'tunnel' | 'outbox' | 'inbox' | 'heartbeat' | 'voice' | 'setup'> & { startedAt: Date } {
    const sync = this.stack.service.status();
    const hb = this.heartbeat.status();
    return {
      setup: { tunnel: this.monitor.setupState(), sync: this.stack.service.setupState(), heartbeat: this.heartbeat.setupState(), voice: this.voiceSetup },
      startedAt: this.startedAt,
      tunnel: this.monitor.snapshot(),
      outbox: sync.outbox,
      inbox: sync.inbox,
      heartbeat: { lastSentAt: hb.lastSentAt, failures: hb.failures },
      voice: { state: this.voice?.state() ?? 'off' },
    };
  }

  private addServices(voice: VoiceFactory | null): void {
    const tokenFile = this.ctx.runtime.paths.controlToken;
    this.supervisor.add({
      name: 'control',
      start: async () => {
        writeFileAtomic(tokenFile, this.ctx.controlToken, 0o600);
        await this.server.listen();
      },
      stop: async () => {
        await this.server.close();
        fs.rmSync(tokenFile, { force: true });
      },
    });
    this.supervisor.add({ name: 'sync', start: () => this.stack.service.start(), stop: () => this.stack.service.stop() });
    this.supervisor.add({ name: 'tunnel', start: () => this.startTunnel(), stop: () => this.monitor.stop() });
    // Asks once for its token; then tunnel-up and tunnel-down drive the heartbeat (onTunnelState).
    this.supervisor.add({ name: 'heartbeat', start: () => this.heartbeat.prepare(), stop: () => this.heartbeat.stop() });
    if (voice) this.supervisor.add({ name: 'voice', start: () => this.startVoice(voice), stop: async () => this.voice?.stop() });
  }

  private requireVoice(): AgentVoice {
    if (!this.voice) throw new JettError('voice is not running on this desktop', 'see `jett doctor` and the agent log for why; `jett voice --input FILE` tests one turn');
    return this.voice;
  }

  /**
   * Watches the tunnel; brings it up first when it is configured and not up yet (root, or the installed helper).
   * Not configured: nothing is run; the monitor reports it with the next step.
   */
  private async startTunnel(): Promise<void> {
    const setup = await this.monitor.readiness();
    if (!setup.configured) {
      // One tick records "not configured" with its next step; it reads no interface and schedules nothing.
      await this.monitor.tick();
      return;
    }
    if (this.ctx.config.tunnel.autoConnect) {
      const existing = await this.control.show().catch(() => null);
      if (!existing) {
        try {
          await this.tunnelUp();
        } catch (err) {
          // Not fatal: the monitor reports the tunnel down with this reason, and `jett tunnel up` can try again.
          this.ctx.logger.warn('tunnel not brought up at start', { error: err });
        }
      }
    }
    this.monitor.start();
  }

  private async startVoice(factory: VoiceFactory): Promise<void> {
    this.voice = await factory({ bus: this.ctx.bus, db: this.stack.local.db, report: (setup) => (this.voiceSetup = setup) });
    if (!this.voice) return;
    // Each turn (transcript, reply, latencies) goes to the VPS's conversation log through the outbox.
    this.unsubscribe.push(this.voice.onTurn((record) => this.stack.outbox.append('voice.turn', record)));
  }

  /**
   * Back to up (from lost, down, or only degraded): push, pull and beat at once rather than when a backoff ends.
   * Leaving up (degraded already: probes fail, so packets do not flow): the sync stops and cuts what it has in
   * flight. Lost or down: the heartbeat stops too; while only degraded it keeps trying, since one may get through.
   */
  private onTunnelState(from: TunnelState, to: TunnelState): void {
    if (to === 'up' && from !== 'up') {
      this.stack.service.onTunnelUp();
      this.heartbeat.onTunnelUp();
      if (from === 'degraded') void this.heartbeat.beat();
    } else if (from === 'up') {
      this.stack.service.onTunnelDown();
    }
    if (!UP_STATES.includes(to) && UP_STATES.includes(from)) this.heartbeat.onTunnelDown();
  }

  private heartbeatBody(): HeartbeatBody {
    const s = this.ctx.status();
    return {
      client_id: this.stack.outbox.clientId,
      device: os.hostname(),
      app_version: APP_VERSION,
      interval_s: this.ctx.config.heartbeat.intervalS,
      sent_at: this.ctx.clock().toISOString(),
      tunnel: { state: s.tunnel.state, handshake_age_s: s.tunnel.handshakeAgeS, rx_bytes: s.tunnel.rxBytes, tx_bytes: s.tunnel.txBytes },
      outbox: { pending: s.outbox.pending, oldest_pending_age_s: s.outbox.oldestPendingAgeS, dead: s.outbox.dead },
      voice: { state: s.voice.state },
    };
  }
}
