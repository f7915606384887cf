// Memory's shapes: an item as `jett memory list|search --json` prints it, the outbox event a shared item travels
// as (`memory.item`, its vector included, for the VPS's Qdrant), and `jett memory forget|export --json`.
import { z } from 'zod';

/** The outbox kind of a memory item; forgetting redacts these by their payload `id`. */
export const MEMORY_ITEM_KIND = 'memory.item';

/** turn: an answered voice exchange; fact: something the user asked Jett to remember. */
export const MemoryKindSchema = z.enum(['turn', 'fact']);
export type MemoryKind = z.infer<typeof MemoryKindSchema>;

export const MemoryItemSchema = z.object({
  /** A UUIDv7; on the VPS, the item's Qdrant point id. */
  id: z.string(),
  at: z.string(),
  text: z.string(),
  kind: MemoryKindSchema,
  /** Private items stay on the desktop: never in the outbox, never in Qdrant. */
  private: z.boolean(),
});
export type MemoryItem = z.infer<typeof MemoryItemSchema>;

/** `jett memory list --json` and `jett memory search --json`: newest first, or nearest first. */
export const MemoryListOutputSchema = z.array(MemoryItemSchema);

/** The `memory.item` event's payload. */
export const MemoryItemEventSchema = z.strictObject({
  id: z.string(),
  at: z.string(),
  kind: MemoryKindSchema,
  text: z.string(),
  /** The embedding model, so the VPS never mixes vectors of two models in one search. */
  model: z.string(),
  vector: z.array(z.number()),
});
export type MemoryItemEvent = z.infer<typeof MemoryItemEventSchema>;

/** `jett memory forget ID --json`. */
export const MemoryForgetOutputSchema = z.object({ forgotten: z.array(z.string()), missing: z.array(z.string()) });
export type MemoryForgetOutput = z.infer<typeof MemoryForgetOutputSchema>;

/** `jett memory export --json`: every live item with its embedding model. */
export const MemoryExportOutputSchema = z.object({ exportedAt: z.string(), items: z.array(MemoryItemSchema.extend({ model: z.string() })) });
export type MemoryExportOutput = z.infer<typeof MemoryExportOutputSchema>;

// The window's memory view (control `memory.list`/`memory.forget`, IPC `memory:list`/`memory:forget`).
export const MEMORY_VIEW_MAX = 200;

/** Newest first, or (with `search`) nearest in meaning first: searching needs the embedding model, listing does not. */
export const MemoryViewQuerySchema = z.strictObject({
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(MEMORY_VIEW_MAX).default(100),
});
export type MemoryViewQuery = z.input<typeof MemoryViewQuerySchema>;

/** The items, and whether search can run now (the embedding model is downloaded and loads) or why not, with what to do. */
export const MemoryViewSchema = z.object({
  items: z.array(MemoryItemSchema),
  search: z.object({ ready: z.boolean(), model: z.string(), reason: z.string().nullable() }),
});
export type MemoryView = z.infer<typeof MemoryViewSchema>;

/** Forget these items here at once and, through the outbox (a tombstone), on the VPS. */
export const MemoryForgetSchema = z.strictObject({ ids: z.array(z.string().min(1).max(200)).min(1).max(MEMORY_VIEW_MAX) });
export type MemoryForget = z.infer<typeof MemoryForgetSchema>;
