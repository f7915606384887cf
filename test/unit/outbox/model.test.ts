// Model-based test of the outbox state machine (fast-check): random sequences of append, push outcomes, retry-dead,
// renumbering, prune and reopen against a real SQLite file, compared after every step with a plain in-memory model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { batchRows, Outbox } from '../../../main/core/outbox/store.js';

type RowState = 'pending' | 'sent' | 'dead';
interface ModelRow {
  eventId: string | null;
  n: number;
  state: RowState;
}
interface Model {
  rows: ModelRow[];
  next: number;
}
interface Real {
  file: string;
  local: LocalDb;
  outbox: Outbox;
  now: number;
  clientId: string;
}

const ALL = { maxRows: 1_000_000, maxBytes: 1 << 30 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-model-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(m: Model, r: Real): void {
  const pending = batchRows(r.outbox.nextBatch(ALL));
  const expected = m.rows.filter((x) => x.state === 'pending');
  // Pending rows leave in append order (a re-queued row counts from its re-queue), seqs strictly increasing.
  expect(pending.map((p) => (JSON.parse(p.payload) as { n: number }).n)).toEqual(expected.map((x) => x.n));
  for (let i = 1; i < pending.length; i++) expect(pending[i]!.seq).toBeGreaterThan(pending[i - 1]!.seq);
  for (const [i, x] of expected.entries()) if (x.eventId) expect(pending[i]!.eventId).toBe(x.eventId);
  const d = r.outbox.detail(new Date(r.now));
  expect(d.pending).toBe(expected.length);
  expect(d.dead).toBe(m.rows.filter((x) => x.state === 'dead').length);
  expect(d.sent).toBe(m.rows.filter((x) => x.state === 'sent').length);
  expect(r.local.clientId).toBe(r.clientId);
}

class Append implements fc.Command<Model, Real> {
  constructor(readonly size: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const n = m.next++;
    const a = r.outbox.append('model.event', { n, pad: 'p'.repeat(this.size) });
    m.rows.push({ eventId: a.eventId, n, state: 'pending' });
    check(m, r);
  }
  toString = () => `append(${this.size})`;
}

/** The server applied the first `take` pending rows and rejected those whose index is in `rejects`. */
class PushOk implements fc.Command<Model, Real> {
  constructor(
    readonly take: number,
    readonly rejects: number[],
  ) {}
  check = (m: Readonly<Model>) => m.rows.some((x) => x.state === 'pending');
  run(m: Model, r: Real): void {
    const batch = batchRows(r.outbox.nextBatch({ maxRows: this.take, maxBytes: 1 << 30 }));
    const rejected = batch.filter((_, i) => this.rejects.includes(i)).map((b) => ({ seq: b.seq, sqlstate: '22P05', error: 'refused' }));
    r.now += 1000;
    r.outbox.markPushed({ lastSeq: batch.at(-1)!.seq, rejected }, new Date(r.now));
    const pendingIdx = m.rows.map((x, i) => (x.state === 'pending' ? i : -1)).filter((i) => i >= 0);
    pendingIdx.slice(0, batch.length).forEach((rowIdx, i) => (m.rows[rowIdx]!.state = this.rejects.includes(i) ? 'dead' : 'sent'));
    check(m, r);
  }
  toString = () => `pushOk(${this.take}, rejects=${this.rejects.join('/')})`;
}

/** A push failed (or its answer was lost): nothing changes locally, and the rows go again. */
class PushFailed implements fc.Command<Model, Real> {
  check = (m: Readonly<Model>) => m.rows.some((x) => x.state === 'pending');
  run(m: Model, r: Real): void {
    const head = r.outbox.nextBatch({ maxRows: 1, maxBytes: 0 }).seqs[0]!;
    r.outbox.recordFailure(head, 'connection reset', new Date(r.now + 500));
    expect(r.outbox.detail().lastError).toBe('connection reset');
    check(m, r);
  }
  toString = () => 'pushFailed';
}

class RetryDead implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    const dead = m.rows.filter((x) => x.state === 'dead');
    expect(r.outbox.retryDead()).toBe(dead.length);
    m.rows = [...m.rows.filter((x) => x.state !== 'dead'), ...dead.map((x) => ({ ...x, state: 'pending' as const }))];
    check(m, r);
  }
  toString = () => 'retryDead';
}

/** The database went back in time: pending rows move above the server's last_seq, in order, ids kept. */
class Renumber implements fc.Command<Model, Real> {
  constructor(readonly gap: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const max = (r.local.db.prepare('SELECT coalesce(max(seq), 0) AS m FROM outbox').get() as { m: number }).m;
    const pending = m.rows.filter((x) => x.state === 'pending').length;
    expect(r.outbox.renumberPending(max + this.gap)).toBe(pending);
    if (pending > 0) expect(r.outbox.nextBatch({ maxRows: 1, maxBytes: 0 }).seqs[0]).toBe(max + this.gap + 1);
    check(m, r);
  }
  toString = () => `renumber(+${this.gap})`;
}

class Prune implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    r.now += 86_400_000;
    const sent = m.rows.filter((x) => x.state === 'sent').length;
    expect(r.outbox.prune(0.5, new Date(r.now))).toBe(sent);
    m.rows = m.rows.filter((x) => x.state !== 'sent');
    check(m, r);
  }
  toString = () => 'prune';
}

class Reopen implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    r.local.close();
    r.local = openLocalDb(r.file);
    r.outbox = new Outbox(r.local, { clock: () => new Date(r.now) });
    check(m, r);
  }
  toString = () => 'reopen';
}

describe('outbox state machine', () => {
  it('matches the model for any sequence of appends, push outcomes, retries, renumbering, prunes and reopens', () => {
    let runNo = 0;
    const commands = [
      fc.integer({ min: 0, max: 300 }).map((s) => new Append(s)),
      fc.tuple(fc.integer({ min: 1, max: 6 }), fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 3 })).map(([t, rj]) => new PushOk(t, rj)),
      fc.constant(new PushFailed()),
      fc.constant(new RetryDead()),
      fc.constant(new Prune()),
      fc.integer({ min: 0, max: 50 }).map((g) => new Renumber(g)),
      fc.constant(new Reopen()),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        const file = path.join(dir, `run${runNo++}.db`);
        const local = openLocalDb(file);
        const real: Real = { file, local, outbox: new Outbox(local, { clock: () => new Date(real.now) }), now: Date.parse('2026-01-01T00:00:00Z'), clientId: local.clientId };
        try {
          fc.modelRun(() => ({ model: { rows: [], next: 0 }, real }), cmds);
        } finally {
          real.local.close();
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 60 },
    );
  });
});
