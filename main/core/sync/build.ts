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

/** `guard` is the real one from tunnel/setup.ts (`vpsGuardFor`): the agent and the CLI connect only through the tunnel. */
export function openSyncStack(runtime: Runtime, config: Config, guard: VpsGuard, extra: { bus?: EventBus; handler?: InboxHandler; clock?: () => Date } = {}): SyncStack {
  const local = openLocalDb(runtime.paths.database);
  const outbox = new Outbox(local, { clock: extra.clock });
  const inbox = new InboxStore(local.db, outbox);
  const service = new SyncService({
    outbox,
    inbox,
    pool: configPoolFactory(config.postgres, runtime.secrets, guard),
    bus: extra.bus ?? new EventBus(),
    logger: runtime.logger,
    clock: extra.clock,
    handler: extra.handler,
    options: syncOptionsFrom(config),
    readiness: () => syncReadiness(config.postgres, runtime.secrets),
  });
  return {
    local,
    outbox,
    inbox,
    service,
    async close() {
      await service.stop();
      local.close();
    },
  };
}
