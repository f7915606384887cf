// The durable local outbox: append returns once the row is on disk; rows go pending -> sent | dead, in seq order.
import { MEMORY_ITEM_KIND } from '../contracts/memory.js';
import { REDACT_KIND } from '../contracts/redaction.js';
import type { StatusSnapshot } from '../contracts/status.js';
import type { LocalDb, SqliteDb } from '../db/local-db.js';
import { OutboxError } from './errors.js';
import { uuidv7 } from './uuid7.js';

export const MAX_PAYLOAD_BYTES = 1024 * 1024;
const KIND = /^[a-z][a-z0-9_.-]{0,63}$/;
// Per-row bytes on the wire besides the payload: seq, uuid, kind, timestamp and array punctuation.
const ROW_OVERHEAD_BYTES = 64;

export type OutboxCounts = StatusSnapshot['outbox'];

export interface OutboxRow {
  seq: number;
  eventId: string;
  kind: string;
  /** The payload as JSON text, exactly as stored and sent. */
  payload: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** Pending rows in seq order, in columns: the shape a push sends (one array parameter per column). */
export interface OutboxBatch {
  length: number;
  seqs: number[];
  eventIds: string[];
  kinds: string[];
  payloads: string[];
  createdAt: number[];
  /** What the batch weighs in a push, by rowBytes. */
  bytes: number;
}

/**
 * Pending rows in seq order as one push sends them: a PostgreSQL array literal per column, built inside SQLite, so a
 * batch costs a handful of strings in the JS heap rather than five values a row (what keeps a million-event drain in
 * bounded memory).
 */
export interface PushBatch {
  length: number;
  lastSeq: number;
  /** What the batch weighs in a push, by rowBytes. */
  bytes: number;
  /** seqs, event ids, kinds, payloads, created-at (ms): text and JSON quoted and escaped as pushLiteral does. */
  literals: [string, string, string, string, string];
}

// PostgreSQL array literals. Text elements are always quoted (an unquoted NULL would mean null), with backslash
// and double quote escaped; numbers and UUIDs need no quoting. OUTBOX_SQL.push builds the same text in SQL.
const quoted = (items: string[]) => `{${items.map((s) => `"${s.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
const plain = (items: (string | number)[]) => `{${items.join(',')}}`;

/** A batch read in columns, as a push sends it (the JS twin of OUTBOX_SQL.push, for tests and benchmarks). */
export function pushLiterals(b: OutboxBatch): PushBatch {
  return {
    length: b.length,
    lastSeq: b.seqs[b.length - 1] ?? 0,
    bytes: b.bytes,
    literals: [plain(b.seqs), plain(b.eventIds), quoted(b.kinds), quoted(b.payloads), plain(b.createdAt)],
  };
}

export function batchRows(b: OutboxBatch): OutboxRow[] {
  return b.seqs.map((seq, i) => ({ seq, eventId: b.eventIds[i]!, kind: b.kinds[i]!, payload: b.payloads[i]!, createdAt: b.createdAt[i]! }));
}

export function toBatch(rows: OutboxRow[]): OutboxBatch {
  return {
    length: rows.length,
    seqs: rows.map((r) => r.seq),
    eventIds: rows.map((r) => r.eventId),
    kinds: rows.map((r) => r.kind),
    payloads: rows.map((r) => r.payload),
    createdAt: rows.map((r) => r.createdAt),
    bytes: rows.reduce((n, r) => n + rowBytes(r), 0),
  };
}

export interface Appended {
  seq: number;
  eventId: string;
}

export interface Rejection {
  seq: number;
  sqlstate: string;
  error: string;
}

/** What the server answered for one push: everything up to lastSeq is applied, except the rejected rows. */
export interface PushOutcome {
  lastSeq: number;
  rejected: Rejection[];
}

export interface BatchLimits {
  maxRows: number;
  maxBytes: number;
}

export interface OutboxDetail extends OutboxCounts {
  sent: number;
  lastError: string | null;
}

/** Bytes a row takes in a push, for sizing batches. */
export function rowBytes(row: Pick<OutboxRow, 'kind' | 'payload'>): number {
  return Buffer.byteLength(row.payload) + row.kind.length + ROW_OVERHEAD_BYTES;
}

function serialise(kind: string, payload: unknown): string {
  if (!KIND.test(kind)) {
    throw new OutboxError(`outbox: kind ${JSON.stringify(kind)} is not valid`, 'use 1-64 characters of a-z, 0-9 and ._- starting with a letter, e.g. "voice.transcript"');
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (err) {
    throw new OutboxError(`outbox: the ${kind} payload is not JSON-serialisable (${(err as Error).message})`, 'pass plain data: no cycles, BigInt, functions or class instances with cycles', { cause: err });
  }
  if (text === undefined) {
    throw new OutboxError(`outbox: the ${kind} payload is not JSON-serialisable (${typeof payload})`, 'pass an object, array, string, number, boolean or null');
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new OutboxError(`outbox: the ${kind} payload is ${bytes} bytes, over the 1 MiB limit`, 'store large data elsewhere (a file, Qdrant) and put a reference in the event');
  }
  return text;
}

/**
 * Every query the outbox runs on its table, in one place so a test can check each one's plan: with a million rows
 * pending, each must reach the rows it needs through an index (or the counts row the triggers of migration 0002
 * keep), never by scanning the table; INDEXED BY holds SQLite to the partial indexes whatever its statistics say (with
 * a week of sent rows below the backlog, a walk of the primary key from seq 0 would read them all). Rows are only ever marked in seq order, so every sent row lies below the first
 * pending one: pruning walks the primary key up to there and never reads the backlog.
 */
export const OUTBOX_SQL = {
  insert: `INSERT INTO outbox (event_id, kind, payload, created_at) VALUES (?, ?, ?, ?)`,
  batch: `SELECT seq, event_id, kind, payload, created_at FROM outbox INDEXED BY outbox_pending WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?`,
  // The rows of one push, cut by rows and by bytes (rowBytes, summed in seq order; at least one row) as nextBatch
  // cuts them, and returned as one array literal per column.
  push: `WITH head AS (
      SELECT seq, event_id, kind, payload, created_at FROM outbox INDEXED BY outbox_pending
       WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?
    ), sized AS (
      SELECT *, row_number() OVER win AS i,
             sum(length(CAST(payload AS BLOB)) + length(kind) + ${ROW_OVERHEAD_BYTES}) OVER win AS upto
        FROM head WINDOW win AS (ORDER BY seq ROWS UNBOUNDED PRECEDING)
    ), cut AS (SELECT * FROM sized WHERE i = 1 OR upto <= ?)
    SELECT count(*) AS n, max(seq) AS lastSeq, max(upto) AS bytes,
      '{' || group_concat(seq, ',' ORDER BY seq) || '}' AS seqs,
      '{' || group_concat(event_id, ',' ORDER BY seq) || '}' AS ids,
      '{' || group_concat('"' || replace(replace(kind, '\\', '\\\\'), '"', '\\"') || '"', ',' ORDER BY seq) || '}' AS kinds,
      '{' || group_concat('"' || replace(replace(payload, '\\', '\\\\'), '"', '\\"') || '"', ',' ORDER BY seq) || '}' AS payloads,
      '{' || group_concat(created_at, ',' ORDER BY seq) || '}' AS created
    FROM cut`,
  markDead: `UPDATE outbox SET state = 'dead', last_error = ?, attempts = attempts + 1 WHERE seq = ? AND state = 'pending'`,
  markSent: `UPDATE outbox INDEXED BY outbox_pending SET state = 'sent', sent_at = ?, last_error = NULL WHERE state = 'pending' AND seq <= ?`,
  failure: `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?`,
  counts: `SELECT c.pending, c.sent, c.dead,
      (SELECT created_at FROM outbox INDEXED BY outbox_pending WHERE state = 'pending' ORDER BY seq LIMIT 1) AS oldest,
      (SELECT last_error FROM outbox INDEXED BY outbox_pending WHERE state = 'pending' ORDER BY seq LIMIT 1) AS lastError,
      (SELECT value FROM meta WHERE key = 'last_success_at') AS lastSuccess
    FROM outbox_counts c WHERE c.id = 1`,
  dead: `SELECT seq, event_id AS eventId, kind, payload, created_at AS createdAt FROM outbox INDEXED BY outbox_dead WHERE state = 'dead' ORDER BY seq`,
  deleteSeq: `DELETE FROM outbox WHERE seq = ?`,
  maxSeq: `SELECT max(seq) FROM outbox`,
  // Memory items and tombstones also feed the Qdrant projector, which reads them from here after its own cursor:
  // they stay until it has applied them (without a Qdrant key, until it is set up and catches up).
  prune: `DELETE FROM outbox
    WHERE seq < coalesce((SELECT seq FROM outbox INDEXED BY outbox_pending WHERE state = 'pending' ORDER BY seq LIMIT 1), 9223372036854775807)
      AND state = 'sent' AND sent_at < ?
      AND NOT (kind IN ('${MEMORY_ITEM_KIND}', '${REDACT_KIND}') AND seq > coalesce((SELECT cursor FROM memory_projection WHERE id = 1), 0))`,
  resend: `UPDATE outbox SET state = 'pending', sent_at = NULL WHERE state IN ('sent', 'dead') AND seq > ?`,
} as const;

/**
 * Redaction in place: the payload becomes {"id": <its id>, "redacted": true} (RedactedPayloadSchema) and the row keeps
 * its seq, event id, kind and state, so the seqs stay contiguous and a pending row goes out without its text. These
 * read every row of the kind's table (no index on a payload's id: it would cost every append a JSON parse), which a
 * user's deletion can afford; sent rows are pruned after the retention, so the table is mostly the backlog.
 */
export const REDACT_SQL = {
  ids: `UPDATE outbox SET payload = json_object('id', json_extract(payload, '$.id'), 'redacted', json('true'))
    WHERE kind = ? AND json_type(payload, '$.id') = 'text' AND json_extract(payload, '$.id') IN (SELECT value FROM json_each(?))
      AND payload <> json_object('id', json_extract(payload, '$.id'), 'redacted', json('true'))`,
  all: `UPDATE outbox SET payload = json_object('id', CASE json_type(payload, '$.id') WHEN 'text' THEN json_extract(payload, '$.id') END, 'redacted', json('true'))
    WHERE kind = ? AND payload <> json_object('id', CASE json_type(payload, '$.id') WHEN 'text' THEN json_extract(payload, '$.id') END, 'redacted', json('true'))`,
} as const;

/** Rows renumbered per read: the backlog moves a chunk at a time, never all of it in memory. */
const RENUMBER_CHUNK_ROWS = 1000;

export class Outbox {
  readonly clientId: string;
  private readonly db: SqliteDb;
  private readonly clock: () => Date;
  private readonly listeners = new Set<(a: Appended) => void>();
  private readonly stmts;

  constructor(local: LocalDb, opts: { clock?: () => Date } = {}) {
    this.db = local.db;
    this.clientId = local.clientId;
    this.clock = opts.clock ?? (() => new Date());
    const db = this.db;
    this.stmts = {
      insert: db.prepare(OUTBOX_SQL.insert),
      batch: db.prepare(OUTBOX_SQL.batch).raw(true),
      push: db.prepare(OUTBOX_SQL.push),
      markDead: db.prepare(OUTBOX_SQL.markDead),
      markSent: db.prepare(OUTBOX_SQL.markSent),
      setMeta: db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      failure: db.prepare(OUTBOX_SQL.failure),
      counts: db.prepare(OUTBOX_SQL.counts),
      dead: db.prepare(OUTBOX_SQL.dead),
      deleteSeq: db.prepare(OUTBOX_SQL.deleteSeq),
      requeue: db.prepare(OUTBOX_SQL.insert),
      maxSeq: db.prepare(OUTBOX_SQL.maxSeq).pluck(),
      prune: db.prepare(OUTBOX_SQL.prune),
      resend: db.prepare(OUTBOX_SQL.resend),
      bumpSequence: db.prepare(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'outbox'`),
      redactIds: db.prepare(REDACT_SQL.ids),
      redactAll: db.prepare(REDACT_SQL.all),
    };
  }

  /**
   * Appends one event and returns once it is durable (one autocommitted INSERT; WAL with synchronous=FULL
   * syncs the log before the commit returns). Inside a caller's transaction it commits with that transaction.
   * `eventId`: a record that has its own UUIDv7 travels under it (a memory item: its id is its Qdrant point id).
   */
  append(kind: string, payload: unknown, opts: { eventId?: string } = {}): Appended {
    const text = serialise(kind, payload);
    const now = this.clock().getTime();
    const eventId = opts.eventId ?? uuidv7(now);
    const seq = Number(this.stmts.insert.run(eventId, kind, text, now).lastInsertRowid);
    const appended = { seq, eventId };
    for (const fn of this.listeners) fn(appended);
    return appended;
  }

  /** Calls fn after every append (and every re-queued row); returns the unsubscribe function. */
  onAppend(fn: (a: Appended) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Runs fn in one local transaction (an inbox result and its bookkeeping commit together). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * The oldest pending rows after `afterSeq`, in seq order, up to maxRows and about maxBytes (at least one row).
   * afterSeq lets the next batch be read while the previous one is still in flight.
   */
  nextBatch(limits: BatchLimits, afterSeq = 0): OutboxBatch {
    const b: OutboxBatch = { length: 0, seqs: [], eventIds: [], kinds: [], payloads: [], createdAt: [], bytes: 0 };
    for (const row of this.stmts.batch.iterate(afterSeq, limits.maxRows) as IterableIterator<[number, string, string, string, number]>) {
      const size = rowBytes({ kind: row[2], payload: row[3] });
      if (b.length > 0 && b.bytes + size > limits.maxBytes) break;
      b.seqs.push(row[0]);
      b.eventIds.push(row[1]);
      b.kinds.push(row[2]);
      b.payloads.push(row[3]);
      b.createdAt.push(row[4]);
      b.bytes += size;
      b.length++;
    }
    return b;
  }

  /** nextBatch as a push sends it: the same rows, as array literals built by SQLite (see PushBatch). */
  nextPush(limits: BatchLimits, afterSeq = 0): PushBatch {
    const r = this.stmts.push.get(afterSeq, limits.maxRows, limits.maxBytes) as {
      n: number; lastSeq: number | null; bytes: number | null; seqs: string | null; ids: string | null; kinds: string | null; payloads: string | null; created: string | null;
    };
    if (r.n === 0) return { length: 0, lastSeq: afterSeq, bytes: 0, literals: ['{}', '{}', '{}', '{}', '{}'] };
    return { length: r.n, lastSeq: r.lastSeq!, bytes: r.bytes!, literals: [r.seqs!, r.ids!, r.kinds!, r.payloads!, r.created!] };
  }

  /**
   * Records a push's outcome in one local transaction: rejected rows become dead, every other pending row up to
   * lastSeq becomes sent. `during` runs between the two (a test failpoint that kills the process mid-transaction).
   */
  markPushed(outcome: PushOutcome, at: Date, during?: () => void): { sent: number; dead: number } {
    return this.db.transaction(() => {
      let dead = 0;
      for (const r of outcome.rejected) dead += this.stmts.markDead.run(`${r.sqlstate}: ${r.error}`, r.seq).changes;
      during?.();
      const sent = this.stmts.markSent.run(at.getTime(), outcome.lastSeq).changes;
      this.stmts.setMeta.run('last_success_at', at.toISOString());
      return { sent, dead };
    })();
  }

  /** Notes a failed push on the head row, for `jett outbox status`. */
  recordFailure(seq: number, error: string, nextAttemptAt: Date): void {
    this.stmts.failure.run(nextAttemptAt.getTime(), error, seq);
  }

  /** The counts row the triggers keep and the head of the pending index: O(1) however long the backlog. */
  counts(now: Date = this.clock()): OutboxCounts {
    const { sent: _sent, lastError: _lastError, ...counts } = this.detail(now);
    return counts;
  }

  /** counts() plus the sent rows kept and the last error, for `jett outbox status`. */
  detail(now: Date = this.clock()): OutboxDetail {
    const r = this.stmts.counts.get() as { pending: number; sent: number; dead: number; oldest: number | null; lastError: string | null; lastSuccess: string | null };
    return {
      pending: r.pending,
      oldestPendingAgeS: r.oldest === null ? null : Math.max(0, (now.getTime() - r.oldest) / 1000),
      dead: r.dead,
      lastSuccessAt: r.lastSuccess,
      sent: r.sent,
      lastError: r.lastError,
    };
  }

  /**
   * Re-queues every dead row under a new seq with its old event_id: the server applies an event_id at most once,
   * so a row that did reach it is not applied twice. Returns how many rows were re-queued.
   */
  retryDead(): number {
    const rows = this.db.transaction(() => {
      const dead = this.stmts.dead.all() as OutboxRow[];
      return dead.map((r) => {
        this.stmts.deleteSeq.run(r.seq);
        const seq = Number(this.stmts.requeue.run(r.eventId, r.kind, r.payload, r.createdAt).lastInsertRowid);
        return { seq, eventId: r.eventId };
      });
    })();
    for (const a of rows) for (const fn of this.listeners) fn(a);
    return rows.length;
  }

  /**
   * Gives every pending row a new seq above `aboveSeq`, in the same order and with the same event id. For a database
   * that went back in time (restored from a backup): the server already holds other events under its next seqs,
   * and it applies an event id at most once, so nothing is lost and nothing doubled. Returns how many rows moved.
   */
  renumberPending(aboveSeq: number): number {
    return this.db.transaction(() => {
      this.stmts.bumpSequence.run(aboveSeq);
      // Rows re-inserted here land above `last`; reading stops there, a chunk at a time.
      const last = (this.stmts.maxSeq.get() as number | null) ?? 0;
      let moved = 0;
      let after = 0;
      for (;;) {
        const rows = batchRows(this.nextBatch({ maxRows: RENUMBER_CHUNK_ROWS, maxBytes: Number.MAX_SAFE_INTEGER }, after)).filter((r) => r.seq <= last);
        if (rows.length === 0) return moved;
        for (const r of rows) {
          this.stmts.deleteSeq.run(r.seq);
          this.stmts.requeue.run(r.eventId, r.kind, r.payload, r.createdAt);
        }
        moved += rows.length;
        after = rows[rows.length - 1]!.seq;
      }
    })();
  }

  /**
   * Makes the sent and dead rows above `afterSeq` pending again, for a server that went back in time (its database
   * restored from a backup): they go again under the same seqs and event ids. Returns how many rows.
   */
  resendAfter(afterSeq: number): number {
    return this.stmts.resend.run(afterSeq).changes;
  }

  /**
   * Redacts in place the payloads of `kind` whose id is in `ids` (every one of `kind` when ids is null), whatever their
   * state; returns how many rows changed. redactEvents (redact.ts) is the whole deletion: this plus the tombstone.
   */
  redactPayloads(kind: string, ids: readonly string[] | null): number {
    return ids === null ? this.stmts.redactAll.run(kind).changes : this.stmts.redactIds.run(kind, JSON.stringify(ids)).changes;
  }

  /**
   * Runs fn with SQLite's secure_delete on (what a redaction frees is overwritten with zeros, not left in free pages),
   * then checkpoints the WAL into the database and truncates it, so the old text is in neither file afterwards (unless
   * another connection is reading at that moment: then its frames go at the next checkpoint). Inside a caller's
   * transaction the checkpoint is left to the next one: a checkpoint cannot run before that transaction commits.
   */
  scrubbing<T>(fn: () => T): T {
    const before = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      return fn();
    } finally {
      this.db.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
      if (!this.db.inTransaction) this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }

  /** Deletes sent rows older than the retention that no local reader still needs; returns how many. */
  prune(retentionDays: number, now: Date = this.clock()): number {
    return this.stmts.prune.run(now.getTime() - retentionDays * 86_400_000).changes;
  }
}
