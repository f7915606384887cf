// The local inbox: requests pulled from the VPS, stored durably once (INSERT OR IGNORE), answered through the outbox.
import type { SqliteDb } from '../db/local-db.js';
import type { Outbox } from '../outbox/store.js';

/** A request the VPS queued for the desktop (notify, speak, ask, ...), as the agent's handler receives it. */
export interface InboxRequest {
  requestId: string;
  kind: string;
  payload: unknown;
  receivedAt: Date;
}

export type InboxResult = { ok: true; result: unknown } | { ok: false; error: string };

/** Supplied by the agent: carries out a request and says how it went. */
export type InboxHandler = (request: InboxRequest) => Promise<InboxResult>;

export interface PulledRequest {
  requestId: string;
  kind: string;
  payload: unknown;
}

/** The outbox event kind that carries a result back; the server closes the request when it applies it. */
export const INBOX_RESULT_KIND = 'inbox.result';

export class InboxStore {
  private readonly stmts;

  constructor(
    private readonly db: SqliteDb,
    private readonly outbox: Outbox,
  ) {
    this.stmts = {
      insert: db.prepare(`INSERT OR IGNORE INTO inbox (request_id, kind, payload, received_at) VALUES (?, ?, ?, ?)`),
      received: db.prepare(`SELECT request_id AS requestId, kind, payload, received_at AS receivedAt FROM inbox WHERE state = 'received' ORDER BY received_at, request_id LIMIT ?`),
      done: db.prepare(`UPDATE inbox SET state = 'done', result = ?, handled_at = ? WHERE request_id = ? AND state = 'received'`),
      pending: db.prepare(`SELECT count(*) AS n FROM inbox WHERE state = 'received'`),
      prune: db.prepare(`DELETE FROM inbox WHERE state = 'done' AND handled_at < ?`),
    };
  }

  /** Stores pulled requests in one durable transaction; a request seen before is ignored. Returns how many were new. */
  store(requests: PulledRequest[], now: Date): number {
    return this.db.transaction(() => {
      let added = 0;
      for (const r of requests) added += this.stmts.insert.run(r.requestId, r.kind, JSON.stringify(r.payload ?? null), now.getTime()).changes;
      return added;
    })();
  }

  /** Requests received and not yet answered, oldest first. */
  received(limit: number): InboxRequest[] {
    const rows = this.stmts.received.all(limit) as { requestId: string; kind: string; payload: string; receivedAt: number }[];
    return rows.map((r) => ({ requestId: r.requestId, kind: r.kind, payload: JSON.parse(r.payload) as unknown, receivedAt: new Date(r.receivedAt) }));
  }

  /**
   * Records the result and queues it for the VPS in one transaction, so a crash leaves either both or neither
   * (the handler may then run again, but its result is sent once). Returns false when it was answered already.
   */
  complete(requestId: string, result: InboxResult, now: Date): boolean {
    return this.outbox.transaction(() => {
      const text = JSON.stringify(result);
      if (this.stmts.done.run(text, now.getTime(), requestId).changes === 0) return false;
      this.outbox.append(INBOX_RESULT_KIND, { request_id: requestId, ...result });
      return true;
    });
  }

  pending(): number {
    return (this.stmts.pending.get() as { n: number }).n;
  }

  prune(retentionDays: number, now: Date): number {
    return this.stmts.prune.run(now.getTime() - retentionDays * 86_400_000).changes;
  }
}
