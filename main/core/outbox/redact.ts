// Deleting events that were logged to the VPS: the outbox rows keep their seqs (the sync's order and exactly-once
// hold) but their payloads are redacted in place, the caller's own store removes its rows, and a tombstone
// (`event.redact`) goes through the outbox so the VPS redacts its copy, whenever the tunnel next lets it through.
import { REDACT_KIND, REDACT_MAX_IDS, RedactionSchema, type Redaction, type RedactionResult } from '../contracts/redaction.js';
import type { EventBus } from '../events/bus.js';
import { OutboxError } from './errors.js';
import type { Outbox } from './store.js';

export interface RedactRequest {
  /** The outbox kind of the events to delete (voice.turn, a memory item's kind). */
  kind: string;
  /** The payloads' `id`s; leave out (or empty) with `all`. */
  ids?: readonly string[];
  /** Every event of `kind` logged so far. */
  all?: boolean;
  /** Why, kept with the tombstone: "user deleted", "forget". Never the content. */
  reason: string;
}

export interface RedactOptions {
  /**
   * Removes the caller's own copies (rows of voice_turns, memory items) inside the same local transaction, so the
   * deletion is all or nothing; returns how many rows it removed. Gets the ids of one chunk, or null for all.
   */
  local?: (ids: readonly string[] | null) => number;
  /** Told `events.redacted` once the deletion is committed (the window's history refreshes). */
  bus?: EventBus;
  clock?: () => Date;
}

function tombstones(req: RedactRequest): Redaction[] {
  const ids = [...new Set(req.ids ?? [])];
  const all = req.all ?? false;
  if (all && ids.length > 0) {
    throw new OutboxError(`cannot delete ${req.kind} events: both ids and all were given`, 'name the items to delete by id, or ask for all of them, not both');
  }
  const chunks = all ? [[]] : Array.from({ length: Math.ceil(ids.length / REDACT_MAX_IDS) }, (_, i) => ids.slice(i * REDACT_MAX_IDS, (i + 1) * REDACT_MAX_IDS));
  if (chunks.length === 0) chunks.push([]);
  return chunks.map((chunk) => {
    const parsed = RedactionSchema.safeParse({ kind: req.kind, ids: chunk, all, reason: req.reason });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new OutboxError(
        `cannot delete ${req.kind} events: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
        'name the items to delete by id, or ask for all of them',
      );
    }
    return parsed.data;
  });
}

/**
 * Deletes events of one kind, here and (through the outbox) on the VPS, in one local transaction: works offline (the
 * tombstone waits in the outbox like any event) and before the events were pushed (their rows go redacted, so the
 * text never leaves). An event already inside a push in flight reaches the VPS whole, and the tombstone that follows
 * it redacts it there.
 */
export function redactEvents(outbox: Outbox, req: RedactRequest, opts: RedactOptions = {}): RedactionResult {
  const plan = tombstones(req);
  const at = (opts.clock ?? (() => new Date()))();
  const done = outbox.scrubbing(() =>
    outbox.transaction(() => {
      let outboxRows = 0;
      let localRows = 0;
      const seqs: number[] = [];
      for (const t of plan) {
        const ids = t.all ? null : t.ids;
        outboxRows += outbox.redactPayloads(t.kind, ids);
        localRows += opts.local?.(ids) ?? 0;
        seqs.push(outbox.append(REDACT_KIND, t).seq);
      }
      return { outboxRows, localRows, seqs };
    }),
  );
  const result: RedactionResult = {
    kind: req.kind,
    ids: plan.flatMap((t) => t.ids),
    all: plan[0]!.all,
    outboxRows: done.outboxRows,
    localRows: done.localRows,
    tombstones: done.seqs,
    at: at.toISOString(),
  };
  opts.bus?.emit('events.redacted', result);
  return result;
}
