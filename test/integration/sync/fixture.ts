// Shared pieces of the sync integration tests: a desktop (local outbox + sync service) wired to a real PostgreSQL.
import path from 'node:path';
import type pg from 'pg';
import { PG_BIN_DIR } from '../../../main/harness/postgres/cluster.js';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import type { SyncHooks } from '../../../main/core/sync/hooks.js';
import { InboxStore, type InboxHandler } from '../../../main/core/sync/inbox-store.js';
import { SyncService, type SyncOptions } from '../../../main/core/sync/service.js';
import { binary, type Requirement } from '../../helpers/requirements.js';
import type { TestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/tmp.js';

export const needsPostgres: Requirement[] = [binary(path.join(PG_BIN_DIR, 'initdb')), binary(path.join(PG_BIN_DIR, 'pg_ctl'))];

export interface Desk {
  file: string;
  local: LocalDb;
  outbox: Outbox;
  inbox: InboxStore;
  bus: EventBus;
  service: SyncService;
  logs: string[];
  close(): Promise<void>;
}

export interface DeskOptions {
  pool: () => pg.Pool;
  file?: string;
  handler?: InboxHandler;
  hooks?: SyncHooks;
  options?: Partial<SyncOptions>;
}

/** A database path in a temp folder that is removed after the test file. */
export function tempDbFile(): string {
  return path.join(tempDir('jett-sync-test-'), 'jett.db');
}

export function makeDesk(opts: DeskOptions): Desk {
  const file = opts.file ?? tempDbFile();
  const local = openLocalDb(file);
  const outbox = new Outbox(local);
  const inbox = new InboxStore(local.db, outbox);
  const bus = new EventBus();
  const logs: string[] = [];
  const service = new SyncService({
    outbox,
    inbox,
    pool: async () => opts.pool(),
    bus,
    logger: createLogger({ sink: (l) => logs.push(l), format: 'json', level: 'debug' }),
    handler: opts.handler,
    hooks: opts.hooks,
    options: opts.options,
  });
  return {
    file,
    local,
    outbox,
    inbox,
    bus,
    service,
    logs,
    async close() {
      await service.stop();
      local.close();
    },
  };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface ServerRow {
  seq: number;
  eventId: string;
  kind: string;
  payload: unknown;
}

export async function serverEvents(pgc: TestPostgres, clientId: string): Promise<ServerRow[]> {
  const r = await pgc.query<{ seq: string; event_id: string; kind: string; payload: unknown }>('SELECT seq, event_id, kind, payload FROM events WHERE client_id = $1 ORDER BY seq', [clientId]);
  return r.rows.map((x) => ({ seq: Number(x.seq), eventId: x.event_id, kind: x.kind, payload: x.payload }));
}
