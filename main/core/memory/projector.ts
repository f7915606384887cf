// Projects memory into the VPS's Qdrant: reads memory.item events and their tombstones from the local outbox in seq
// order after a durable cursor (memory_projection), upserts points (point id = the item's event id, which is also the
// item's id: a UUIDv7) and deletes the forgotten ones, and moves the cursor only once Qdrant answered, so a crash or a
// cut replays (idempotent: an upsert of the same id overwrites, a delete of a missing point is a no-op). Every request
// goes through the tunnel guard.
import http from 'node:http';
import https from 'node:https';
import { MEMORY_ITEM_KIND, type MemoryItemEvent } from '../contracts/memory.js';
import { REDACT_KIND, type Redaction } from '../contracts/redaction.js';
import type { SqliteDb } from '../db/local-db.js';
import { JettError, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { guardedHttpConnection, type VpsGuard } from '../tunnel/vps-guard.js';

export class QdrantError extends JettError {}

export const QDRANT_KEY_NEXT =
  'store the key the VPS bundle generated (QDRANT_API_KEY in its env file): `jett secret set qdrant.apiKey`';

export interface ProjectorOptions {
  db: SqliteDb;
  /** This desktop's client id: every point carries it, so "forget everything" deletes only this desktop's points. */
  clientId: string;
  url: string;
  collection: string;
  apiKey: () => Promise<string | null>;
  guard: VpsGuard;
  log: Logger;
  /** Outbox rows read per step. */
  batchRows?: number;
  timeoutMs?: number;
  /** Retry waits after a failure: doubling from minMs, never above maxMs. */
  backoff?: { minMs: number; maxMs: number };
}

type Op = { upsert: { id: string; vector: number[]; payload: Record<string, unknown> }[] } | { delete: string[] } | { deleteAll: true };

interface Row {
  seq: number;
  kind: string;
  payload: string;
}

export class MemoryProjector {
  private readonly stmts;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private failures = 0;
  private busy: Promise<void> | null = null;

  constructor(private readonly o: ProjectorOptions) {
    this.stmts = {
      cursor: o.db.prepare('SELECT cursor FROM memory_projection WHERE id = 1').pluck(),
      setCursor: o.db.prepare('INSERT INTO memory_projection (id, cursor) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor'),
      rows: o.db.prepare(`SELECT seq, kind, payload FROM outbox WHERE seq > ? AND kind IN ('${MEMORY_ITEM_KIND}', '${REDACT_KIND}') ORDER BY seq LIMIT ?`),
    };
  }

  /** The last outbox seq applied to Qdrant (0: none yet). */
  cursor(): number {
    return (this.stmts.cursor.get() as number | undefined) ?? 0;
  }

  /**
   * Applies the next rows after the cursor to Qdrant and moves the cursor past them; returns how many outbox rows it
   * read (0: caught up). Throws a QdrantError (or the guard's TunnelDownError) and leaves the cursor where it was.
   */
  async step(): Promise<number> {
    const rows = this.stmts.rows.all(this.cursor(), this.o.batchRows ?? 500) as Row[];
    if (rows.length === 0) return 0;
    const ops: Op[] = [];
    for (const row of rows) {
      if (row.kind === MEMORY_ITEM_KIND) {
        const p = JSON.parse(row.payload) as Partial<MemoryItemEvent> & { redacted?: boolean };
        // A row forgotten before it was projected keeps only its id; its tombstone follows and deletes nothing.
        if (p.redacted || !p.id || !p.vector) continue;
        const point = { id: p.id, vector: p.vector, payload: { client: this.o.clientId, at: p.at, kind: p.kind, text: p.text, model: p.model } };
        const last = ops.at(-1);
        if (last && 'upsert' in last) last.upsert.push(point);
        else ops.push({ upsert: [point] });
        continue;
      }
      const t = JSON.parse(row.payload) as Redaction;
      if (t.kind !== MEMORY_ITEM_KIND) continue;
      ops.push(t.all ? { deleteAll: true } : { delete: t.ids });
    }
    const key = await this.o.apiKey();
    if (!key) throw new QdrantError('no Qdrant API key yet (secret qdrant.apiKey), so memory is not shared with the VPS', QDRANT_KEY_NEXT);
    const base = `/collections/${encodeURIComponent(this.o.collection)}/points`;
    for (const op of ops) {
      if ('upsert' in op) await this.request('PUT', `${base}?wait=true`, { points: op.upsert }, key);
      else if ('delete' in op) await this.request('POST', `${base}/delete?wait=true`, { points: op.delete }, key);
      else await this.request('POST', `${base}/delete?wait=true`, { filter: { must: [{ key: 'client', match: { value: this.o.clientId } }] } }, key);
    }
    this.stmts.setCursor.run(rows.at(-1)!.seq);
    return rows.length;
  }

  /** Steps until caught up. */
  async drain(): Promise<void> {
    while ((await this.step()) > 0);
  }

  /** Runs in the background: drains now and on every poke, retrying a failure after a bounded backoff. */
  start(): void {
    this.running = true;
    this.poke();
  }

  /** A new outbox row (or the tunnel came up): drain soon. */
  poke(): void {
    if (!this.running || this.busy || this.timer) return;
    this.busy = this.drain().then(
      () => {
        this.failures = 0;
      },
      (err: unknown) => {
        this.failures += 1;
        const { minMs, maxMs } = this.o.backoff ?? { minMs: 1000, maxMs: 60_000 };
        const wait = Math.min(maxMs, minMs * 2 ** Math.min(this.failures - 1, 30));
        this.o.log.warn('projecting memory to Qdrant failed; it is tried again', { error: errorMessage(err), retryMs: wait, failures: this.failures });
        if (this.running) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.poke();
          }, wait);
        }
      },
    ).finally(() => {
      this.busy = null;
    });
  }

  /** The tunnel came (back) up: try now rather than when the backoff ends. */
  onTunnelUp(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.poke();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
  }

  private request(method: string, path: string, body: unknown, key: string): Promise<void> {
    const url = new URL(this.o.url.replace(/\/+$/, '') + path);
    const text = JSON.stringify(body);
    const send = url.protocol === 'https:' ? https.request : http.request;
    const what = `Qdrant at ${url.host}`;
    return new Promise((resolve, reject) => {
      const req = send(url, {
        method,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'api-key': key },
        createConnection: guardedHttpConnection(this.o.guard, url, 'the VPS Qdrant'),
      });
      const timer = setTimeout(() => req.destroy(new Error('no answer within the timeout')), this.o.timeoutMs ?? 10_000);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          // The answer's reason, never the key (a proxy could echo a header).
          const reason = Buffer.concat(chunks).toString('utf8').slice(0, 300).split(key).join('[redacted]');
          let detail = reason;
          try {
            const parsed = JSON.parse(reason) as { status?: { error?: string } };
            if (parsed.status?.error) detail = parsed.status.error;
          } catch {
            // a plain-text answer (the auth middleware's) is the reason as it is
          }
          if (status === 401 || status === 403) reject(new QdrantError(`${what} refused the API key (${status}: ${detail})`, QDRANT_KEY_NEXT));
          else if (status === 404) reject(new QdrantError(`${what}: ${detail}`, `create it: run the VPS bundle's install.sh again (it creates the collection \`${this.o.collection}\`), or check qdrant.collection`));
          else reject(new QdrantError(`${what} answered ${status}: ${detail}`, 'check the Qdrant container on the VPS (`docker compose logs qdrant`); Jett retries by itself'));
        });
        res.on('error', (err) => reject(err));
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err instanceof JettError ? err : new QdrantError(`cannot reach ${what}: ${err.message}`, 'Jett retries by itself once the tunnel and the VPS answer'));
      });
      req.end(text);
    });
  }
}
