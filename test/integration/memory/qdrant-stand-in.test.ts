// The Qdrant stand-in's wire shapes, as Qdrant's REST reference and source give them (see main/harness/qdrant/server.ts):
// the envelope, UpdateResult, the 404 of a missing collection or point, a wrong vector size, a bad point id, and the
// api-key refusals, so the projector's tests run against Qdrant's answers and not against the stand-in's whims.
import { afterEach, describe, expect, it } from 'vitest';
import { startQdrantStandIn, type QdrantStandIn } from '../../../main/harness/qdrant/server.js';

const KEY = 'wire-key-1';
let q: QdrantStandIn | null = null;
afterEach(async () => {
  await q?.close();
  q = null;
});

async function call(method: string, path: string, body?: unknown, key: string | null = KEY): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${q!.url}${path}`, { method, headers: { ...(key === null ? {} : { 'api-key': key }), 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // plain text (the auth refusals)
  }
  return { status: res.status, json, text };
}

const ID = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const v = Array.from({ length: 384 }, (_, i) => i / 384);

describe('Qdrant stand-in wire shapes', () => {
  it('answers collections and points as the REST reference documents', async () => {
    q = await startQdrantStandIn({ apiKey: KEY });
    expect(await call('GET', '/collections/mem')).toMatchObject({ status: 404, json: { status: { error: 'Not found: Collection `mem` doesn\'t exist!' }, time: expect.any(Number) } });
    expect(await call('PUT', '/collections/mem', { vectors: { size: 384, distance: 'Cosine' } })).toMatchObject({ status: 200, json: { result: true, status: 'ok', time: expect.any(Number) } });
    expect((await call('PUT', '/collections/mem', { vectors: { size: 384, distance: 'Cosine' } })).status).toBe(409);
    expect(await call('GET', '/collections/mem')).toMatchObject({ status: 200, json: { result: { status: 'green', points_count: 0, config: { params: { vectors: { size: 384, distance: 'Cosine' } } } }, status: 'ok' } });
    expect(await call('PUT', '/collections/mem/points?wait=true', { points: [{ id: ID, vector: v, payload: { text: 'a' } }] })).toMatchObject({ status: 200, json: { result: { operation_id: 0, status: 'completed' }, status: 'ok' } });
    expect(await call('GET', `/collections/mem/points/${ID}`)).toMatchObject({ status: 200, json: { result: { id: ID, payload: { text: 'a' }, vector: v }, status: 'ok' } });
    expect(await call('PUT', '/collections/mem/points?wait=true', { points: [{ id: ID, vector: [1, 2, 3] }] })).toMatchObject({ status: 400, json: { status: { error: 'Wrong input: Vector dimension error: expected dim: 384, got 3' } } });
    expect((await call('PUT', '/collections/mem/points?wait=true', { points: [{ id: 'item-1', vector: v }] })).status).toBe(400);
    expect(await call('POST', '/collections/mem/points/delete?wait=true', { points: [ID] })).toMatchObject({ status: 200, json: { result: { operation_id: 1, status: 'completed' } } });
    expect((await call('GET', `/collections/mem/points/${ID}`)).status).toBe(404);
    expect(await call('POST', '/collections/mem/points/scroll', { limit: 10 })).toMatchObject({ status: 200, json: { result: { points: [], next_page_offset: null }, status: 'ok' } });
  });

  it('refuses a request without the api-key header, or with a wrong one, as Qdrant\'s auth middleware does', async () => {
    q = await startQdrantStandIn({ apiKey: KEY });
    expect(await call('GET', '/collections/mem', undefined, null)).toMatchObject({ status: 401, text: 'Must provide an API key or an Authorization bearer token' });
    expect(await call('GET', '/collections/mem', undefined, 'wrong')).toMatchObject({ status: 401, text: 'Invalid API key or JWT' });
    expect(q.collections.size).toBe(0);
  });
});
