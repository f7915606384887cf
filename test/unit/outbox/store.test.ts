// The local outbox store on a real SQLite file: durability settings, refused input, batches, marks, retry, prune.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { DatabaseError } from '../../../main/core/db/errors.js';
import { loadMigrations, migrationsDir } from '../../../main/core/db/resources.js';
import { OutboxError } from '../../../main/core/outbox/errors.js';
import { batchRows, MAX_PAYLOAD_BYTES, Outbox } from '../../../main/core/outbox/store.js';

const dirs: string[] = [];
const opened: LocalDb[] = [];
afterEach(() => {
  for (const l of opened.splice(0)) if (l.db.open) l.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tmpFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-outbox-'));
  dirs.push(dir);
  return path.join(dir, 'jett.db');
}

function open(file = tmpFile(), clock?: () => Date): { local: LocalDb; outbox: Outbox; file: string } {
  const local = openLocalDb(file);
  opened.push(local);
  return { local, outbox: new Outbox(local, { clock }), file };
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('local database', () => {
  it('runs in WAL mode with synchronous=FULL, at the latest schema version, with a client id that survives reopening', () => {
    const { local, file } = open();
    expect(local.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(local.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(local.version).toBe(loadMigrations(migrationsDir('local')).at(-1)!.version);
    expect(local.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const id = local.clientId;
    local.close();
    expect(open(file).local.clientId).toBe(id);
  });

  it('refuses a file that is not SQLite, says so with a fix, and leaves it byte for byte as it was', () => {
    const file = tmpFile();
    fs.writeFileSync(file, 'this is not a database, but it is somebody\'s file\n'.repeat(100));
    const before = sha(file);
    const err = (() => {
      try {
        openLocalDb(file);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).message).toContain('left untouched');
    expect((err as DatabaseError).fix).toContain('mv');
    expect(sha(file)).toBe(before);
  });

  it('refuses a SQLite file with damaged pages and leaves it untouched', () => {
    const { local, outbox, file } = open();
    for (let i = 0; i < 500; i++) outbox.append('test.event', { i, text: 'x'.repeat(200) });
    local.db.pragma('wal_checkpoint(TRUNCATE)');
    local.close();
    const buf = fs.readFileSync(file);
    // Keep the header, scribble over the pages after it.
    buf.fill(0xa5, 4096 * 2, 4096 * 6);
    fs.writeFileSync(file, buf);
    const before = sha(file);
    expect(() => openLocalDb(file)).toThrow(DatabaseError);
    expect(sha(file)).toBe(before);
  });

  it('refuses a database from a newer Jett and leaves it untouched', () => {
    const { local, file } = open();
    local.close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = sha(file);
    expect(() => openLocalDb(file)).toThrow(`schema version 99, newer than this Jett understands (${loadMigrations(migrationsDir('local')).at(-1)!.version})`);
    expect(sha(file)).toBe(before);
  });
});

describe('outbox', () => {
  it('appends durably in seq order with UUIDv7 event ids, and the rows survive reopening', () => {
    const { local, outbox, file } = open();
    const a = outbox.append('voice.transcript', { text: 'hello' });
    const b = outbox.append('voice.reply', { text: 'hi' });
    expect(b.seq).toBe(a.seq + 1);
    expect(a.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    local.close();
    const again = open(file).outbox;
    const rows = batchRows(again.nextBatch({ maxRows: 10, maxBytes: 1 << 20 }));
    expect(rows.map((r) => [r.seq, r.eventId, r.kind, JSON.parse(r.payload)])).toEqual([
      [a.seq, a.eventId, 'voice.transcript', { text: 'hello' }],
      [b.seq, b.eventId, 'voice.reply', { text: 'hi' }],
    ]);
  });

  it('refuses payloads that are not JSON-serialisable or over 1 MiB, and bad kinds, storing nothing', () => {
    const { outbox } = open();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: [string, unknown, RegExp][] = [
      ['test.event', cyclic, /not JSON-serialisable/],
      ['test.event', { n: 10n }, /not JSON-serialisable/],
      ['test.event', undefined, /not JSON-serialisable/],
      ['test.event', () => 1, /not JSON-serialisable/],
      ['test.event', { blob: 'x'.repeat(MAX_PAYLOAD_BYTES) }, /over the 1 MiB limit/],
      ['', {}, /kind "" is not valid/],
      ['Drop Table', {}, /is not valid/],
    ];
    for (const [kind, payload, msg] of bad) {
      expect(() => outbox.append(kind, payload)).toThrow(OutboxError);
      expect(() => outbox.append(kind, payload)).toThrow(msg);
    }
    expect(outbox.counts().pending).toBe(0);
    // Exactly at the limit is fine.
    const edge = 'y'.repeat(MAX_PAYLOAD_BYTES - 2);
    expect(outbox.append('test.event', edge).seq).toBe(1);
  });

  it('cuts batches by rows and by bytes, always at least one row, and reads after a given seq', () => {
    const { outbox } = open();
    for (let i = 0; i < 50; i++) outbox.append('test.event', { i, text: 'z'.repeat(10_000) });
    expect(outbox.nextBatch({ maxRows: 7, maxBytes: 1 << 20 })).toHaveLength(7);
    const byBytes = outbox.nextBatch({ maxRows: 5000, maxBytes: 35_000 });
    expect(byBytes).toHaveLength(3);
    expect(outbox.nextBatch({ maxRows: 5000, maxBytes: 1 })).toHaveLength(1);
    expect(outbox.nextBatch({ maxRows: 2, maxBytes: 1 << 20 }, 48).seqs).toEqual([49, 50]);
  });

  it('marks sent up to the server last_seq, rejected rows dead, and reports counts', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const { outbox } = open(undefined, () => now);
    for (let i = 0; i < 5; i++) outbox.append('test.event', { i });
    now = new Date('2026-01-01T00:00:10Z');
    expect(outbox.counts()).toEqual({ pending: 5, oldestPendingAgeS: 10, dead: 0, lastSuccessAt: null });
    const m = outbox.markPushed({ lastSeq: 3, rejected: [{ seq: 2, sqlstate: '22P05', error: 'unsupported Unicode escape sequence' }] }, now);
    expect(m).toEqual({ sent: 2, dead: 1 });
    const d = outbox.detail();
    expect(d).toMatchObject({ pending: 2, dead: 1, sent: 2, lastSuccessAt: '2026-01-01T00:00:10.000Z' });
    expect(outbox.nextBatch({ maxRows: 10, maxBytes: 1 << 20 }).seqs).toEqual([4, 5]);
  });

  it('retry-dead re-queues a dead row under a new seq with its old event id, and notifies listeners', () => {
    const { outbox } = open();
    const a = outbox.append('test.event', { i: 1 });
    outbox.append('test.event', { i: 2 });
    outbox.markPushed({ lastSeq: 2, rejected: [{ seq: 1, sqlstate: '23514', error: 'check' }] }, new Date());
    const seen: number[] = [];
    outbox.onAppend((x) => seen.push(x.seq));
    expect(outbox.retryDead()).toBe(1);
    const rows = batchRows(outbox.nextBatch({ maxRows: 10, maxBytes: 1 << 20 }));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.eventId).toBe(a.eventId);
    expect(rows[0]!.seq).toBe(3);
    expect(seen).toEqual([3]);
    expect(outbox.counts().dead).toBe(0);
    expect(outbox.retryDead()).toBe(0);
  });

  it('prunes sent rows past the retention and nothing else, and never reuses a pruned seq', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const { outbox } = open(undefined, () => now);
    for (let i = 0; i < 4; i++) outbox.append('test.event', { i });
    outbox.markPushed({ lastSeq: 2, rejected: [] }, now);
    now = new Date('2026-01-08T00:00:01Z');
    expect(outbox.prune(7)).toBe(2);
    expect(outbox.detail()).toMatchObject({ pending: 2, sent: 0 });
    outbox.markPushed({ lastSeq: 4, rejected: [] }, now);
    expect(outbox.prune(7)).toBe(0);
    expect(outbox.prune(0, new Date(now.getTime() + 1))).toBe(2);
    expect(outbox.append('test.event', {}).seq).toBe(5);
  });

  it('keeps sent memory items and tombstones the Qdrant projector has not applied yet, past the retention', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const { outbox, local } = open(undefined, () => now);
    outbox.append('memory.item', { id: 'm1' });
    outbox.append('test.event', { i: 1 });
    outbox.append('event.redact', { kind: 'memory.item', ids: ['m1'] });
    outbox.append('memory.item', { id: 'm2' });
    outbox.markPushed({ lastSeq: 4, rejected: [] }, now);
    now = new Date('2026-03-01T00:00:00Z');
    // No projection yet (no Qdrant key so far): only the plain event goes.
    expect(outbox.prune(7)).toBe(1);
    local.db.prepare('INSERT INTO memory_projection (id, cursor) VALUES (1, 3)').run();
    expect(outbox.prune(7)).toBe(2);
    expect(local.db.prepare('SELECT seq, kind FROM outbox').all()).toEqual([{ seq: 4, kind: 'memory.item' }]);
  });
});
