// The pushing process of bench:agent's backlog drain: the agent's own sync (SyncService with its default options and
// the agent's pool settings) on a database full of pending events, alone in its process so its RSS is its own.
// Reads {"database","connection"} as one JSON line on stdin (the password never in argv), answers `ready RSS_KB` once
// it is loaded and connected, drains on `go`, then answers `done SECONDS PUSHED PEAK_KB` (PEAK_KB is the high-water
// mark of RSS since `go`, or -1 where the kernel cannot reset it) and exits.
import fs from 'node:fs';
import readline from 'node:readline';
import pg from 'pg';
import { openLocalDb } from '../../main/core/db/local-db.js';
import { EventBus } from '../../main/core/events/bus.js';
import { createLogger } from '../../main/core/log/logger.js';
import { Outbox } from '../../main/core/outbox/store.js';
import { InboxStore } from '../../main/core/sync/inbox-store.js';
import { poolConfig } from '../../main/core/sync/pg-pool.js';
import { SyncService } from '../../main/core/sync/service.js';

function statusKb(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}

/** Resets VmHWM to the current RSS (Linux: "5" to clear_refs), so the peak read later is the drain's own. */
function resetPeak(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async (): Promise<string> => {
  const r = await lines.next();
  if (r.done) throw new Error('backlog child: stdin ended early');
  return r.value;
};

const setup = JSON.parse(await next()) as { database: string; connection: pg.ClientConfig };
const local = openLocalDb(setup.database);
const outbox = new Outbox(local);
const pool = new pg.Pool(poolConfig(setup.connection));
await pool.query('SELECT 1');
const quiet = createLogger({ sink: () => undefined, format: 'json', level: 'error' });
const service = new SyncService({ outbox, inbox: new InboxStore(local.db, outbox), pool: async () => pool, bus: new EventBus(), logger: quiet });
process.stdout.write(`ready ${statusKb('VmRSS')}\n`);

if ((await next()) !== 'go') throw new Error('backlog child: expected go');
const peakReset = resetPeak();
const t = performance.now();
const cpu0 = process.cpuUsage();
const r = await service.syncOnce();
const s = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpu0);
const peak = peakReset ? statusKb('VmHWM') : -1;
await service.stop();
local.close();
process.stdout.write(`done ${s} ${r.pushed} ${peak} ${(cpu.user + cpu.system) / 1e6}\n`);
process.exit(0);
