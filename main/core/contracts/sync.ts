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

export const SyncBenchResultSchema = z.object({
  payload_bytes: z.number().int(),
  append_per_s: z.number(),
  raw_append_per_s: z.number(),
  append_ratio: z.number(),
  drain_per_s: z.number(),
  raw_insert_per_s: z.number(),
  drain_ratio: z.number(),
  rtt_ms: z.number(),
  backlog: z.number().int(),
  drain_s: z.number(),
});
export type SyncBenchResult = z.infer<typeof SyncBenchResultSchema>;

export const FaultRunResultSchema = z.object({
  runs: z.number().int(),
  kills: z.number().int(),
  kills_after_commit: z.number().int(),
  cuts: z.number().int(),
  lost: z.number().int(),
  duplicated: z.number().int(),
  reordered: z.number().int(),
  stuck: z.number().int(),
});
export type FaultRunResult = z.infer<typeof FaultRunResultSchema>;
