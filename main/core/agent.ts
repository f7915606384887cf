// The composition root: the agent's life as built (config, bus, lock), started (a RunningAgent holding every
// service: tunnel health, outbox sync, heartbeat, voice, control endpoint) and stopped, and its status snapshot.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { InstanceLock } from './agent/instance-lock.js';
import { RunningAgent } from './agent/running.js';
import { configuredVoice, type VoiceFactory } from './agent/voice-factory.js';
import { ConfigService, type ConfigChange } from './config/service.js';
import type { Config } from './contracts/config.js';
import type { ConfigReloadResult, OutboxAppendParams, ReloadRefresh } from './contracts/control.js';
import type { MemoryForget, MemoryForgetOutput, MemoryView, MemoryViewQuery } from './contracts/memory.js';
import type { SecretName } from './contracts/secrets.js';
import type { RedactionResult } from './contracts/redaction.js';
import type { StatusSnapshot } from './contracts/status.js';
import type { VoiceHistoryDelete, VoiceHistoryQuery } from './contracts/voice-history.js';
import type { VoiceTurnRecord } from './contracts/voice.js';
import { JettError } from './errors.js';
import { EventBus } from './events/bus.js';
import type { Logger } from './log/logger.js';
import type { Runtime } from './runtime.js';
import type { SyncOnceResult } from './sync/service.js';
import type { ProcessRunner } from './tunnel/runner.js';
import type { DeviceList } from './voice/devices.js';
import type { TranscribeOutcome } from './voice/mic-check.js';
import { ModelsStatusTracker } from './voice/models/status-tracker.js';
import { APP_VERSION } from './version.js';
import type { AudioRoute } from './voice/setup.js';

export interface AgentDeps {
  runtime: Runtime;
  config: Config;
  env?: NodeJS.ProcessEnv;
  clock?: () => Date;
  /** 'headless' for `jett agent`, 'tray' for the Electron app: named by the instance lock. */
  kind?: 'headless' | 'tray';
  /** Builds the voice pipeline (default: from config and the installed models); null turns voice off. */
  voice?: VoiceFactory | null;
  /** Runs the tunnel's programs (default: execa); tests record them. */
  runner?: ProcessRunner;
  /** The front end's own microphone and speaker (the tray app's capture page); default: sox. */
  audio?: AudioRoute;
}

const notRunning = () => new JettError('the agent is not running', 'start it first (`jett agent`)');

export class Agent {
  readonly bus = new EventBus();
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly env: NodeJS.ProcessEnv;
  private readonly lock: InstanceLock;
  private readonly models = new ModelsStatusTracker();
  /** Proven (never shown) by every control client; a new one each agent, so an old token file opens nothing. */
  private readonly controlToken = randomBytes(32).toString('base64url');
  /** Set from start() to stop(): the started services. */
  private running: RunningAgent | null = null;
  /** Reads, writes and watches config.json; its changes rebuild the services of the changed sections. */
  readonly settings: ConfigService;
  /** Rebuilds run one after another, in the order the changes came. */
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AgentDeps) {
    this.logger = deps.runtime.logger.child({ component: 'agent' });
    this.clock = deps.clock ?? (() => new Date());
    this.env = deps.env ?? process.env;
    this.lock = new InstanceLock(path.join(deps.runtime.paths.home, 'agent.lock'));
    this.settings = new ConfigService(deps.runtime.config, { initial: deps.config, logger: this.logger });
    this.settings.onChange((change) => this.apply(change));
    this.settings.onInvalid((err) => this.bus.emit('config.invalid', { message: err.message, fix: err.fix, at: this.clock().toISOString() }));
  }

  /** Takes the one-per-user lock, opens the database, and starts every service. */
  async start(): Promise<void> {
    const { runtime } = this.deps;
    const config = this.settings.current();
    this.lock.acquire(this.deps.kind ?? 'headless', this.clock());
    const voice = this.deps.voice === undefined ? configuredVoice({ logger: runtime.logger, modelsHome: runtime.paths.models, env: this.env, tracker: this.models, ...(this.deps.audio ? { audio: this.deps.audio } : {}) }) : this.deps.voice;
    let running: RunningAgent;
    try {
      running = new RunningAgent(
        {
          runtime,
          config,
          env: this.env,
          clock: this.clock,
          bus: this.bus,
          logger: this.logger,
          models: this.models,
          controlToken: this.controlToken,
          status: () => this.status(),
          reloadConfig: (secrets, refresh) => this.reloadConfig(secrets, refresh),
          ...(this.deps.runner ? { runner: this.deps.runner } : {}),
        },
        voice,
      );
    } catch (err) {
      this.lock.release();
      throw err;
    }
    // Set before its services start: the control endpoint answers (status, appends) as soon as it listens.
    this.running = running;
    await running.start();
    // An edit of config.json on disk (an editor, another program) reaches the agent as the window's and the CLI's do.
    this.settings.watch();
    this.logger.info('agent started', { pid: process.pid, host: os.hostname(), home: runtime.paths.home, clientId: running.stack.outbox.clientId });
  }

  /** Stops taking work, lets the batch in flight finish (or abandons it safely), closes the database. */
  async stop(): Promise<void> {
    this.settings.close();
    const running = this.running;
    this.running = null;
    await this.applying;
    await running?.stop();
    this.lock.release();
    this.logger.info('agent stopped');
  }

  /**
   * Reads config.json again, with the secrets the caller changed in the store, and waits until the changed sections'
   * services are rebuilt. Throws ConfigError for a file that does not validate (nothing is applied then). `refresh`
   * names what changed beside the settings (a pulled speech model, a privileged setup just made): those are read
   * again too, after the settings' own changes.
   */
  async reloadConfig(secrets: readonly SecretName[] = [], refresh: readonly ReloadRefresh[] = []): Promise<ConfigReloadResult> {
    const change = this.settings.reload(secrets);
    await this.applying;
    if (refresh.length > 0) {
      const running = this.running;
      this.applying = this.applying.then(() => running?.refresh(refresh)).catch((err: unknown) => this.logger.error('refresh not applied', { refresh, error: err }));
      await this.applying;
    }
    const setup = this.running?.tunnelSetup() ?? null;
    return { sections: change.sections, needsTunnelSetup: change.sections.includes('tunnel') && setup !== null && setup.state !== 'current' };
  }

  private apply(change: ConfigChange): void {
    this.applying = this.applying
      .then(async () => {
        await this.running?.reconfigure(change);
        this.bus.emit('config.changed', { sections: change.sections, at: this.clock().toISOString() });
      })
      .catch((err: unknown) => this.logger.error('settings change not applied', { sections: change.sections, error: err }));
  }

  get clientId(): string | null {
    return this.running?.stack.outbox.clientId ?? null;
  }

  /** Appends an event to the outbox (durable when this returns); the sync pushes it when the tunnel is up. */
  append(kind: string, payload: unknown): { seq: number; eventId: string } {
    return this.started().stack.outbox.append(kind, payload);
  }

  /** Appends a batch in one local transaction: all of it is durable when this returns, or none of it. */
  appendMany(params: OutboxAppendParams): { first: number; last: number } {
    return this.started().appendMany(params);
  }

  /** The OS resumed from sleep or changed networks: probe the tunnel now instead of at the next poll. */
  systemEvent(kind: 'suspend' | 'resume' | 'network-change'): void {
    this.logger.info('system event', { kind });
    if (kind !== 'suspend') this.running?.nudge(kind);
  }

  async tunnelUp(): Promise<void> {
    await this.started().tunnelUp();
  }

  async tunnelDown(): Promise<void> {
    await this.started().tunnelDown();
  }

  syncOnce(): Promise<SyncOnceResult> {
    if (!this.running) return Promise.reject(notRunning());
    return this.running.syncOnce();
  }

  async voiceToggle(): Promise<void> {
    await this.started().voiceToggle();
  }

  /** Past voice turns, newest first; searchable (the window's history screen). */
  voiceHistory(query: VoiceHistoryQuery = {}): VoiceTurnRecord[] {
    return this.started().voiceHistory().list(query);
  }

  /** Deletes turns here and, through the outbox, on the VPS; `events.redacted` tells every window. */
  deleteVoiceHistory(what: VoiceHistoryDelete): RedactionResult {
    return this.started().voiceHistory().delete(what);
  }

  /** What Jett remembers, newest first or searched (the window's memory view). */
  memoryList(query: MemoryViewQuery = {}): Promise<MemoryView> {
    return this.started().memoryList(query);
  }

  /** Forgets items here and, through the outbox, on the VPS. */
  memoryForget(what: MemoryForget): MemoryForgetOutput {
    return this.started().memoryForget(what);
  }

  /** The microphone test's transcript from the voice pipeline's own model, or why there is none. */
  voiceTranscribe(audio: Int16Array): Promise<TranscribeOutcome> {
    return this.started().voiceTranscribe(audio);
  }

  voiceDevices(): Promise<DeviceList> {
    return this.started().voiceDevices();
  }

  async voiceHandsFree(paused: boolean): Promise<void> {
    await this.started().voiceHandsFree(paused);
  }

  /** Hold-to-talk: the key went down (a turn starts) or up (the turn ends there). */
  async voiceHold(down: boolean): Promise<void> {
    await this.started().voiceHold(down);
  }

  status(): StatusSnapshot {
    const running = this.running?.status() ?? {
      startedAt: this.clock(),
      tunnel: { state: 'down' as const, reason: 'the agent is not running', handshakeAgeS: null, rxBytes: null, txBytes: null, probeRttMs: null, endpoint: null },
      outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null },
      inbox: { pending: 0 },
      heartbeat: { lastSentAt: null, failures: 0 },
      voice: { state: 'off' as const },
    };
    const { startedAt, ...services } = running;
    return { agent: { pid: process.pid, version: APP_VERSION, startedAt: startedAt.toISOString() }, ...services, models: this.models.snapshot() };
  }

  private started(): RunningAgent {
    if (!this.running) throw notRunning();
    return this.running;
  }
}
