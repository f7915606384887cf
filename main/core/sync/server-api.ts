// The three calls the desktop makes to the VPS database: push a batch, claim inbox requests, acknowledge them.
import type pg from 'pg';
import type { PushBatch, PushOutcome, Rejection } from '../outbox/store.js';
import type { PulledRequest } from './inbox-store.js';

/** Runs fn on one pooled connection; a connection that failed is destroyed rather than reused. */
export async function withClient<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no error listener of the pool's, and a reset link emits 'error' besides failing the
  // query: without this, that event would crash the process.
  let broken: Error | null = null;
  const onError = (err: Error) => void (broken ??= err);
  client.on('error', onError);
  try {
    const out = await fn(client);
    client.off('error', onError);
    client.release(broken ?? undefined);
    return out;
  } catch (err) {
    client.off('error', onError);
    client.release(broken ?? (err instanceof Error ? err : new Error(String(err))));
    throw err;
  }
}

/** A batch with its query parameters ready, so the next one is read while the previous push is in flight. */
export interface PreparedPush {
  batch: PushBatch;
  values: [string, ...PushBatch['literals']];
}

export function preparePush(clientId: string, b: PushBatch): PreparedPush {
  return { batch: b, values: [clientId, ...b.literals] };
}

/** One push, one round trip: jett_push applies the batch in one transaction and answers the new last_seq. */
export async function pushBatch(client: pg.ClientBase, push: PreparedPush): Promise<PushOutcome> {
  const res = await client.query<{ r: { last_seq: number; rejected: Rejection[] } }>({
    name: 'jett_push',
    text: 'SELECT jett_push($1, $2, $3, $4, $5, $6) AS r',
    values: push.values,
  });
  const r = res.rows[0]!.r;
  return { lastSeq: Number(r.last_seq), rejected: r.rejected.map((x) => ({ seq: Number(x.seq), sqlstate: x.sqlstate, error: x.error })) };
}

export async function claimInbox(client: pg.ClientBase, limit: number, leaseS: number): Promise<PulledRequest[]> {
  const res = await client.query<{ request_id: string; kind: string; payload: unknown }>('SELECT request_id, kind, payload FROM jett_inbox_claim($1, $2)', [limit, leaseS]);
  return res.rows.map((r) => ({ requestId: r.request_id, kind: r.kind, payload: r.payload }));
}

export async function ackInbox(client: pg.ClientBase, requestIds: string[]): Promise<number> {
  const res = await client.query<{ n: number }>('SELECT jett_inbox_ack($1) AS n', [requestIds]);
  return res.rows[0]!.n;
}
