// The crash and link-fault harness: runs syncing child processes against a real PostgreSQL through the fault proxy,
// kills them (at random, or at a failpoint in each critical window), cuts the link, then drains everything and
// checks the total queue: every appended event on the server exactly once, in seq order per client.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { FaultRunResult } from '../../main/harness/bench/results.js';
import { openLocalDb } from '../../main/core/db/local-db.js';
import type { FailpointName } from '../../main/core/sync/hooks.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { prng } from '../helpers/prng.js';
import { checkQueue, type ClientRecord, type ServerEvent } from './check.js';
import { childEnv, type ChildConfig } from './child-config.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const TOKENS_PER_RUN = 100_000;

export type KillPlan = { kind: 'none' } | { kind: 'random'; afterMs: number } | { kind: 'failpoint'; point: FailpointName; hit: number };
export type CutPlan = { kind: 'none' } | { kind: 'reset-mid-batch'; bytes: number } | { kind: 'drop' | 'blackhole'; atMs: number; forMs: number };

export interface RunPlan {
  client: number;
  count: number;
  batchRows: number;
  kill: KillPlan;
  cut: CutPlan;
}

export interface FaultHarnessOptions {
  runs: number;
  seed: number;
  clients?: number;
  log?: (line: string) => void;
  /** Plans to run instead of random ones (the vitest crash test picks each window). */
  plans?: RunPlan[];
}

export interface ChildOutcome {
  acked: number[];
  killed: boolean;
  failpoint: string | null;
  drained: boolean;
  code: number | null;
}

function pick<T>(rand: () => number, weighted: [number, T][]): T {
  const total = weighted.reduce((s, [w]) => s + w, 0);
  let x = rand() * total;
  for (const [w, v] of weighted) {
    if ((x -= w) < 0) return v;
  }
  return weighted.at(-1)![1];
}

export function randomPlan(rand: () => number, run: number, clients: number): RunPlan {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const kill = pick<() => KillPlan>(rand, [
    [20, () => ({ kind: 'none' })],
    [28, () => ({ kind: 'random', afterMs: int(10, 1500) })],
    [14, () => ({ kind: 'failpoint', point: 'push.before-commit', hit: int(1, 3) })],
    [24, () => ({ kind: 'failpoint', point: 'push.after-commit', hit: int(1, 3) })],
    [14, () => ({ kind: 'failpoint', point: 'push.mark-sent', hit: int(1, 3) })],
  ])();
  const cut = pick<() => CutPlan>(rand, [
    [55, () => ({ kind: 'none' })],
    [15, () => ({ kind: 'reset-mid-batch', bytes: int(100, 60_000) })],
    [15, () => ({ kind: 'drop', atMs: int(0, 400), forMs: int(50, 800) })],
    [15, () => ({ kind: 'blackhole', atMs: int(0, 400), forMs: int(50, 1500) })],
  ])();
  return { client: run % clients, count: int(30, 400), batchRows: pick(rand, [[1, 1], [1, 7], [2, 50], [2, 500], [2, 5000]]), kill, cut };
}

/** Starts one syncing child; `done` resolves when it exits (killed or drained), rejects if it fails otherwise. */
export function runSyncChild(
  cfg: ChildConfig,
  opts: { failpoint?: string; onReady?: () => void; onExit?: () => void } = {},
): { done: Promise<ChildOutcome>; kill: () => void } {
  const onReady = opts.onReady ?? (() => undefined);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: childEnv(cfg, opts.failpoint), stdio: ['ignore', 'pipe', 'pipe'] });
  const out: ChildOutcome = { acked: [], killed: false, failpoint: null, drained: false, code: null };
  let buf = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line === 'R') onReady();
      else if (line === 'D') out.drained = true;
      else if (line.startsWith('A ')) out.acked.push(Number(line.slice(2)));
      else if (line.startsWith('F ')) out.failpoint = line.slice(2);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const done = new Promise<ChildOutcome>((resolve, reject) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      opts.onExit?.();
      out.killed = signal === 'SIGKILL';
      out.code = code;
      if (!out.killed && code !== 0) reject(new Error(`fault child exited with ${code}: ${stderr.trim()}`));
      else resolve(out);
    });
  });
  return { done, kill: () => child.kill('SIGKILL') };
}

function localSummary(file: string): { clientId: string; processedMax: number } {
  const db = new Database(file, { readonly: true });
  try {
    const clientId = (db.prepare(`SELECT value FROM meta WHERE key = 'client_id'`).get() as { value: string }).value;
    const row = db.prepare(`SELECT coalesce(max(seq), 0) AS m FROM outbox WHERE state IN ('sent', 'dead')`).get() as { m: number };
    return { clientId, processedMax: row.m };
  } finally {
    db.close();
  }
}

async function serverLastSeq(pg: TestPostgres, clientId: string): Promise<number> {
  const r = await pg.query<{ last_seq: string }>('SELECT last_seq FROM sync_clients WHERE client_id = $1', [clientId]);
  return r.rows[0] ? Number(r.rows[0].last_seq) : 0;
}

export async function runFaultHarness(opts: FaultHarnessOptions): Promise<FaultRunResult> {
  const log = opts.log ?? (() => undefined);
  const clients = opts.clients ?? 2;
  const rand = prng(opts.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-faults-'));
  const dbs = Array.from({ length: clients }, (_, i) => path.join(dir, `client${i}.db`));
  // Create each database (and its client_id) before any child runs.
  for (const f of dbs) openLocalDb(f).close();
  const acked = dbs.map(() => new Set<number>());
  const result: FaultRunResult = { runs: 0, kills: 0, kills_after_commit: 0, cuts: 0, lost: 0, duplicated: 0, reordered: 0, stuck: 0 };
  const pg = await startPostgres();
  let proxy: FaultProxy | null = null;
  try {
    proxy = await startFaultProxy({ host: pg.db.host, port: pg.db.port });
    const p = proxy;
    const childCfg = (db: string, from: number, count: number, batchRows: number): ChildConfig => ({
      db,
      pg: pg.connection({ host: p.host, port: p.port }),
      from,
      count,
      batchRows,
      pauseMs: 30,
      drainTimeoutMs: 60_000,
      leaseS: 1,
      waitInbox: 0,
      logFile: path.join(dir, 'child.log'),
    });
    const runs = opts.plans?.length ?? opts.runs;
    for (let r = 0; r < runs; r++) {
      const plan = opts.plans?.[r] ?? randomPlan(rand, r, clients);
      const db = dbs[plan.client % clients]!;
      const timers: NodeJS.Timeout[] = [];
      const failpoint = plan.kill.kind === 'failpoint' ? `${plan.kill.point}@${plan.kill.hit}` : undefined;
      let cut = false;
      const child = runSyncChild(childCfg(db, (r + 1) * TOKENS_PER_RUN, plan.count, plan.batchRows), {
        failpoint,
        onReady: () => {
          if (plan.kill.kind === 'random') timers.push(setTimeout(() => child.kill(), plan.kill.afterMs));
          const c = plan.cut;
          if (c.kind === 'reset-mid-batch') {
            p.resetAfterBytes(c.bytes);
            cut = true;
          } else if (c.kind === 'drop' || c.kind === 'blackhole') {
            timers.push(
              setTimeout(() => {
                if (c.kind === 'drop') p.drop();
                else p.blackhole();
                cut = true;
                timers.push(setTimeout(() => p.heal(), c.forMs));
              }, c.atMs),
            );
          }
        },
        onExit: () => timers.forEach(clearTimeout),
      });
      const out = await child.done;
      p.heal();
      p.resetAfterBytes(null);
      for (const n of out.acked) acked[plan.client % clients]!.add(n);
      result.runs++;
      if (cut) result.cuts++;
      let afterCommit = false;
      if (out.killed) {
        result.kills++;
        const local = localSummary(db);
        afterCommit = (await serverLastSeq(pg, local.clientId)) > local.processedMax;
        if (afterCommit) result.kills_after_commit++;
      }
      log(`run ${r + 1}/${runs}: ${plan.count} events, batch ${plan.batchRows}, kill ${plan.kill.kind}${failpoint ? ` ${failpoint}` : ''}${out.killed ? ' (killed' + (afterCommit ? ', after commit)' : ')') : ''}, cut ${plan.cut.kind}${cut ? '' : plan.cut.kind === 'none' ? '' : ' (not reached)'}${out.drained ? ', drained' : ''}`);
    }

    // Restart every client with no fault and let it drain: the full drain after the faults.
    for (const db of dbs) {
      const out = await runSyncChild(childCfg(db, 0, 0, 5000)).done;
      if (!out.drained) throw new Error(`the final drain of ${db} did not finish`);
    }

    const records: ClientRecord[] = dbs.map((file, i) => {
      const db = new Database(file, { readonly: true });
      try {
        const clientId = (db.prepare(`SELECT value FROM meta WHERE key = 'client_id'`).get() as { value: string }).value;
        const rows = db.prepare(`SELECT seq, json_extract(payload, '$.n') AS n, state FROM outbox ORDER BY seq`).all() as { seq: number; n: number; state: string }[];
        return { clientId, acked: acked[i]!, local: rows };
      } finally {
        db.close();
      }
    });
    const server = await pg.query<{ client_id: string; seq: string; n: string }>(`SELECT client_id, seq, payload->>'n' AS n FROM events ORDER BY client_id, seq`);
    const events: ServerEvent[] = server.rows.map((e) => ({ clientId: e.client_id, seq: Number(e.seq), n: Number(e.n) }));
    Object.assign(result, checkQueue(records, events));
    return result;
  } finally {
    await proxy?.close();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
