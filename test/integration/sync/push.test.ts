// Push against a real PostgreSQL: exactly once and in order, resends after a lost answer, gaps refused, rows the
// server refuses rejected and the queue moving on, retry-dead applying an event at most once.
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchRows, pushLiterals, toBatch } from '../../../main/core/outbox/store.js';
import { preparePush, pushBatch } from '../../../main/core/sync/server-api.js';
import { describeWith } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { makeDesk, needsPostgres, serverEvents, type Desk } from './fixture.js';

describeWith(needsPostgres, 'sync push (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  const desks: Desk[] = [];
  const desk = (opts: Partial<Parameters<typeof makeDesk>[0]> = {}) => {
    const d = makeDesk({ pool: () => pgc.pool(), ...opts });
    desks.push(d);
    return d;
  };

  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterAll(async () => {
    for (const d of desks) await d.close();
    await pgc?.stop();
  });

  it('delivers every appended event exactly once, in seq order, across batches; a second sync sends nothing', async () => {
    const d = desk({ options: { batchRows: 100 } });
    // One local transaction: per-append durability is not what this test is about, and it saves 1,234 fsyncs.
    const appended = d.outbox.transaction(() => Array.from({ length: 1234 }, (_, i) => d.outbox.append('test.event', { i })));
    const r = await d.service.syncOnce();
    expect(r).toMatchObject({ pushed: 1234, rejected: 0, lastSeq: 1234 });
    const rows = await serverEvents(pgc, d.outbox.clientId);
    expect(rows.map((x) => x.eventId)).toEqual(appended.map((a) => a.eventId));
    expect(rows.map((x) => x.seq)).toEqual(appended.map((a) => a.seq));
    expect(rows.map((x) => (x.payload as { i: number }).i)).toEqual(appended.map((_, i) => i));
    expect(d.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
    expect(d.outbox.counts().lastSuccessAt).not.toBeNull();
    expect((await d.service.syncOnce()).pushed).toBe(0);
    expect(await serverEvents(pgc, d.outbox.clientId)).toHaveLength(1234);
  });

  it('carries payloads and kinds byte for byte, quotes, backslashes, braces, NULL and emoji included', async () => {
    const d = desk();
    const tricky = [
      { s: 'a"b\\c{d},e', t: 'NULL', u: 'ünïcødé 🚀', n: null, nested: { q: '"\'\'"', arr: ['{', '}', ','] } },
      'NULL',
      '',
      ['\n\t', 1.5, -0, 1e300],
    ];
    d.outbox.append('null', tricky[0]);
    for (const p of tricky.slice(1)) d.outbox.append('test.event', p);
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 4, rejected: 0 });
    const rows = await serverEvents(pgc, d.outbox.clientId);
    expect(rows.map((r) => r.kind)).toEqual(['null', 'test.event', 'test.event', 'test.event']);
    expect(rows.map((r) => r.payload)).toEqual(tricky.map((p) => JSON.parse(JSON.stringify(p))));
  });

  it('applies a batch sent twice (its first answer lost) once, and answers the same last_seq', async () => {
    const d = desk();
    for (let i = 0; i < 10; i++) d.outbox.append('test.event', { i });
    const batch = batchRows(d.outbox.nextBatch({ maxRows: 100, maxBytes: 1 << 20 }));
    const c = new pg.Client(pgc.connection());
    await c.connect();
    try {
      expect(await pushBatch(c, preparePush(d.outbox.clientId, pushLiterals(toBatch(batch.slice(0, 6)))))).toEqual({ lastSeq: 6, rejected: [] });
      // The answer to the first push was lost: the desktop sends from the same start again, with more rows.
      expect(await pushBatch(c, preparePush(d.outbox.clientId, pushLiterals(toBatch(batch))))).toEqual({ lastSeq: 10, rejected: [] });
      expect(await pushBatch(c, preparePush(d.outbox.clientId, pushLiterals(toBatch(batch))))).toEqual({ lastSeq: 10, rejected: [] });
    } finally {
      await c.end();
    }
    expect((await serverEvents(pgc, d.outbox.clientId)).map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses a batch that would leave a gap in the seqs, applying none of it', async () => {
    const d = desk();
    for (let i = 0; i < 5; i++) d.outbox.append('test.event', { i });
    const batch = batchRows(d.outbox.nextBatch({ maxRows: 100, maxBytes: 1 << 20 }));
    const c = new pg.Client(pgc.connection());
    await c.connect();
    try {
      await expect(pushBatch(c, preparePush(d.outbox.clientId, pushLiterals(toBatch(batch.slice(2)))))).rejects.toMatchObject({ code: 'JT001' });
      await expect(pushBatch(c, preparePush(d.outbox.clientId, pushLiterals(toBatch([batch[0]!, batch[2]!]))))).rejects.toMatchObject({ code: 'JT001' });
    } finally {
      await c.end();
    }
    expect(await serverEvents(pgc, d.outbox.clientId)).toEqual([]);
  });

  it('rejects a row PostgreSQL refuses (22P05), keeps it verbatim in events_rejected, marks it dead, and moves on', async () => {
    const d = desk();
    const ok1 = d.outbox.append('test.event', { text: 'fine' });
    const bad = d.outbox.append('test.event', { text: 'nul \u0000 inside' });
    const ok2 = d.outbox.append('test.event', { text: 'also fine' });
    const r = await d.service.syncOnce();
    expect(r).toMatchObject({ pushed: 2, rejected: 1, lastSeq: 3 });
    expect((await serverEvents(pgc, d.outbox.clientId)).map((x) => x.eventId)).toEqual([ok1.eventId, ok2.eventId]);
    const rej = await pgc.query<{ seq: string; event_id: string; sqlstate: string; payload: string }>('SELECT seq, event_id, sqlstate, payload FROM events_rejected WHERE client_id = $1', [d.outbox.clientId]);
    expect(rej.rows).toEqual([{ seq: String(bad.seq), event_id: bad.eventId, sqlstate: '22P05', payload: JSON.stringify({ text: 'nul \u0000 inside' }) }]);
    expect(d.outbox.detail()).toMatchObject({ pending: 0, dead: 1, sent: 2 });
    expect(d.logs.some((l) => l.includes('the server rejected an event') && l.includes('22P05'))).toBe(true);
    // Still refused after retry-dead: it is re-queued under a new seq and rejected again, and nothing else moves.
    expect(d.outbox.retryDead()).toBe(1);
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 0, rejected: 1, lastSeq: 4 });
  });

  it('rejects a row a server constraint refuses (23514); after the rule is relaxed, retry-dead applies it exactly once', async () => {
    const d = desk();
    await pgc.query(`ALTER TABLE events ADD CONSTRAINT no_forbidden CHECK (kind <> 'test.forbidden')`);
    let forbiddenId = '';
    try {
      d.outbox.append('test.event', { i: 1 });
      forbiddenId = d.outbox.append('test.forbidden', { i: 2 }).eventId;
      d.outbox.append('test.event', { i: 3 });
      expect(await d.service.syncOnce()).toMatchObject({ pushed: 2, rejected: 1 });
      expect(d.outbox.detail().dead).toBe(1);
      expect(d.outbox.detail().lastError).toBeNull();
    } finally {
      await pgc.query('ALTER TABLE events DROP CONSTRAINT no_forbidden');
    }
    expect(d.outbox.retryDead()).toBe(1);
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 1, rejected: 0, lastSeq: 4 });
    const rows = await serverEvents(pgc, d.outbox.clientId);
    expect(rows.map((x) => [x.seq, x.kind])).toEqual([
      [1, 'test.event'],
      [3, 'test.event'],
      [4, 'test.forbidden'],
    ]);
    // The same event id travelled both times: rejected under seq 2, applied under seq 4.
    expect(rows.find((x) => x.kind === 'test.forbidden')!.eventId).toBe(forbiddenId);
    const rejected = await pgc.query<{ seq: string; event_id: string; sqlstate: string }>('SELECT seq, event_id, sqlstate FROM events_rejected WHERE client_id = $1', [d.outbox.clientId]);
    expect(rejected.rows).toEqual([{ seq: '2', event_id: forbiddenId, sqlstate: '23514' }]);
  });

  it('never applies an event twice: a row re-queued after it did reach the server is skipped by its event id', async () => {
    const d = desk();
    const a = d.outbox.append('test.event', { i: 1 });
    await d.service.syncOnce();
    // As if the desktop had wrongly given up on it: dead locally although the server has it.
    d.local.db.prepare(`UPDATE outbox SET state = 'dead' WHERE seq = ?`).run(a.seq);
    expect(d.outbox.retryDead()).toBe(1);
    expect(await d.service.syncOnce()).toMatchObject({ lastSeq: 2 });
    const rows = await serverEvents(pgc, d.outbox.clientId);
    expect(rows.map((x) => [x.seq, x.eventId])).toEqual([[1, a.eventId]]);
    expect(d.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('renumbers when the desktop database is restored from an old backup: nothing lost, nothing applied twice', async () => {
    const d = desk();
    const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => d.outbox.append('test.event', { tag, i }).eventId);
    const synced = ids(5, 'synced');
    await d.service.syncOnce();
    const pendingAtBackup = ids(3, 'pending-at-backup');
    const backup = `${d.file}.backup`;
    d.local.db.exec(`VACUUM INTO '${backup}'`);
    await d.service.syncOnce();
    const later = ids(4, 'later');
    await d.service.syncOnce();
    // The disk dies; the desktop comes back from the backup, whose next seqs the server already holds.
    await d.close();
    desks.splice(desks.indexOf(d), 1);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${d.file}${suffix}`, { force: true });
    fs.copyFileSync(backup, d.file);
    const back = desk({ file: d.file });
    expect(back.outbox.clientId).toBe(d.outbox.clientId);
    const afterRestore = Array.from({ length: 2 }, (_, i) => back.outbox.append('test.event', { tag: 'after-restore', i }).eventId);
    expect(back.outbox.nextBatch({ maxRows: 10, maxBytes: 1 << 20 }).seqs).toEqual([6, 7, 8, 9, 10]);
    await back.service.syncOnce();
    const rows = await serverEvents(pgc, back.outbox.clientId);
    expect(rows.map((r) => r.eventId).sort()).toEqual([...synced, ...pendingAtBackup, ...later, ...afterRestore].sort());
    expect(rows.slice(-2).map((r) => r.eventId)).toEqual(afterRestore);
    expect(back.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
    expect(back.logs.some((l) => l.includes('went back in time'))).toBe(true);
  });

  it('sends again what a VPS restored from a backup lost, while this desktop still keeps those rows', async () => {
    const d = desk();
    const before = Array.from({ length: 10 }, (_, i) => d.outbox.append('test.event', { i }).eventId);
    await d.service.syncOnce();
    // The VPS database comes back from a backup taken after seq 6.
    await pgc.query('DELETE FROM events WHERE client_id = $1 AND seq > 6', [d.outbox.clientId]);
    await pgc.query('UPDATE sync_clients SET last_seq = 6 WHERE client_id = $1', [d.outbox.clientId]);
    const after = Array.from({ length: 2 }, (_, i) => d.outbox.append('test.event', { j: i }).eventId);
    expect(await d.service.syncOnce()).toMatchObject({ lastSeq: 12 });
    const rows = await serverEvents(pgc, d.outbox.clientId);
    expect(rows.map((r) => r.eventId)).toEqual([...before, ...after]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(d.logs.some((l) => l.includes('the VPS database went back in time'))).toBe(true);
  });

  it('keeps the rows and says why when the events a restored VPS lost were already pruned here', async () => {
    const d = desk();
    for (let i = 0; i < 5; i++) d.outbox.append('test.event', { i });
    await d.service.syncOnce();
    expect(d.outbox.prune(0, new Date(Date.now() + 60_000))).toBe(5);
    await pgc.query('DELETE FROM events WHERE client_id = $1 AND seq > 2', [d.outbox.clientId]);
    await pgc.query('UPDATE sync_clients SET last_seq = 2 WHERE client_id = $1', [d.outbox.clientId]);
    d.outbox.append('test.event', { i: 5 });
    await expect(d.service.syncOnce()).rejects.toMatchObject({ name: 'SyncError', message: expect.stringContaining('missing'), fix: expect.stringContaining('restored') });
    expect(d.outbox.detail()).toMatchObject({ pending: 1, lastError: expect.stringContaining('missing') });
  });

  it('answers a user who runs `sync once` with no reachable server with a SyncError and its fix, losing nothing', async () => {
    const d = desk({ pool: () => new pg.Pool({ ...pgc.connection({ port: 1 }), connectionTimeoutMillis: 2000 }) });
    d.outbox.append('test.event', { i: 1 });
    await expect(d.service.syncOnce()).rejects.toMatchObject({ name: 'SyncError', fix: expect.stringContaining('retried automatically') });
    expect(d.outbox.detail()).toMatchObject({ pending: 1, lastError: expect.stringContaining('ECONNREFUSED') });
  });

  it('refuses a wrong password with a fix that names the secret, and keeps the rows', async () => {
    const d = desk({ pool: () => new pg.Pool({ ...pgc.connection(), password: 'wrong' }) });
    d.outbox.append('test.event', { i: 1 });
    await expect(d.service.syncOnce()).rejects.toMatchObject({ name: 'SyncError', fix: expect.stringContaining('postgres.password') });
    expect(d.outbox.counts().pending).toBe(1);
  });
});
