// The composition root: builds the services from config, wires their events, and serves the status snapshot.
import os from 'node:os';
import type { Config } from './contracts/config.js';
import type { StatusSnapshot } from './contracts/status.js';
import { EventBus } from './events/bus.js';
import type { Logger } from './log/logger.js';
import type { Runtime } from './runtime.js';
import { APP_VERSION } from './version.js';

export interface AgentDeps {
  runtime: Runtime;
  config: Config;
  clock?: () => Date;
}

export class Agent {
  readonly bus = new EventBus();
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private startedAt: Date | null = null;

  constructor(private readonly deps: AgentDeps) {
    this.logger = deps.runtime.logger.child({ component: 'agent' });
    this.clock = deps.clock ?? (() => new Date());
  }

  async start(): Promise<void> {
    this.startedAt = this.clock();
    this.logger.info('agent started', { pid: process.pid, host: os.hostname(), home: this.deps.runtime.paths.home });
  }

  async stop(): Promise<void> {
    this.logger.info('agent stopped');
  }

  status(): StatusSnapshot {
    return {
      agent: { pid: process.pid, version: APP_VERSION, startedAt: (this.startedAt ?? this.clock()).toISOString() },
      tunnel: { state: 'down', reason: 'tunnel service not started', handshakeAgeS: null, rxBytes: null, txBytes: null, probeRttMs: null, endpoint: this.deps.config.tunnel.endpoint || null },
      outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null },
      inbox: { pending: 0 },
      heartbeat: { lastSentAt: null, failures: 0 },
      voice: { state: 'off' },
    };
  }
}
