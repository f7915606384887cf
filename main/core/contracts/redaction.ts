// Deleting what was sent (or is still waiting to be): the tombstone event `event.redact` that travels through the
// outbox, the payload a redacted event keeps, and `events.redacted` on the bus. Generic over event kinds: voice
// history deletes `voice.turn` events with it, memory's "forget" its own items.
import { z } from 'zod';

/** The outbox kind of a tombstone; the VPS (server migration 0004) redacts its copies when one arrives. */
export const REDACT_KIND = 'event.redact';

/** The most item ids one tombstone names; a longer deletion goes as several tombstones, in one local transaction. */
export const REDACT_MAX_IDS = 1000;

const EventKindSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'kind is an outbox event kind such as voice.turn')
  .refine((k) => k !== REDACT_KIND, 'a tombstone cannot redact tombstones');

/**
 * A tombstone's payload: redact the events of `kind` whose payload `id` is in `ids`, or, with `all`, every event of
 * `kind` this desktop logged before the tombstone (by seq, so an event logged after it is kept). It names ids,
 * never the text it removes.
 */
export const RedactionSchema = z
  .strictObject({
    kind: EventKindSchema,
    ids: z.array(z.string().min(1).max(200)).max(REDACT_MAX_IDS),
    all: z.boolean(),
    /** Why, for the record on the VPS: "user deleted", "forget". Never the content. */
    reason: z.string().max(200),
  })
  .refine((r) => r.all !== r.ids.length > 0, 'name ids, or set all, not both and not neither');
export type Redaction = z.infer<typeof RedactionSchema>;

/** What a redacted event's payload becomes, on the desktop and on the VPS alike: its id, and nothing else it said. */
export const RedactedPayloadSchema = z.strictObject({ id: z.string().nullable(), redacted: z.literal(true) });
export type RedactedPayload = z.infer<typeof RedactedPayloadSchema>;

/** What one deletion did on the desktop; also the bus event `events.redacted`. */
export const RedactionResultSchema = z.object({
  kind: z.string(),
  /** The ids asked for; empty with `all`. */
  ids: z.array(z.string()),
  all: z.boolean(),
  /** Outbox rows whose payload was redacted here (pending ones never leave with their text). */
  outboxRows: z.number().int().nonnegative(),
  /** Rows the caller's own store removed (voice_turns, memory items). */
  localRows: z.number().int().nonnegative(),
  /** Seqs of the tombstones appended to the outbox, one per REDACT_MAX_IDS ids. */
  tombstones: z.array(z.number().int().positive()),
  at: z.string(),
});
export type RedactionResult = z.infer<typeof RedactionResultSchema>;
