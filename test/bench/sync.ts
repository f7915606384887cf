// `npm run bench:sync -- --json`: the outbox's append against bare better-sqlite3, the sync's drain against bare
// unnest inserts (same rows, same batch sizes, same server), and a 100,000-event backlog drained through a proxy
// that adds 20 ms round trips. Progress lines, then one JSON object as the last stdout line.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SyncBenchResultSchema, type SyncBenchResult } from '../../main/harness/bench/results.js';
import { openLocalDb, type LocalDb } from '../../main/core/db/local-db.js';
import { loadMigrations, migrationsDir } from '../../main/core/db/resources.js';
import { EventBus } from '../../main/core/events/bus.js';
import { createLogger } from '../../main/core/log/logger.js';
import { Outbox, rowBytes, toBatch, type OutboxRow } from '../../main/core/outbox/store.js';
import { InboxStore } from '../../main/core/sync/inbox-store.js';
import { DEFAULT_SYNC_OPTIONS, SyncService } from '../../main/core/sync/service.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { KIND, measureRtt, PAYLOAD_BYTES, payload, startProxy } from './sync-parts.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    backlog: { type: 'string', default: '100000' },
    appends: { type: 'string', default: '2000' },
  },
});
const BACKLOG = Number(values.backlog);
const APPENDS = Number(values.appends);
// Many short alternating rounds, so that load from other processes falls on both sides alike.
const ROUNDS = 20;

const say = (line: string) => process.stdout.write(`${line}\n`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-bench-sync-'));
const quiet = createLogger({ sink: () => undefined, format: 'json', level: 'error' });

function freshOutbox(name: string): { local: LocalDb; outbox: Outbox } {
  const local = openLocalDb(path.join(dir, `${name}.db`));
  return { local, outbox: new Outbox(local) };
}

/** Bare better-sqlite3: the same table and pragmas, a pre-serialised row per autocommitted INSERT. */
function rawDb(name: string): Database.Database {
  const db = new Database(path.join(dir, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  for (const m of loadMigrations(migrationsDir('local'))) db.exec(m.sql);
  return db;
}

function benchAppend(): { ours: number; raw: number } {
  const { local, outbox } = freshOutbox('append');
  const raw = rawDb('raw-append');
  const insert = raw.prepare('INSERT INTO outbox (event_id, kind, payload, created_at) VALUES (?, ?, ?, ?)');
  const text = JSON.stringify(payload(0));
  const per = Math.ceil(APPENDS / ROUNDS);
  let oursMs = 0;
  let rawMs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so drift on a shared machine falls on both alike.
    const runOurs = () => {
      const t = performance.now();
      for (let i = 0; i < per; i++) outbox.append(KIND, payload(i));
      oursMs += performance.now() - t;
    };
    const runRaw = () => {
      const t = performance.now();
      for (let i = 0; i < per; i++) insert.run(randomUUID(), KIND, text, Date.now());
      rawMs += performance.now() - t;
    };
    for (const run of r % 2 === 0 ? [runOurs, runRaw] : [runRaw, runOurs]) run();
  }
  local.close();
  raw.close();
  return { ours: (per * ROUNDS) / (oursMs / 1000), raw: (per * ROUNDS) / (rawMs / 1000) };
}

function backlog(name: string): { local: LocalDb; outbox: Outbox } {
  const b = freshOutbox(name);
  // One transaction for the whole backlog: building it is not what is measured.
  b.local.db.transaction(() => {
    for (let i = 0; i < BACKLOG; i++) b.outbox.append(KIND, payload(i));
  })();
  return b;
}

async function drain(outbox: Outbox, local: LocalDb, pool: () => pg.Pool): Promise<number> {
  const service = new SyncService({ outbox, inbox: new InboxStore(local.db, outbox), pool: async () => pool(), bus: new EventBus(), logger: quiet });
  const t = performance.now();
  const r = await service.syncOnce();
  const s = (performance.now() - t) / 1000;
  await service.stop();
  if (r.pushed !== BACKLOG || outbox.counts().pending !== 0) throw new Error(`drain pushed ${r.pushed} of ${BACKLOG}`);
  return s;
}

/** The same rows in batches of the sizes the sync used, each one bare INSERT ... SELECT FROM unnest(...). */
async function rawInsert(pgc: TestPostgres, rows: OutboxRow[], clientId: string): Promise<number> {
  // The desktop's role may create nothing: the baseline table is made by the superuser, the inserts run as that role.
  await pgc.query('CREATE TABLE IF NOT EXISTS events_raw (LIKE events INCLUDING ALL)');
  await pgc.query(`GRANT INSERT ON events_raw TO "${pgc.db.user}"`);
  const client = new pg.Client(pgc.connection());
  await client.connect();
  const batches: OutboxRow[][] = [];
  for (let i = 0; i < rows.length; ) {
    let bytes = 0;
    let j = i;
    while (j < rows.length && j - i < DEFAULT_SYNC_OPTIONS.batchRows && (j === i || bytes + rowBytes(rows[j]!) <= DEFAULT_SYNC_OPTIONS.batchBytes)) bytes += rowBytes(rows[j++]!);
    batches.push(rows.slice(i, j));
    i = j;
  }
  const columns = batches.map(toBatch);
  const t = performance.now();
  for (const b of columns) {
    await client.query(
      `INSERT INTO events_raw (client_id, seq, event_id, kind, payload, created_at)
       SELECT $1, s, e, k, p, to_timestamp(c / 1000.0) FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::float8[]) AS u(s, e, k, p, c)`,
      [clientId, b.seqs, b.eventIds, b.kinds, b.payloads, b.createdAt],
    );
  }
  const s = (performance.now() - t) / 1000;
  await client.end();
  say(`  raw: ${batches.length} batches of about ${Math.round(rows.length / batches.length)} rows`);
  return s;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const pgc = await startPostgres();
let exitCode = 0;
try {
  say(`bench:sync: ${PAYLOAD_BYTES}-byte payloads; temp ${dir}`);
  const append = benchAppend();
  say(`append: outbox ${Math.round(append.ours)}/s, bare better-sqlite3 ${Math.round(append.raw)}/s (one row per transaction, WAL, synchronous=FULL)`);

  let oursS = 0;
  let rawS = 0;
  for (let r = 0; r < 2; r++) {
    const b = backlog(`drain${r}`);
    const rows = b.local.db.prepare('SELECT seq, event_id AS eventId, kind, payload, created_at AS createdAt FROM outbox ORDER BY seq').all() as OutboxRow[];
    const runOurs = async () => {
      const s = await drain(b.outbox, b.local, () => pgc.pool());
      say(`  sync drain ${BACKLOG}: ${round(s)} s`);
      oursS += s;
    };
    const runRaw = async () => {
      const s = await rawInsert(pgc, rows, b.outbox.clientId);
      say(`  raw insert ${BACKLOG}: ${round(s)} s`);
      rawS += s;
    };
    for (const run of r === 0 ? [runOurs, runRaw] : [runRaw, runOurs]) await run();
    b.local.close();
  }
  const drainPerS = (2 * BACKLOG) / oursS;
  const rawPerS = (2 * BACKLOG) / rawS;
  say(`drain: sync ${Math.round(drainPerS)}/s, bare unnest inserts ${Math.round(rawPerS)}/s (no added latency)`);

  const proxy = await startProxy({ host: pgc.db.host, port: pgc.db.port }, 10);
  let rtt: number;
  let drainS: number;
  try {
    const via = pgc.connection({ host: '127.0.0.1', port: proxy.port });
    rtt = await measureRtt(via);
    say(`latency: round trip ${round(rtt)} ms through the proxy`);
    const b = backlog('latency');
    drainS = await drain(b.outbox, b.local, () => new pg.Pool({ ...via, max: 3 }));
    b.local.close();
    say(`latency: ${BACKLOG}-event backlog drained in ${round(drainS)} s`);
  } finally {
    proxy.stop();
  }

  const result: SyncBenchResult = SyncBenchResultSchema.parse({
    payload_bytes: PAYLOAD_BYTES,
    append_per_s: Math.round(append.ours),
    raw_append_per_s: Math.round(append.raw),
    append_ratio: round(append.ours / append.raw, 3),
    drain_per_s: Math.round(drainPerS),
    raw_insert_per_s: Math.round(rawPerS),
    drain_ratio: round(drainPerS / rawPerS, 3),
    rtt_ms: round(rtt),
    backlog: BACKLOG,
    drain_s: round(drainS, 3),
  });
  const goals = [
    ['append_ratio >= 0.8', result.append_ratio >= 0.8],
    ['drain_ratio >= 0.5', result.drain_ratio >= 0.5],
    [`drain_s < 5 for ${BACKLOG} events at ${result.rtt_ms} ms RTT`, result.drain_s < 5 && BACKLOG >= 100_000 && result.rtt_ms >= 20],
  ] as const;
  for (const [goal, ok] of goals) say(`goal ${goal}: ${ok ? 'met' : 'MISSED'}`);
  if (goals.some(([, ok]) => !ok)) exitCode = 1;
  say(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
} finally {
  await pgc.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exitCode = exitCode;
