// The sync's tunables (batch sizes, poll, lease, backoff, retention, event throttle) and their defaults.

export interface SyncOptions {
  batchRows: number;
  batchBytes: number;
  /** A full garbage collection after this many bytes pushed in one drain (see release-memory.ts). */
  collectEveryBytes: number;
  /** The poll that catches what a missed notification (or a write by another process) would leave behind. */
  pollMs: number;
  leaseS: number;
  claimLimit: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  retentionDays: number;
  pruneEveryMs: number;
  /** At most one 'outbox.counts' event per this interval while events are appended. */
  countsThrottleMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  batchRows: 5000,
  // 5000 rows of 250-byte events (about 1.6 MiB) fit: fewer round trips for a backlog over a slow link.
  batchBytes: 2 * 1024 * 1024,
  // Every 2-3 batches: a drain's RSS growth fell from 74 to 40 MiB (200,000 events), at a few ms per collection.
  collectEveryBytes: 4 * 1024 * 1024,
  pollMs: 30_000,
  leaseS: 60,
  claimLimit: 100,
  backoffBaseMs: 1000,
  backoffCapMs: 300_000,
  retentionDays: 7,
  pruneEveryMs: 6 * 3_600_000,
  countsThrottleMs: 250,
};
