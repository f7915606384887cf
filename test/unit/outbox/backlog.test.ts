// A big backlog in bounded work: the counts the triggers keep match a full count after every kind of write, every
// query the outbox runs per status, poll or batch reaches its rows through an index (no scan of the outbox table),
// a database from before the counts (schema 1) is migrated with its counts right, and renumbering moves a chunk at a time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openLocalDb, openLocalDbToRead, type LocalDb } from '../../../main/core/db/local-db.js';
import { DatabaseError } from '../../../main/core/db/errors.js';
import { loadMigrations, migrationsDir } from '../../../main/core/db/resources.js';
import { Outbox, OUTBOX_SQL, pushLiterals } from '../../../main/core/outbox/store.js';

const dirs: string[] = [];
const opened: LocalDb[] = [];
afterEach(() => {
  for (const l of opened.splice(0)) if (l.db.open) l.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tmpFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-backlog-'));
  dirs.push(dir);
  return path.join(dir, 'jett.db');
}

function open(file = tmpFile(), migrations = loadMigrations(migrationsDir('local'))): { local: LocalDb; outbox: Outbox; file: string } {
  const local = openLocalDb(file, { migrations });
  opened.push(local);
  return { local, outbox: new Outbox(local), file };
}

/** The counts by a full scan: the truth the maintained counts must equal. */
function truth(local: LocalDb): { pending: number; sent: number; dead: number } {
  const n = (state: string) => (local.db.prepare('SELECT count(*) AS n FROM outbox WHERE state = ?').get(state) as { n: number }).n;
  return { pending: n('pending'), sent: n('sent'), dead: n('dead') };
}

function counted(outbox: Outbox): { pending: number; sent: number; dead: number } {
  const d = outbox.detail();
  return { pending: d.pending, sent: d.sent, dead: d.dead };
}

/** Every line of EXPLAIN QUERY PLAN for a statement (parameters bound to harmless values). */
function plan(local: LocalDb, sql: string): string[] {
  const stmt = local.db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1);
  return (stmt.all(...params) as { detail: string }[]).map((r) => r.detail);
}

describe('outbox counts kept by triggers', () => {
  it('equal a full count after appends, marks, rejections, failures, retry-dead, renumbering, resending and pruning', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const local = openLocalDb(tmpFile());
    opened.push(local);
    const outbox = new Outbox(local, { clock: () => new Date(now) });
    const check = () => expect(counted(outbox)).toEqual(truth(local));

    for (let i = 0; i < 50; i++) outbox.append('test.event', { i });
    check();
    outbox.markPushed({ lastSeq: 20, rejected: [{ seq: 5, sqlstate: '22P02', error: 'bad' }, { seq: 7, sqlstate: '22P02', error: 'bad' }] }, new Date(now));
    expect(counted(outbox)).toEqual({ pending: 30, sent: 18, dead: 2 });
    check();
    outbox.recordFailure(21, 'connection refused', new Date(now + 1000));
    check();
    expect(outbox.retryDead()).toBe(2);
    expect(counted(outbox)).toEqual({ pending: 32, sent: 18, dead: 0 });
    check();
    expect(outbox.renumberPending(100)).toBe(32);
    check();
    expect(outbox.resendAfter(10)).toBe(10);
    check();
    outbox.markPushed({ lastSeq: Number.MAX_SAFE_INTEGER, rejected: [] }, new Date(now));
    expect(counted(outbox)).toEqual({ pending: 0, sent: 50, dead: 0 });
    now += 8 * 86_400_000;
    expect(outbox.prune(7)).toBe(50);
    expect(counted(outbox)).toEqual({ pending: 0, sent: 0, dead: 0 });
    check();
    // A transaction that fails takes its count changes with it.
    expect(() =>
      outbox.transaction(() => {
        outbox.append('test.event', { lost: true });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    check();
  });

  it('report the head of the backlog: the oldest pending row and its last error', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { outbox } = (() => {
      const local = openLocalDb(tmpFile());
      opened.push(local);
      return { outbox: new Outbox(local, { clock: () => new Date(now) }) };
    })();
    outbox.append('test.event', { i: 0 });
    now += 60_000;
    const second = outbox.append('test.event', { i: 1 });
    outbox.markPushed({ lastSeq: 1, rejected: [] }, new Date(now));
    outbox.recordFailure(second.seq, 'the VPS did not answer', new Date(now + 1000));
    now += 30_000;
    expect(outbox.detail()).toMatchObject({ pending: 1, sent: 1, dead: 0, oldestPendingAgeS: 30, lastError: 'the VPS did not answer' });
  });
});

describe('outbox queries on a big backlog', () => {
  it('each reaches its rows through an index or the counts row: EXPLAIN QUERY PLAN shows no scan of the outbox table', () => {
    const { local, outbox } = open();
    // Walking a partial index from its start is fine only where the query stops at the head (LIMIT 1: the oldest
    // pending row) or reads the dead rows, which are few; a sort in a temporary b-tree would read every row first.
    const walksIndex = new Set(['counts', 'prune', 'dead']);
    const checkPlans = () => {
      for (const [name, sql] of Object.entries(OUTBOX_SQL)) {
        if (name === 'insert') continue;
        const lines = plan(local, sql);
        expect(lines.length, name).toBeGreaterThan(0);
        for (const line of lines) {
          expect(line, `${name}: ${line}`).not.toMatch(/^SCAN (outbox|o)$|TEMP B-TREE FOR (ORDER BY|GROUP BY|DISTINCT)/);
          // The push's array literals sort its own rows (at most one batch) to keep them in seq order.
          if (/TEMP B-TREE/.test(line)) expect(`${name}: ${line}`).toMatch(/^push: USE TEMP B-TREE FOR group_concat\(ORDER BY\)$/);
          if (/^SCAN outbox\b/.test(line)) {
            expect(line, `${name}: ${line}`).toMatch(/^SCAN outbox USING (COVERING )?INDEX outbox_(pending|dead)$/);
            expect(walksIndex.has(name), `${name} walks an index from its start: ${line}`).toBe(true);
          }
        }
      }
      expect(plan(local, OUTBOX_SQL.counts).join('\n')).toMatch(/SEARCH c USING INTEGER PRIMARY KEY/);
      expect(plan(local, OUTBOX_SQL.push).join('\n')).toMatch(/SEARCH outbox USING (COVERING )?INDEX outbox_pending \(seq>\?\)/);
      expect(plan(local, OUTBOX_SQL.batch).join('\n')).toMatch(/SEARCH outbox USING (COVERING )?INDEX outbox_pending \(seq>\?\)/);
      expect(plan(local, OUTBOX_SQL.markSent).join('\n')).toMatch(/SEARCH outbox USING (COVERING )?INDEX outbox_pending \(seq<\?\)/);
      expect(plan(local, OUTBOX_SQL.prune).join('\n')).toMatch(/SEARCH outbox USING INTEGER PRIMARY KEY \(rowid<\?\)/);
    };
    expect(OUTBOX_SQL.counts.match(/ORDER BY seq LIMIT 1/g)).toHaveLength(2);
    expect(OUTBOX_SQL.prune).toMatch(/ORDER BY seq LIMIT 1/);
    // Without statistics (as the agent runs), then with statistics that make the primary key look cheaper: a week
    // of sent rows below a few pending ones.
    checkPlans();
    outbox.transaction(() => {
      for (let i = 0; i < 2000; i++) outbox.append('test.event', { i });
    });
    outbox.markPushed({ lastSeq: 1990, rejected: [{ seq: 3, sqlstate: '22P02', error: 'bad' }] }, new Date());
    local.db.exec('ANALYZE');
    checkPlans();
  });

  it('a push batch built in SQL holds the rows nextBatch reads, quoted and escaped as the JS literals are', () => {
    const { outbox } = open();
    const tricky = ['plain', 'quote " and backslash \\', '{braces}, commas', 'NULL', 'emoji 😀 and ü', '\\"', ''];
    outbox.transaction(() => {
      for (let i = 0; i < 60; i++) outbox.append(i % 2 ? 'test.event' : 'voice.transcript', { i, text: tricky[i % tricky.length], list: [i, null] });
    });
    for (const limits of [{ maxRows: 60, maxBytes: 1 << 20 }, { maxRows: 7, maxBytes: 1 << 20 }, { maxRows: 60, maxBytes: 1000 }, { maxRows: 60, maxBytes: 1 }]) {
      for (const after of [0, 13, 59, 60]) {
        const js = pushLiterals(outbox.nextBatch(limits, after));
        const sql = outbox.nextPush(limits, after);
        if (js.length === 0) expect(sql).toMatchObject({ length: 0, lastSeq: after, bytes: 0 });
        else expect(sql, JSON.stringify({ limits, after })).toEqual(js);
      }
    }
  });

  it('pruning reads no pending row: it stops at the first pending seq', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const local = openLocalDb(tmpFile());
    opened.push(local);
    const outbox = new Outbox(local, { clock: () => new Date(now) });
    for (let i = 0; i < 30; i++) outbox.append('test.event', { i });
    outbox.markPushed({ lastSeq: 10, rejected: [] }, new Date(now));
    now += 8 * 86_400_000;
    expect(outbox.prune(7)).toBe(10);
    expect(truth(local)).toEqual({ pending: 20, sent: 0, dead: 0 });
  });

  it('renumbering a backlog keeps order and event ids, and reads it a chunk at a time (never the whole backlog)', () => {
    const { local, outbox } = open();
    const ids = outbox.transaction(() => Array.from({ length: 2500 }, (_, i) => outbox.append('test.event', { i }).eventId));
    const reads: number[] = [];
    const nextBatch = outbox.nextBatch.bind(outbox);
    outbox.nextBatch = (limits, after) => {
      const b = nextBatch(limits, after);
      reads.push(b.length);
      return b;
    };
    expect(outbox.renumberPending(10_000)).toBe(2500);
    expect(Math.max(...reads)).toBeLessThanOrEqual(1000);
    const rows = local.db.prepare(`SELECT seq, event_id AS id, json_extract(payload, '$.i') AS i FROM outbox ORDER BY seq`).all() as { seq: number; id: string; i: number }[];
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.map((r) => r.i)).toEqual(ids.map((_, i) => i));
    expect(rows[0]!.seq).toBe(10_001);
    expect(rows.at(-1)!.seq).toBe(12_500);
    expect(counted(outbox)).toEqual({ pending: 2500, sent: 0, dead: 0 });
  });
});

describe('migrating a database made before the counts (schema 1)', () => {
  it('counts its rows by state once, then keeps them, and the rows are untouched', () => {
    const migrations = loadMigrations(migrationsDir('local'));
    const file = tmpFile();
    const old = openLocalDb(file, { migrations: migrations.slice(0, 1) });
    expect(old.version).toBe(1);
    expect(old.db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'outbox_counts'`).get()).toEqual({ n: 0 });
    const insert = old.db.prepare(`INSERT INTO outbox (event_id, kind, payload, created_at) VALUES (?, 'test.event', ?, ?)`);
    for (let i = 0; i < 40; i++) insert.run(`00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, JSON.stringify({ i }), 1000 + i);
    old.db.prepare(`UPDATE outbox SET state = 'sent', sent_at = 1 WHERE seq <= 25`).run();
    old.db.prepare(`UPDATE outbox SET state = 'dead', last_error = 'x' WHERE seq IN (30, 31, 32)`).run();
    const before = old.db.prepare('SELECT * FROM outbox ORDER BY seq').all();
    const clientId = old.clientId;
    old.close();

    const { local, outbox } = open(file, migrations);
    expect(local.version).toBe(migrations.at(-1)!.version);
    expect(local.clientId).toBe(clientId);
    expect(local.db.prepare('SELECT * FROM outbox ORDER BY seq').all()).toEqual(before);
    expect(counted(outbox)).toEqual({ pending: 12, sent: 25, dead: 3 });
    outbox.append('test.event', { after: true });
    outbox.markPushed({ lastSeq: 41, rejected: [] }, new Date());
    expect(counted(outbox)).toEqual(truth(local));
    expect(counted(outbox)).toEqual({ pending: 0, sent: 38, dead: 3 });
  });

  it('counts an empty old database as zero', () => {
    const migrations = loadMigrations(migrationsDir('local'));
    const file = tmpFile();
    openLocalDb(file, { migrations: migrations.slice(0, 1) }).close();
    const { outbox } = open(file, migrations);
    expect(counted(outbox)).toEqual({ pending: 0, sent: 0, dead: 0 });
  });
});

describe('opening the database to read the status (`jett outbox status`)', () => {
  it('opens a current database read-only and reads the same status, without writing a byte', () => {
    const { local, outbox, file } = open();
    for (let i = 0; i < 30; i++) outbox.append('test.event', { i });
    outbox.markPushed({ lastSeq: 10, rejected: [] }, new Date());
    const expected = outbox.detail();
    local.close();
    const before = fs.readFileSync(file);
    const ro = openLocalDbToRead(file);
    opened.push(ro);
    expect(ro.db.readonly).toBe(true);
    expect(ro.clientId).toBe(local.clientId);
    const { oldestPendingAgeS: _age, ...rest } = new Outbox(ro).detail();
    const { oldestPendingAgeS: _expectedAge, ...expectedRest } = expected;
    expect(rest).toEqual(expectedRest);
    ro.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('migrates an old-schema database first (it cannot be read as it is), and creates a missing one', () => {
    const migrations = loadMigrations(migrationsDir('local'));
    const file = tmpFile();
    openLocalDb(file, { migrations: migrations.slice(0, 1) }).close();
    const local = openLocalDbToRead(file);
    opened.push(local);
    expect(local.version).toBe(migrations.at(-1)!.version);
    expect(new Outbox(local).detail()).toMatchObject({ pending: 0, sent: 0, dead: 0 });
    const fresh = openLocalDbToRead(tmpFile());
    opened.push(fresh);
    expect(new Outbox(fresh).detail().pending).toBe(0);
  });

  it('refuses a file that is not SQLite or is from a newer Jett, as the full open does, and leaves it untouched', () => {
    const garbage = tmpFile();
    fs.writeFileSync(garbage, 'not a database\n'.repeat(50));
    expect(() => openLocalDbToRead(garbage)).toThrow(DatabaseError);
    expect(fs.readFileSync(garbage, 'utf8')).toBe('not a database\n'.repeat(50));

    const { local, file } = open();
    local.close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openLocalDbToRead(file)).toThrow(/schema version 99, newer than this Jett understands/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
