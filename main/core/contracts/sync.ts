// `jett sync once --json`, `npm run bench:sync -- --json` and `npm run test:faults -- --json`: their last lines.
import { z } from 'zod';

export const SyncOnceResultSchema = z.object({
  pushed: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  pulled: z.number().int().nonnegative(),
  handled: z.number().int().nonnegative(),
  lastSeq: z.number().int().nullable(),
  pending: z.number().int().nonnegative(),
  dead: z.number().int().nonnegative(),
});
export type SyncOnceResultJson = z.infer<typeof SyncOnceResultSchema>;

