// The memory projector against the Qdrant stand-in on loopback: items reach Qdrant with their vectors, a replay
// changes nothing, a cut or a crash resumes from the durable cursor, a forget made offline deletes the point once
// Qdrant answers again, a wrong API key is a clear error that leaves the cursor, and the real tunnel guard refuses a
// Qdrant address the kernel routes outside the tunnel (its route lookup answered as `ip route get` would).
import { afterEach, describe, expect, it } from 'vitest';
import { MEMORY_ITEM_KIND } from '../../../main/core/contracts/memory.js';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { memoryProjectionService } from '../../../main/core/memory/projection-service.js';
import { MemoryProjector, QdrantError } from '../../../main/core/memory/projector.js';
import { MemoryStore } from '../../../main/core/memory/store.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import type { SecretStore } from '../../../main/core/secrets/store.js';
import { createVpsGuard, TunnelDownError } from '../../../main/core/tunnel/vps-guard.js';
import { startQdrantStandIn, type QdrantStandIn } from '../../../main/harness/qdrant/server.js';
import { tempDir } from '../../helpers/tmp.js';
import { loopbackGuard } from '../../helpers/vps-guard.js';

const KEY = 'stand-in-key-5c1f0e';
const logs: string[] = [];
const log = createLogger({ sink: (l) => logs.push(l), format: 'json' });
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  logs.length = 0;
});

async function setup(opts: { key?: string } = {}) {
  const qdrant = await startQdrantStandIn({ apiKey: KEY });
  cleanup.push(() => qdrant.close());
  const file = `${tempDir()}/jett.db`;
  const local = openLocalDb(file);
  cleanup.push(() => {
    if (local.db.open) local.close();
  });
  const outbox = new Outbox(local);
  const store = new MemoryStore(local.db, { outbox });
  await create(qdrant);
  const projector = projectorFor(local, qdrant, opts.key ?? KEY);
  return { qdrant, local, outbox, store, projector, file };
}

function projectorFor(local: LocalDb, qdrant: QdrantStandIn, key: string, batchRows = 500) {
  return new MemoryProjector({ db: local.db, clientId: local.clientId, url: qdrant.url, collection: 'jett_memory', apiKey: async () => key, guard: loopbackGuard, log, batchRows });
}

async function create(qdrant: QdrantStandIn): Promise<void> {
  const res = await fetch(`${qdrant.url}/collections/jett_memory`, { method: 'PUT', headers: { 'api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify({ vectors: { size: 384, distance: 'Cosine' } }) });
  expect(res.status).toBe(200);
}

/** What Qdrant holds, read back through its REST API as a user would. */
async function points(qdrant: QdrantStandIn): Promise<Array<{ id: string; payload: Record<string, unknown>; vector?: number[] }>> {
  const res = await fetch(`${qdrant.url}/collections/jett_memory/points/scroll`, { method: 'POST', headers: { 'api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify({ limit: 100, with_vector: true }) });
  const body = (await res.json()) as { result: { points: Array<{ id: string; payload: Record<string, unknown>; vector?: number[] }> } };
  return body.result.points;
}

const vec = (seed: number): Float32Array => Float32Array.from({ length: 384 }, (_, i) => Math.sin(seed * 7 + i));

describe('memory projector (Qdrant stand-in)', () => {
  it('upserts shared items with their vectors under their outbox event id; a replay from the start changes nothing', async () => {
    const { qdrant, local, store, projector } = await setup();
    const a = store.add({ kind: 'fact', text: 'The plumber comes on Tuesday.', vector: vec(1), model: 'm' });
    store.add({ kind: 'fact', text: 'My locker code is 12.', vector: vec(2), model: 'm', private: true });
    await projector.drain();
    const got = await points(qdrant);
    expect(got).toHaveLength(1);
    expect(got[0]!.id).toBe(local.db.prepare('SELECT event_id FROM outbox WHERE kind = ?').pluck().get(MEMORY_ITEM_KIND));
    expect(got[0]).toMatchObject({ id: a.id, payload: { client: local.clientId, kind: 'fact', text: 'The plumber comes on Tuesday.', model: 'm', at: a.at } });
    expect(got[0]!.vector).toEqual(Array.from(vec(1)));
    expect(JSON.stringify(got)).not.toContain('locker');
    const cursor = projector.cursor();
    expect(cursor).toBeGreaterThan(0);
    local.db.prepare('UPDATE memory_projection SET cursor = 0').run();
    await projector.drain();
    expect(await points(qdrant)).toEqual(got);
    expect(projector.cursor()).toBe(cursor);
  });

  it('a cut mid-request leaves the cursor; the next run (a restarted agent) resumes and loses nothing', async () => {
    const { qdrant, local, store } = await setup();
    const first = projectorFor(local, qdrant, KEY, 2);
    const ids = [1, 2, 3, 4, 5].map((i) => store.add({ kind: 'turn', text: `turn ${i}`, vector: vec(i), model: 'm' }).id);
    expect(await first.step()).toBe(2);
    const after = first.cursor();
    qdrant.cutNext();
    await expect(first.step()).rejects.toThrow(QdrantError);
    expect(first.cursor()).toBe(after);
    // A crash: a new projector on the same database picks up at the durable cursor.
    const second = projectorFor(local, qdrant, KEY, 2);
    await second.drain();
    expect((await points(qdrant)).map((p) => p.id).sort()).toEqual([...ids].sort());
  });

  it('a forget made while Qdrant was unreachable deletes the point once it answers again', async () => {
    const { qdrant, local, store, projector } = await setup();
    const a = store.add({ kind: 'fact', text: 'The backup runs at 3.', vector: vec(3), model: 'm' });
    const b = store.add({ kind: 'fact', text: 'The cat is called Tom.', vector: vec(4), model: 'm' });
    await projector.drain();
    expect(await points(qdrant)).toHaveLength(2);
    // Offline: Qdrant cuts every request it gets meanwhile.
    store.forget([a.id]);
    const before = projector.cursor();
    qdrant.cutNext();
    await expect(projector.drain()).rejects.toThrow(/cannot reach Qdrant/);
    expect(projector.cursor()).toBe(before);
    expect((await points(qdrant)).map((p) => p.id)).toContain(a.id);
    // Reconnected.
    await projector.drain();
    expect((await points(qdrant)).map((p) => p.id)).toEqual([b.id]);
    const gone = await fetch(`${qdrant.url}/collections/jett_memory/points/${a.id}`, { headers: { 'api-key': KEY } });
    expect(gone.status).toBe(404);
    expect(local.db.prepare('SELECT count(*) FROM outbox WHERE payload LIKE ?').pluck().get('%backup%')).toBe(0);
  });

  it('an item forgotten before it was ever projected never reaches Qdrant', async () => {
    const { qdrant, store, projector } = await setup();
    const a = store.add({ kind: 'fact', text: 'The safe is behind the painting.', vector: vec(5), model: 'm' });
    store.forget([a.id]);
    await projector.drain();
    expect(await points(qdrant)).toEqual([]);
    expect(qdrant.requests.filter((r) => r.method === 'PUT')).toHaveLength(1); // the collection's creation only
  });

  it('a wrong API key is a clear error naming the fix, never the key, and the cursor does not move', async () => {
    const { qdrant, store, projector } = await setup({ key: 'not-the-key-93be' });
    store.add({ kind: 'fact', text: 'x', vector: vec(6), model: 'm' });
    const err = await projector.step().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QdrantError);
    expect((err as QdrantError).message).toMatch(/refused the API key \(401: Invalid API key or JWT\)/);
    expect((err as QdrantError).fix).toMatch(/jett secret set qdrant\.apiKey/);
    expect(JSON.stringify({ m: (err as Error).message, f: (err as QdrantError).fix })).not.toContain('not-the-key-93be');
    expect(projector.cursor()).toBe(0);
    expect(await points(qdrant)).toEqual([]);
  });

  it('the background loop logs a failure without the key and retries until Qdrant answers', async () => {
    const { qdrant, local, store } = await setup();
    const projector = new MemoryProjector({ db: local.db, clientId: local.clientId, url: qdrant.url, collection: 'jett_memory', apiKey: async () => KEY, guard: loopbackGuard, log, backoff: { minMs: 5, maxMs: 20 } });
    cleanup.push(() => projector.stop());
    const a = store.add({ kind: 'fact', text: 'retry me', vector: vec(7), model: 'm' });
    qdrant.cutNext();
    projector.start();
    await expect.poll(async () => (await points(qdrant)).map((p) => p.id)).toEqual([a.id]);
    expect(logs.join('\n')).toMatch(/projecting memory to Qdrant failed/);
    expect(logs.join('\n')).not.toContain(KEY);
  });

  it('the tunnel guard refuses a Qdrant address routed outside the tunnel: no request leaves, the cursor stays', async () => {
    const { qdrant, local, store } = await setup();
    // The real guard; the kernel's answer (`ip route get 127.0.0.1` says dev lo) is not the tunnel interface.
    const guard = createVpsGuard({ iface: 'jett0', lookup: async () => ({ dev: 'lo', tunnelExists: true }) });
    const projector = new MemoryProjector({ db: local.db, clientId: local.clientId, url: qdrant.url, collection: 'jett_memory', apiKey: async () => KEY, guard, log });
    store.add({ kind: 'fact', text: 'x', vector: vec(8), model: 'm' });
    const seen = qdrant.requests.length;
    const err = await projector.step().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelDownError);
    expect((err as Error).message).toMatch(/goes via lo, not the tunnel jett0, so Jett does not connect to the VPS Qdrant/);
    expect(qdrant.requests.length).toBe(seen);
    expect(projector.cursor()).toBe(0);
  });

  it('the agent\'s service projects each new item once its transaction commits, and idles without the key', async () => {
    const { qdrant, local, outbox, store } = await setup();
    const secrets = (key: string | null): SecretStore => ({ kind: 'file', location: 'test', get: async () => key, set: async () => undefined, delete: async () => undefined, list: async () => [] });
    const idle = memoryProjectionService({ local, outbox, settings: { url: qdrant.url, collection: 'jett_memory' }, secrets: secrets(null), guard: loopbackGuard, logger: log });
    await idle.start();
    cleanup.push(() => idle.stop());
    store.add({ kind: 'fact', text: 'before the key', vector: vec(9), model: 'm' });
    expect(logs.join('\n')).toMatch(/no secret qdrant.apiKey/);
    const service = memoryProjectionService({ local, outbox, settings: { url: qdrant.url, collection: 'jett_memory' }, secrets: secrets(KEY), guard: loopbackGuard, logger: log });
    await service.start();
    cleanup.push(() => service.stop());
    const b = store.add({ kind: 'turn', text: 'after the key', vector: vec(10), model: 'm' });
    await expect.poll(async () => (await points(qdrant)).map((p) => p.payload.text).sort()).toEqual(['after the key', 'before the key']);
    store.forget([b.id]);
    await expect.poll(async () => (await points(qdrant)).map((p) => p.payload.text)).toEqual(['before the key']);
  });
});
