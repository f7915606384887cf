// A started agent: made by Agent.start() with every service it started (sync stack, tunnel control and monitor,
// heartbeat, control endpoint, voice), so nothing that needs them can run before they exist. When settings change it
// rebuilds exactly the services of the changed sections, each from its factory here, and leaves the others alone.
import fs from 'node:fs';
import os from 'node:os';
import type { ConfigChange } from '../config/service.js';
import type { Config } from '../contracts/config.js';
import type { ConfigReloadResult, OutboxAppendParams, ReloadRefresh } from '../contracts/control.js';
import type { HeartbeatBody } from '../contracts/heartbeat.js';
import type { SecretName } from '../contracts/secrets.js';
import type { ServiceSetup, StatusSnapshot, TunnelSetupStatus, TunnelState } from '../contracts/status.js';
import { ControlServer } from '../control/server.js';
import { JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { HeartbeatSender, heartbeatReadiness } from '../heartbeat/sender.js';
import { createInboxDispatcher } from '../inbox/dispatch.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime.js';
import { openSyncStack, syncServiceFor, type SyncStack } from '../sync/build.js';
import type { InboxHandler } from '../sync/inbox-store.js';
import type { SyncOnceResult } from '../sync/service.js';
import type { TunnelControl } from '../tunnel/control.js';
import type { TunnelMonitor } from '../tunnel/health.js';
import type { ProcessRunner } from '../tunnel/runner.js';
import { managesTunnelDirectly, tunnelSetupStatus, withLivePeer } from '../tunnel/installed-setup.js';
import { controlFor, loadDesktopConfig, monitorFor, vpsGuardFor } from '../tunnel/setup.js';
import type { VpsGuard } from '../tunnel/vps-guard.js';
import { resolveBinary } from '../process/binaries.js';
import { listInputDevices, type DeviceList } from '../voice/devices.js';
import { VoiceHistory } from '../voice/history.js';
import type { ModelsStatusTracker } from '../voice/models/status-tracker.js';
import { APP_VERSION } from '../version.js';
import { MemoryBrowser } from '../memory/browser.js';
import { memoryProjectionService } from '../memory/projection-service.js';
import type { MemoryForget, MemoryForgetOutput, MemoryView, MemoryViewQuery } from '../contracts/memory.js';
import { Supervisor, type Service } from './supervisor.js';
import type { VoiceFactory } from './voice-factory.js';
import type { AgentVoice } from './voice-service.js';
import type { TranscribeOutcome } from '../voice/mic-check.js';

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
  /** Reads the settings again (a writer of config.json or the secret store asks through `config.reload`). */
  reloadConfig: (secrets: SecretName[], refresh: ReloadRefresh[]) => Promise<ConfigReloadResult>;
  /** Runs the tunnel's programs (wg, ping, ip); tests record or replay them. */
  runner?: ProcessRunner;
}

// These tunnel settings only change how the agent watches; the others change the interface itself.
const WATCH_ONLY: (keyof Config['tunnel'])[] = ['pollSeconds', 'autoConnect'];

function interfaceChanged(a: Config['tunnel'], b: Config['tunnel']): boolean {
  return (Object.keys(a) as (keyof Config['tunnel'])[]).some((k) => !WATCH_ONLY.includes(k) && a[k] !== b[k]);
}

export class RunningAgent {
  readonly startedAt: Date;
  readonly stack: SyncStack;
  private readonly supervisor: Supervisor;
  /** The settings the services run with now. */
  private config: Config;
  private control!: TunnelControl;
  private monitor!: TunnelMonitor;
  private routeGuard!: VpsGuard;
  /** What every VPS client holds: it asks the route guard of the current tunnel settings. */
  private readonly guard: VpsGuard;
  private heartbeat!: HeartbeatSender;
  private readonly server: ControlServer;
  private readonly inboxHandler: InboxHandler;
  private voice: AgentVoice | null = null;
  private voiceTurns: (() => void) | null = null;
  /**
   * The tray's pause of hands-free, kept here so that a settings change (which builds a new pipeline) does not
   * quietly open the microphone again; it ends when the user resumes, hands-free is switched off, or the agent stops.
   */
  private handsFreePaused = false;
  private projection: ReturnType<typeof memoryProjectionService> | null = null;
  /** What the voice factory reported of the speech models; a factory that reports nothing is taken as set up. */
  private voiceSetup: ServiceSetup = { configured: true, reason: 'not checked yet', next: null };
  private setupStatus: TunnelSetupStatus | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly services: Record<'sync' | 'tunnel' | 'heartbeat', Service>;

  /** Opens the database and builds every service; start() starts them. Throws, having opened nothing, when a service cannot be built. */
  constructor(
    private readonly ctx: AgentContext,
    private readonly voiceFactory: VoiceFactory | null,
  ) {
    const { runtime, config, bus, logger } = ctx;
    this.config = config;
    this.startedAt = ctx.clock();
    this.supervisor = new Supervisor(bus, logger);
    // One guard for every VPS client: each connection is opened only while the route goes through the tunnel.
    const current = () => this.routeGuard;
    this.guard = {
      get iface() {
        return current().iface;
      },
      check: (host, service) => current().check(host, service),
    };
    this.buildTunnel();
    this.buildHeartbeat();
    this.services = {
      sync: { name: 'sync', start: () => this.stack.service.start(), stop: () => this.stack.service.stop() },
      tunnel: { name: 'tunnel', start: () => this.startTunnel(), stop: () => this.monitor.stop() },
      // Asks once for its token; then tunnel-up and tunnel-down drive the heartbeat (onTunnelState).
      heartbeat: { name: 'heartbeat', start: () => this.heartbeat.prepare(), stop: () => this.heartbeat.stop() },
    };
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
        'voice.handsFree': (params) => this.voiceHandsFree(params.paused),
        'voice.hold': (params) => this.voiceHold(params.down),
        'outbox.status': async () => this.stack.outbox.detail(ctx.clock()),
        'outbox.append': async (params) => this.appendMany(params),
        'config.reload': (params) => ctx.reloadConfig(params.secrets ?? [], params.refresh ?? []),
        'voice.history': async (params) => this.voiceHistory().list(params),
        'voice.history.delete': async (params) => this.voiceHistory().delete(params),
        'voice.devices': () => this.voiceDevices(),
        'memory.list': (params) => this.memoryList(params),
        'memory.forget': async (params) => this.memoryForget(params),
      },
      bus,
      logger,
      onFailure: (err) => this.supervisor.reportFailure('control', err),
    });
    this.addServices();
    this.inboxHandler = createInboxDispatcher({
      notify: (title, body) => bus.emit('notification', { title, body }),
      speak: (text) => this.requireVoice().speak(text).then(() => undefined),
      ask: async (text) => (await this.requireVoice().ask(text)).reply,
    });
    // Last: the one thing here that holds a resource (the local database).
    this.stack = openSyncStack(runtime, config, this.guard, { bus, clock: ctx.clock, handler: this.inboxHandler });
  }

  async start(): Promise<void> {
    this.unsubscribe.push(this.ctx.bus.on('tunnel.state', ({ from, to }) => this.onTunnelState(from, to)));
    await this.refreshSetupStatus();
    await this.supervisor.startAll();
  }

  /**
   * Settings changed: rebuilds the services of the changed sections, one at a time, each stopped as at the agent's
   * stop (a batch in flight finishes or is abandoned safely; the outbox stays in SQLite) and started from the new
   * settings. The others are not touched.
   */
  async reconfigure(change: ConfigChange): Promise<void> {
    const sections = new Set(change.sections);
    const previous = this.config;
    this.config = change.config;
    if (sections.has('tunnel')) await this.rebuildTunnel(previous.tunnel, change.secrets.some((s) => s.startsWith('tunnel.')));
    if (sections.has('postgres') || sections.has('sync') || sections.has('outbox')) await this.rebuildSync();
    if (sections.has('heartbeat')) await this.rebuildHeartbeat();
    if (sections.has('qdrant') || change.secrets.includes('qdrant.apiKey')) await this.supervisor.rebuild('memory-projection', async () => this.projectionService());
    if (this.voiceFactory && (sections.has('voice') || sections.has('models') || sections.has('ollama'))) await this.rebuildVoice(this.voiceFactory);
  }

  /**
   * What changed beside the settings: a speech model pulled into the models folder rebuilds voice (which reads the
   * folder only when built); a privileged setup just made is compared with the settings again.
   */
  async refresh(what: readonly ReloadRefresh[]): Promise<void> {
    if (what.includes('tunnelSetup')) await this.refreshSetupStatus();
    if (what.includes('speechModels') && this.voiceFactory) await this.rebuildVoice(this.voiceFactory);
  }

  /** Not root: whether the installed tunnel still matches the settings (null when there is nothing to compare). */
  tunnelSetup(): TunnelSetupStatus | null {
    return this.setupStatus;
  }

  /** Stops taking work, lets the batch in flight finish (or abandons it safely), closes the database. */
  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    this.voiceTurns?.();
    this.voiceTurns = null;
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

  /** The conversation history over this agent's database and outbox; deletions are announced on the bus. */
  voiceHistory(): VoiceHistory {
    return new VoiceHistory(this.stack.local.db, this.stack.outbox, { bus: this.ctx.bus, clock: this.ctx.clock });
  }

  /** The window's memory view over this agent's database and outbox; a forget is announced on the bus. */
  memoryList(query: MemoryViewQuery): Promise<MemoryView> {
    return this.memoryBrowser().list(query);
  }

  memoryForget(what: MemoryForget): MemoryForgetOutput {
    return this.memoryBrowser().forget(what);
  }

  private browser: MemoryBrowser | null = null;
  private memoryBrowser(): MemoryBrowser {
    this.browser ??= new MemoryBrowser({ db: this.stack.local.db, outbox: this.stack.outbox, bus: this.ctx.bus, config: () => this.config, modelsHome: this.ctx.runtime.paths.models, loaded: () => this.voice?.embedder?.() ?? null });
    return this.browser;
  }

  /** The microphone test's transcript from the voice pipeline's own model, or why there is none. */
  async voiceTranscribe(audio: Int16Array): Promise<TranscribeOutcome> {
    const voice = this.voice;
    if (voice?.transcribe) return voice.transcribe(audio);
    const setup = this.voiceSetup;
    return { unavailable: setup.configured ? 'voice is not running, so no speech-to-text model is loaded (see the Status screen for why)' : `${setup.reason}${setup.next ? `: ${setup.next}` : ''}` };
  }

  voiceDevices(): Promise<DeviceList> {
    return listInputDevices({ platform: process.platform, resolveBinary: (name) => resolveBinary(name, { env: this.ctx.env }), env: this.ctx.env });
  }

  nudge(reason: string): void {
    this.monitor.nudge(reason);
  }

  async tunnelUp(): Promise<void> {
    const { text, warnings } = await loadDesktopConfig(this.config.tunnel, this.ctx.runtime.secrets);
    for (const w of warnings) this.ctx.logger.warn('tunnel config', { warning: w });
    await this.control.up(text);
    // The config was complete: a monitor that found it incomplete when it was built looks again and starts watching.
    this.monitor.recheck('tunnel up requested');
  }

  async tunnelDown(): Promise<void> {
    await this.control.down();
    this.monitor.nudge('tunnel down requested');
    await this.refreshSetupStatus();
  }

  syncOnce(): Promise<SyncOnceResult> {
    return this.stack.service.syncOnce();
  }

  async voiceToggle(): Promise<void> {
    await this.requireVoice().toggle();
  }

  async voiceHandsFree(paused: boolean): Promise<void> {
    const voice = this.requireVoice();
    if (!voice.pauseHandsFree) throw new JettError('this voice pipeline has no hands-free mode', 'run `jett doctor`');
    await voice.pauseHandsFree(paused);
    this.handsFreePaused = paused;
  }

  /** Hold-to-talk: the key went down (a turn starts) or up (the turn ends there). */
  async voiceHold(down: boolean): Promise<void> {
    await this.requireVoice().hold(down);
  }

  /** The parts of the status snapshot the started services know. */
  status(): Pick<StatusSnapshot, 'tunnel' | 'outbox' | 'inbox' | 'heartbeat' | 'voice' | 'setup' | 'tunnelSetup'> & { startedAt: Date } {
    const sync = this.stack.service.status();
    const hb = this.heartbeat.status();
    return {
      setup: { tunnel: this.monitor.setupState(), sync: this.stack.service.setupState(), heartbeat: this.heartbeat.setupState(), voice: this.voiceSetup },
      startedAt: this.startedAt,
      tunnel: this.monitor.snapshot(),
      outbox: sync.outbox,
      inbox: sync.inbox,
      heartbeat: { lastSentAt: hb.lastSentAt, failures: hb.failures, lastError: hb.lastError },
      voice: voiceStatus(this.voice),
      ...(this.setupStatus ? { tunnelSetup: this.setupStatus } : {}),
    };
  }

  /** The tunnel's factory: its control, its health monitor and the route guard of its interface. */
  private buildTunnel(): void {
    const { runtime, env, bus } = this.ctx;
    const settings = this.config.tunnel;
    const runner = this.ctx.runner ? { runner: this.ctx.runner } : {};
    this.routeGuard = vpsGuardFor(settings, { env, ...runner });
    this.control = controlFor({ settings, home: runtime.paths.home, env, ...runner });
    this.monitor = monitorFor({
      settings,
      home: runtime.paths.home,
      env,
      ...runner,
      control: this.control,
      secrets: runtime.secrets,
      bus,
      logger: runtime.logger.child({ component: 'tunnel' }),
      repairs: true,
    });
  }

  /** The heartbeat's factory. */
  private buildHeartbeat(): void {
    const { runtime, bus } = this.ctx;
    const { url, intervalS } = this.config.heartbeat;
    const token = () => runtime.secrets.get('heartbeat.token');
    this.heartbeat = new HeartbeatSender({
      url,
      intervalS,
      token,
      readiness: () => heartbeatReadiness(url, token),
      body: () => this.heartbeatBody(),
      guard: this.guard,
      bus,
      logger: runtime.logger.child({ component: 'heartbeat' }),
    });
  }

  private tunnelIsUp(): boolean {
    return UP_STATES.includes(this.monitor.snapshot().state);
  }

  /**
   * A new monitor from the new settings. When this agent runs the tunnel itself (root on Linux, or
   * JETT_TUNNEL_CONTROL=direct) and the interface's settings or keys changed, it takes the old interface down and
   * brings the new one up. Otherwise the tunnel runs from the installed setup, which only that setup changes (a
   * helper's down and up would bring back the same old config): the status then says to run it again.
   */
  private async rebuildTunnel(previous: Config['tunnel'], keysChanged: boolean): Promise<void> {
    const { env, logger, bus, clock } = this.ctx;
    await this.supervisor.rebuild('tunnel', async () => {
      const old = this.control;
      const wasState = this.monitor.snapshot().state;
      const live = await old.show().catch(() => null);
      const reconnect = live !== null && managesTunnelDirectly(env) && (keysChanged || interfaceChanged(previous, this.config.tunnel));
      if (reconnect) {
        try {
          await old.down();
        } catch (err) {
          logger.warn('the old tunnel did not come down', { error: err });
        }
        // The sync and the heartbeat cut what went through the old interface.
        if (wasState !== 'down') bus.emit('tunnel.state', { from: wasState, to: 'down', reason: 'settings changed: reconnecting with the new ones', at: clock().toISOString() });
      }
      this.buildTunnel();
      if (reconnect) {
        try {
          await this.tunnelUp();
        } catch (err) {
          logger.warn('tunnel not brought up with the new settings', { error: err });
        }
      }
      return this.services.tunnel;
    });
    await this.refreshSetupStatus();
  }

  /** A new sync service (pool, options) over the same outbox and inbox. */
  private async rebuildSync(): Promise<void> {
    await this.supervisor.rebuild('sync', async () => {
      this.stack.service = syncServiceFor(this.ctx.runtime, this.config, this.guard, this.stack, { bus: this.ctx.bus, clock: this.ctx.clock, handler: this.inboxHandler });
      return this.services.sync;
    });
    if (this.tunnelIsUp()) this.stack.service.onTunnelUp();
  }

  private async rebuildHeartbeat(): Promise<void> {
    await this.supervisor.rebuild('heartbeat', async () => {
      this.buildHeartbeat();
      return this.services.heartbeat;
    });
    // Beats at once to the new address while the tunnel is up.
    if (this.tunnelIsUp()) this.heartbeat.onTunnelUp();
  }

  private async rebuildVoice(factory: VoiceFactory): Promise<void> {
    await this.supervisor.rebuild('voice', async () => {
      this.voiceTurns?.();
      this.voiceTurns = null;
      this.voice = null;
      return this.voiceService(factory);
    });
  }

  private async refreshSetupStatus(): Promise<void> {
    const { runtime, env } = this.ctx;
    try {
      const status = await tunnelSetupStatus({ home: runtime.paths.home, settings: this.config.tunnel, secrets: runtime.secrets, env });
      const live = status?.state === 'current' ? await this.control.show().catch(() => null) : null;
      this.setupStatus = withLivePeer(status, live?.peers[0]?.publicKey ?? null, this.config.tunnel);
    } catch (err) {
      this.ctx.logger.warn('cannot compare the installed tunnel with the settings', { error: err });
      this.setupStatus = null;
    }
  }

  private voiceService(factory: VoiceFactory): Service {
    return { name: 'voice', start: () => this.startVoice(factory), stop: async () => this.voice?.stop() };
  }

  private addServices(): void {
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
    this.supervisor.add(this.services.sync);
    this.supervisor.add(this.services.tunnel);
    this.supervisor.add(this.services.heartbeat);
    this.supervisor.add(this.projectionService());
    if (this.voiceFactory) this.supervisor.add(this.voiceService(this.voiceFactory));
  }

  /** Memory items to the VPS's Qdrant, over the same guard as the sync; idle without the secret qdrant.apiKey. */
  private projectionService(): Service {
    return {
      name: 'memory-projection',
      start: async () => {
        const { runtime } = this.ctx;
        this.projection = memoryProjectionService({
          local: this.stack.local,
          outbox: this.stack.outbox,
          settings: this.config.qdrant,
          secrets: runtime.secrets,
          guard: this.guard,
          logger: runtime.logger.child({ component: 'memory-projection' }),
        });
        await this.projection.start();
      },
      stop: async () => {
        await this.projection?.stop();
        this.projection = null;
      },
    };
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
    if (this.config.tunnel.autoConnect) {
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
    const handsFreePaused = this.handsFreePaused;
    this.voice = await factory({ bus: this.ctx.bus, db: this.stack.local.db, outbox: this.stack.outbox, config: this.config, handsFreePaused, report: (setup) => (this.voiceSetup = setup) });
    // Hands-free switched off (or voice with it): a pause has nothing left to hold, and turning it on again listens.
    this.handsFreePaused = handsFreePaused && this.voice?.wake?.()?.listening === 'paused';
    if (!this.voice) return;
    // Each turn (transcript, reply, latencies) goes to the VPS's conversation log through the outbox.
    this.voiceTurns = this.voice.onTurn((record) => this.stack.outbox.append('voice.turn', record));
  }

  /**
   * Back to up (from lost, down, or only degraded): push, pull and beat at once rather than when a backoff ends.
   * Leaving up (degraded already: probes fail, so packets do not flow): the sync stops and cuts what it has in
   * flight. Lost or down: the heartbeat stops too; while only degraded it keeps trying, since one may get through.
   */
  private onTunnelState(from: TunnelState, to: TunnelState): void {
    if (to === 'up' && from !== 'up') {
      // The interface came up (again): compare what it runs with the settings once more.
      void this.refreshSetupStatus();
      this.stack.service.onTunnelUp();
      this.heartbeat.onTunnelUp();
      this.projection?.onTunnelUp();
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
      interval_s: this.config.heartbeat.intervalS,
      sent_at: this.ctx.clock().toISOString(),
      tunnel: { state: s.tunnel.state, handshake_age_s: s.tunnel.handshakeAgeS, rx_bytes: s.tunnel.rxBytes, tx_bytes: s.tunnel.txBytes },
      outbox: { pending: s.outbox.pending, oldest_pending_age_s: s.outbox.oldestPendingAgeS, dead: s.outbox.dead },
      voice: { state: s.voice.state },
    };
  }
}

/** The voice part of the status: its state, and hands-free's wake word when it is on (or why it fell back to off). */
function voiceStatus(voice: AgentVoice | null): StatusSnapshot['voice'] {
  const wake = voice?.wake?.() ?? null;
  return { state: voice?.state() ?? 'off', ...(wake ? { wake } : {}), ...(voice ? { bargeIn: voice.bargeIn() } : {}) };
}
