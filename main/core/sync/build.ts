// Builds the outbox, the local inbox and the sync service from a runtime and its config (for the agent and the CLI).
import type { Config } from '../contracts/config.js';
import { openLocalDb, type LocalDb } from '../db/local-db.js';
import { EventBus } from '../events/bus.js';
import { Outbox } from '../outbox/store.js';
import type { Runtime } from '../runtime.js';
import type { VpsGuard } from '../tunnel/vps-guard.js';
import { InboxStore, type InboxHandler } from './inbox-store.js';
import { configPoolFactory } from './pg-pool.js';
import { syncReadiness } from './readiness.js';
import { SyncService, type SyncOptions } from './service.js';

export interface SyncStack {
  local: LocalDb;
  outbox: Outbox;
  inbox: InboxStore;
  /** Replaced when the postgres or sync settings change (the outbox and inbox stay: queued work is in SQLite). */
  service: SyncService;
  /** Stops the service and closes the database. */
  close(): Promise<void>;
}

export function syncOptionsFrom(config: Config): Partial<SyncOptions> {
  return {
    batchRows: config.sync.batchRows,
    batchBytes: config.sync.batchBytes,
    pollMs: config.sync.pollSeconds * 1000,
    retentionDays: config.outbox.retentionDays,
  };
}

export interface SyncExtra {
  bus?: EventBus;
  handler?: InboxHandler;
  clock?: () => Date;
}

/** The sync service over an open outbox and inbox, from the postgres, sync and outbox settings. */
export function syncServiceFor(runtime: Runtime, config: Config, guard: VpsGuard, queues: { outbox: Outbox; inbox: InboxStore }, extra: SyncExtra = {}): SyncService {
  return new SyncService({
    ...queues,
    pool: configPoolFactory(config.postgres, runtime.secrets, guard),
    bus: extra.bus ?? new EventBus(),
    logger: runtime.logger,
    clock: extra.clock,
    handler: extra.handler,
    options: syncOptionsFrom(config),
    readiness: () => syncReadiness(config.postgres, runtime.secrets),
  });
}

/** `guard` is the real one from tunnel/setup.ts (`vpsGuardFor`): the agent and the CLI connect only through the tunnel. */
export function openSyncStack(runtime: Runtime, config: Config, guard: VpsGuard, extra: SyncExtra = {}): SyncStack {
  const local = openLocalDb(runtime.paths.database);
  const outbox = new Outbox(local, { clock: extra.clock });
  const inbox = new InboxStore(local.db, outbox);
  const stack: SyncStack = {
    local,
    outbox,
    inbox,
    service: syncServiceFor(runtime, config, guard, { outbox, inbox }, extra),
    async close() {
      await stack.service.stop();
      local.close();
    },
  };
  return stack;
}
