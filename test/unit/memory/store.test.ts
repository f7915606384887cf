// Memory in jett.db on a real SQLite file with sqlite-vec: items and their outbox events, private items kept local,
// the coarse-then-exact search against an exact scan, the recency window left out, forgetting in place, and the
// index rebuilt from the items when it is missing or of an earlier shape.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MEMORY_ITEM_KIND, MemoryItemEventSchema } from '../../../main/core/contracts/memory.js';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { MemoryStore } from '../../../main/core/memory/store.js';
import { MemoryIndexError } from '../../../main/core/memory/vector-index.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { prng } from '../../helpers/prng.js';
import { tempDir } from '../../helpers/tmp.js';

const opened: LocalDb[] = [];
afterEach(() => {
  for (const l of opened.splice(0)) if (l.db.open) l.close();
});

function open(file = `${tempDir()}/jett.db`): { local: LocalDb; outbox: Outbox; store: MemoryStore; file: string } {
  const local = openLocalDb(file);
  opened.push(local);
  const outbox = new Outbox(local);
  return { local, outbox, store: new MemoryStore(local.db, { outbox }), file };
}

/** Vectors around `topics` directions, as sentences about a few subjects embed. */
function vectors(n: number, seed: number, topics = 50): Float32Array[] {
  const r = prng(seed);
  const g = () => r() + r() + r() - 1.5;
  const centres = Array.from({ length: topics }, () => Float32Array.from({ length: 384 }, g));
  return Array.from({ length: n }, (_, i) => unit(Float32Array.from(centres[i % topics]!, (x) => x + g())));
}

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const outboxRows = (local: LocalDb) => local.db.prepare('SELECT kind, payload FROM outbox ORDER BY seq').all() as Array<{ kind: string; payload: string }>;
const eventIds = (local: LocalDb) => local.db.prepare('SELECT event_id FROM outbox ORDER BY seq').pluck().all() as string[];

describe('memory store', () => {
  it('keeps an item with its vector and queues it for the VPS; a private one never enters the outbox', () => {
    const { local, store } = open();
    const [a, b] = vectors(2, 1);
    const shared = store.add({ kind: 'fact', text: 'The plumber comes on Tuesday.', vector: a!, model: 'm' });
    const secret = store.add({ kind: 'fact', text: 'The safe word is tulip.', vector: b!, model: 'm', private: true });
    expect(store.list()).toEqual([secret, shared]);
    expect(shared).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), at: expect.any(String), text: 'The plumber comes on Tuesday.', kind: 'fact', private: false });
    const rows = outboxRows(local);
    expect(rows.map((r) => r.kind)).toEqual([MEMORY_ITEM_KIND]);
    // The item travels under its own id: the event id the server dedupes by is the Qdrant point id.
    expect(eventIds(local)).toEqual([shared.id]);
    const event = MemoryItemEventSchema.parse(JSON.parse(rows[0]!.payload));
    expect(event).toMatchObject({ id: shared.id, text: 'The plumber comes on Tuesday.', kind: 'fact', model: 'm' });
    expect(event.vector).toHaveLength(384);
    expect(rows[0]!.payload).not.toContain('tulip');
  });

  it('finds the nearest items with recall@10 >= 0.95 against an exact scan, nearest first', () => {
    const { local, store } = open();
    const items = vectors(3000, 2);
    local.db.transaction(() => items.forEach((v, i) => store.add({ kind: 'turn', text: `item ${i}`, vector: v, model: 'm' })))();
    const queries = vectors(20, 3).map((noise, q) => unit(items[q * 97]!.map((x, j) => x + 0.3 * noise[j]!)));
    let overlap = 0;
    for (const q of queries) {
      const exact = items
        .map((v, i) => ({ i, d: 1 - v.reduce((s, x, j) => s + x * q[j]!, 0) }))
        .sort((x, y) => x.d - y.d)
        .slice(0, 10)
        .map((x) => `item ${x.i}`);
      const found = store.search(q, 10);
      expect(found.map((f) => f.distance)).toEqual([...found.map((f) => f.distance)].sort((x, y) => x - y));
      overlap += found.filter((f) => exact.includes(f.text)).length;
    }
    expect(overlap / (10 * queries.length)).toBeGreaterThanOrEqual(0.95);
  });

  it('leaves out the newest answered turns, which the prompt already carries', () => {
    const { store } = open();
    const [v] = vectors(1, 4);
    const old = store.add({ kind: 'turn', text: 'old turn', vector: v!, model: 'm' });
    store.add({ kind: 'turn', text: 'recent turn', vector: v!, model: 'm' });
    expect(store.search(v!, 5, 1).map((f) => f.id)).toEqual([old.id]);
  });

  it('forgets in place: the text and vector are gone from the file, its outbox copy redacted and a tombstone queued; unknown ids are reported', () => {
    const { local, store, file } = open();
    const [a, b] = vectors(2, 5);
    const gone = store.add({ kind: 'fact', text: 'The alarm code is 1234.', vector: a!, model: 'm' });
    const kept = store.add({ kind: 'fact', text: 'Bins go out on Monday.', vector: b!, model: 'm' });
    expect(store.forget([gone.id, 'no-such-id'])).toEqual({ forgotten: [gone.id], missing: ['no-such-id'] });
    expect(store.list()).toEqual([kept]);
    expect(store.search(a!, 5).map((f) => f.id)).toEqual([kept.id]);
    expect(local.db.prepare('SELECT text, length(embedding) AS bytes FROM memory_items WHERE id = ?').get(gone.id)).toEqual({ text: '', bytes: 0 });
    expect(fs.readFileSync(file).includes('alarm code')).toBe(false);
    const rows = outboxRows(local);
    expect(rows.map((r) => r.kind)).toEqual([MEMORY_ITEM_KIND, MEMORY_ITEM_KIND, 'event.redact']);
    expect(JSON.parse(rows[0]!.payload)).toEqual({ id: gone.id, redacted: true });
    expect(JSON.parse(rows[2]!.payload)).toEqual({ kind: MEMORY_ITEM_KIND, ids: [gone.id], all: false, reason: 'forget' });
  });

  it('forgets a private item without naming it in any tombstone', () => {
    const { local, store } = open();
    const [a] = vectors(1, 7);
    const secret = store.add({ kind: 'fact', text: 'secret', vector: a!, model: 'm', private: true });
    expect(store.forget([secret.id]).forgotten).toEqual([secret.id]);
    expect(outboxRows(local)).toEqual([]);
  });

  it('rebuilds a missing index from the live items', () => {
    const { local, store, file } = open();
    const [a, b] = vectors(2, 6);
    const one = store.add({ kind: 'fact', text: 'one', vector: a!, model: 'm' });
    const two = store.add({ kind: 'fact', text: 'two', vector: b!, model: 'm' });
    store.forget([two.id]);
    local.db.exec('DROP TABLE memory_index');
    local.close();
    const again = open(file).store;
    expect(again.search(b!, 5).map((f) => f.id)).toEqual([one.id]);
  });

  it("rebuilds an index of an earlier release's shape (one partition, missing the newest item) from the live items", () => {
    const { local, store, file } = open();
    const [a, b] = vectors(2, 8);
    const one = store.add({ kind: 'fact', text: 'one', vector: a!, model: 'm' });
    local.db.exec('DROP TABLE memory_index');
    local.db.exec('CREATE VIRTUAL TABLE memory_index USING vec0(coarse bit[384])');
    local.db.prepare('INSERT INTO memory_index (rowid, coarse) SELECT rowid, vec_quantize_binary(embedding) FROM memory_items').run();
    local.db.prepare("INSERT INTO memory_items (id, at, kind, text, model, embedding) VALUES ('later', '2026-01-01T00:00:00.000Z', 'fact', 'two', 'm', ?)").run(Buffer.from(b!.buffer));
    local.close();
    const again = open(file).store;
    expect(again.search(b!, 1).map((f) => f.text)).toEqual(['two']);
    expect(again.search(a!, 5).map((f) => f.id)).toEqual([one.id, 'later']);
  });

  it('refuses a vector of the wrong size with what to do', () => {
    const { store } = open();
    const err = (() => {
      try {
        store.add({ kind: 'fact', text: 'x', vector: new Float32Array(768), model: 'm' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MemoryIndexError);
    expect((err as MemoryIndexError).fix).toContain('384-dimensional');
    expect(store.list()).toEqual([]);
  });
});
