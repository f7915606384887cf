// bench:agent's backlog: a local outbox of N pending 250-byte events, the status read with all of them pending, and
// their drain by the agent's sync in a child process (whose RSS is watched) to a real PostgreSQL, then a check on
// the server that every event arrived once and in order. The CI short form runs the same steps with fewer events.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { openLocalDb, openLocalDbToRead } from '../../main/core/db/local-db.js';
import { Outbox } from '../../main/core/outbox/store.js';
import type { TestPostgres } from '../helpers/postgres.js';
import { KIND, payload } from './sync-parts.js';

// Appends per local transaction while building: building is not what is measured, and the WAL stays bounded.
const BUILD_CHUNK = 50_000;

/** Writes `events` pending events (payload i has seq i + 1) into a new database; returns its client id. */
export function buildBacklog(file: string, events: number): string {
  const local = openLocalDb(file);
  try {
    const outbox = new Outbox(local);
    for (let from = 0; from < events; from += BUILD_CHUNK) {
      outbox.transaction(() => {
        for (let i = from; i < Math.min(events, from + BUILD_CHUNK); i++) outbox.append(KIND, payload(i));
      });
    }
    local.db.pragma('wal_checkpoint(TRUNCATE)');
    return outbox.clientId;
  } finally {
    local.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The database opened as `jett outbox status` opens it (ms, once), and the median of `reps` status reads (ms):
 * `outbox.detail()`, what the CLI and the agent's `outbox.status` answer (the tray's counts are a subset of it). */
export function measureStatus(file: string, reps = 101): { openMs: number; statusMs: number; pending: number } {
  const t = performance.now();
  const local = openLocalDbToRead(file);
  const openMs = performance.now() - t;
  try {
    const outbox = new Outbox(local);
    const samples: number[] = [];
    let pending = 0;
    for (let i = 0; i < reps; i++) {
      const s = performance.now();
      pending = outbox.detail().pending;
      samples.push(performance.now() - s);
    }
    return { openMs, statusMs: median(samples), pending };
  } finally {
    local.close();
  }
}

export interface DrainRun {
  drainS: number;
  pushed: number;
  /** RSS of the pushing process once loaded and connected, before the drain. */
  readyRssMb: number;
  /** Its peak RSS during the drain minus readyRssMb. */
  rssGrowthMb: number;
  /** 'hwm': the kernel's high-water mark, reset at the start of the drain; 'sampled': /proc polled every 50 ms. */
  rssMethod: 'hwm' | 'sampled';
  /** CPU time the pushing process spent in the drain (user + system), in seconds. */
  cpuS: number;
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Drains `database` in a child process running the agent's sync against `connection`. */
export async function drainInChild(database: string, connection: pg.ClientConfig): Promise<DrainRun> {
  const script = fileURLToPath(new URL('./backlog-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const expect = async (word: string): Promise<string[]> => {
    const r = await Promise.race([lines.next(), exited.then((code) => ({ done: true as const, value: `exit ${code}` }))]);
    const parts = r.done ? [] : r.value.split(' ');
    if (parts[0] !== word) throw new Error(`backlog child: expected "${word}", got ${r.done ? 'its exit' : JSON.stringify(r.value)}`);
    return parts.slice(1);
  };
  try {
    child.stdin.write(`${JSON.stringify({ database, connection })}\n`);
    const readyKb = Number((await expect('ready'))[0]);
    let sampledKb = readyKb;
    const sampler = setInterval(() => (sampledKb = Math.max(sampledKb, rssKb(child.pid!))), 50);
    child.stdin.write('go\n');
    let done: string[];
    try {
      done = await expect('done');
    } finally {
      clearInterval(sampler);
    }
    const [seconds, pushed, peakKb, cpuS] = done.map(Number) as [number, number, number, number];
    const hwm = peakKb > 0;
    const peak = hwm ? Math.max(peakKb, sampledKb) : sampledKb;
    await exited;
    return { drainS: seconds, pushed, readyRssMb: readyKb / 1024, rssGrowthMb: Math.max(0, peak - readyKb) / 1024, rssMethod: hwm ? 'hwm' : 'sampled', cpuS };
  } finally {
    child.kill('SIGKILL');
  }
}

export interface ServerCheck {
  rows: number;
  lost: number;
  duplicated: number;
  reordered: number;
  rejected: number;
}

/** What the server holds for the client: every event once, payload i under seq i + 1, none rejected. */
export async function checkServer(pgc: TestPostgres, clientId: string, events: number): Promise<ServerCheck> {
  const r = await pgc.query<{ rows: number; ids: number; misplaced: number; rejected: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS ids,
            count(*) FILTER (WHERE (payload ->> 'id')::bigint + 1 <> seq)::int AS misplaced,
            (SELECT count(*)::int FROM events_rejected WHERE client_id = $1) AS rejected
       FROM events WHERE client_id = $1`,
    [clientId],
  );
  const row = r.rows[0]!;
  return { rows: row.rows, lost: events - row.ids, duplicated: row.rows - row.ids, reordered: row.misplaced, rejected: row.rejected };
}
