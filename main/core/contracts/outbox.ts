// `jett outbox status|retry-dead --json`: the local outbox as the user sees it.
import { z } from 'zod';

export const OutboxStatusSchema = z.object({
  clientId: z.string().uuid(),
  pending: z.number().int().nonnegative(),
  oldestPendingAgeS: z.number().nonnegative().nullable(),
  dead: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  lastSuccessAt: z.string().nullable(),
  /** Why the oldest pending row has not gone yet (the last failed push), or null. */
  lastError: z.string().nullable(),
  inboxPending: z.number().int().nonnegative(),
});
export type OutboxStatus = z.infer<typeof OutboxStatusSchema>;

export const RetryDeadResultSchema = z.object({ requeued: z.number().int().nonnegative() });
export type RetryDeadResult = z.infer<typeof RetryDeadResultSchema>;
