// Forgetting a memory item while offline, against a real PostgreSQL 15 with the server migrations applied: gone here
// at once (list, search, the database file's text), its event redacted on the VPS once the link heals, its tombstone
// found through server 0005's index; a private item never reaches the VPS at all.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { MEMORY_ITEM_KIND } from '../../../main/core/contracts/memory.js';
import { REDACT_KIND } from '../../../main/core/contracts/redaction.js';
import { MemoryStore } from '../../../main/core/memory/store.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { describeWith } from '../../helpers/requirements.js';
import { makeDesk, needsPostgres, serverEvents, type Desk } from './fixture.js';

const unit = (seed: number) => {
  const v = Float32Array.from({ length: 384 }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describeWith(needsPostgres, 'forgetting memory offline, then reconnecting (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  let proxy: FaultProxy | null = null;
  const desks: Desk[] = [];

  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterEach(async () => {
    for (const d of desks.splice(0)) await d.close();
    await proxy?.close();
    proxy = null;
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  it('a forgotten item is gone here at once and redacted in PostgreSQL after the link heals; a private one never left', async () => {
    proxy = await startFaultProxy({ host: pgc.db.host, port: pgc.db.port });
    const p = proxy;
    const d = makeDesk({ pool: () => pgc.pool({ host: p.host, port: p.port }, { connectMs: 1000, queryMs: 5000 }), options: { pollMs: 3_600_000 } });
    desks.push(d);
    const store = new MemoryStore(d.local.db, { outbox: d.outbox });
    const kept = store.add({ kind: 'fact', text: 'The plumber comes on Tuesday.', vector: unit(1), model: 'all-minilm-l6-v2' });
    const gone = store.add({ kind: 'fact', text: 'The alarm word is heron.', vector: unit(2), model: 'all-minilm-l6-v2' });
    store.add({ kind: 'fact', text: 'My sister lives in Lisbon.', vector: unit(3), model: 'all-minilm-l6-v2', private: true });
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 2 });
    const before = await serverEvents(pgc, d.outbox.clientId);
    expect(before.map((r) => (r.payload as { text: string }).text)).toEqual(['The plumber comes on Tuesday.', 'The alarm word is heron.']);
    expect((before[0]!.payload as { vector: number[] }).vector).toHaveLength(384);

    proxy.drop();
    expect(store.forget([gone.id])).toEqual({ forgotten: [gone.id], missing: [] });
    expect(store.list().map((i) => i.id)).not.toContain(gone.id);
    expect(store.search(unit(2), 3).map((f) => f.id)).not.toContain(gone.id);
    await expect(d.service.syncOnce()).rejects.toThrow();
    expect(d.outbox.counts().pending).toBe(1);

    proxy.heal();
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 1, rejected: 0, lastSeq: 3 });
    const server = await serverEvents(pgc, d.outbox.clientId);
    expect(server.map((r) => [r.seq, r.kind])).toEqual([
      [1, MEMORY_ITEM_KIND],
      [2, MEMORY_ITEM_KIND],
      [3, REDACT_KIND],
    ]);
    expect(server[0]!.payload).toMatchObject({ id: kept.id, text: 'The plumber comes on Tuesday.' });
    expect(server[1]!.payload).toEqual({ id: gone.id, redacted: true });
    expect(server[2]!.payload).toEqual({ kind: MEMORY_ITEM_KIND, ids: [gone.id], all: false, reason: 'forget' });
    const leaks = await pgc.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE payload::text LIKE '%heron%' OR payload::text LIKE '%Lisbon%'`);
    expect(Number(leaks.rows[0]!.n)).toBe(0);
    const index = await pgc.query<{ n: string }>(`SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'events_memory_item'`);
    expect(Number(index.rows[0]!.n)).toBe(1);
  });
});
