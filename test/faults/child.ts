// The process the fault harness kills: opens a local outbox, syncs it through the fault proxy, appends a numbered
// stream of events (and pulls the VPS inbox), and reports on stdout: "R" ready, "A n" event n durably appended,
// "D" drained, "F point" failpoint reached.
import fs from 'node:fs';
import { openLocalDb } from '../../main/core/db/local-db.js';
import { EventBus } from '../../main/core/events/bus.js';
import { createLogger } from '../../main/core/log/logger.js';
import { Outbox } from '../../main/core/outbox/store.js';
import { InboxStore } from '../../main/core/sync/inbox-store.js';
import { poolConfig } from '../../main/core/sync/pg-pool.js';
import { SyncService } from '../../main/core/sync/service.js';
import pg from 'pg';
import type { ChildConfig } from './child-config.js';
import { failpointsFromEnv } from './failpoints.js';

const say = (line: string) => fs.writeSync(1, `${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cfg = JSON.parse(process.env.FAULT_CHILD ?? '{}') as ChildConfig;
const local = openLocalDb(cfg.db);
const outbox = new Outbox(local);
const inbox = new InboxStore(local.db, outbox);
const logger = createLogger({ sink: (l) => fs.appendFileSync(cfg.logFile, `${l}\n`), format: 'json', level: 'warn' });
const service = new SyncService({
  outbox,
  inbox,
  pool: async () => new pg.Pool(poolConfig(cfg.pg, { connectMs: 1500, queryMs: 2500 })),
  bus: new EventBus(),
  logger,
  hooks: failpointsFromEnv(),
  // Short backoff so that hundreds of runs fit in minutes; the production defaults are 1 s and 5 min.
  options: { batchRows: cfg.batchRows, backoffBaseMs: 50, backoffCapMs: 400, pollMs: 1000, leaseS: cfg.leaseS },
});
service.start();
service.onTunnelUp();
say('R');
const pad = 'p'.repeat(180);
for (let i = 0; i < cfg.count; i++) {
  const n = cfg.from + i;
  outbox.append('fault.event', { n, pad });
  say(`A ${n}`);
  if (Math.random() < 0.2) await sleep(Math.random() * cfg.pauseMs);
}
const deadline = Date.now() + cfg.drainTimeoutMs;
while (outbox.counts().pending > 0 || inbox.pending() < cfg.waitInbox) {
  if (Date.now() > deadline) {
    say('T');
    process.exit(2);
  }
  await sleep(20);
}
say('D');
await service.stop();
local.close();
