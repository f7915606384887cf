// The push worker: sends the outbox to the VPS in seq order, one batch in flight at a time, and heals a desktop or
// a server that went back in time; a failure is recorded on the head row with the backoff it chose.
import type { Logger } from '../log/logger.js';
import type { Outbox, PushOutcome } from '../outbox/store.js';
import type { SyncCounts } from './counts.js';
import { backoffDelayMs, classifyFailure, fixFor, gapAbove, seqsTakenAbove, type Failure } from './errors.js';
import type { SyncHooks } from './hooks.js';
import type { SyncOptions } from './options.js';
import { releaseMemory } from './release-memory.js';
import { preparePush, pushBatch, withClient } from './server-api.js';
import type { ServerPool } from './server-pool.js';

export interface PushResult {
  sent: number;
  rejected: number;
  failure: Failure | null;
  retryInMs: number;
  /** The rows to send changed (renumbered after JT002, or re-sent after JT001): push again now. */
  retryNow: boolean;
}

export interface PushWorkerDeps {
  outbox: Outbox;
  pool: ServerPool;
  counts: SyncCounts;
  log: Logger;
  clock: () => Date;
  random: () => number;
  opts: SyncOptions;
  hooks?: SyncHooks;
}

export class PushWorker {
  private failures = 0;
  private last: number | null = null;

  constructor(private readonly deps: PushWorkerDeps) {}

  /** The last seq the server confirmed in this process. */
  get lastSeq(): number | null {
    return this.last;
  }

  /** The link is back: the next failure starts the backoff from its base again. */
  resetFailures(): void {
    this.failures = 0;
  }

  /**
   * Pushes batches until the outbox is drained, a push fails or `go` says stop. One push is in flight at a time;
   * while the server works on batch N+1, batch N is marked sent and batch N+2 is read, so local work costs no time.
   * Never throws: a failure is returned (and recorded on the head row, with the backoff it chose).
   */
  async drain(go: () => boolean): Promise<PushResult> {
    const { outbox, hooks, opts, log, counts } = this.deps;
    const limits = { maxRows: opts.batchRows, maxBytes: opts.batchBytes };
    const result: PushResult = { sent: 0, rejected: 0, failure: null, retryInMs: 0, retryNow: false };
    let batch = outbox.nextPush(limits);
    if (batch.length === 0) return result;
    let unmarked: PushOutcome | null = null;
    const mark = (outcome: PushOutcome) => {
      const m = outbox.markPushed(outcome, this.deps.clock(), hooks ? () => hooks.at('push.mark-sent') : undefined);
      result.sent += m.sent;
      result.rejected += m.dead;
      for (const r of outcome.rejected) log.error('the server rejected an event; it is dead locally (`jett outbox retry-dead` re-queues it)', { seq: r.seq, sqlstate: r.sqlstate, error: r.error });
      this.last = outcome.lastSeq;
      counts.outboxSoon();
    };
    const markPending = () => {
      const outcome = unmarked;
      unmarked = null;
      if (outcome) mark(outcome);
    };
    try {
      const pool = await this.deps.pool.get();
      let uncollected = 0;
      await withClient(pool, async (client) => {
        let push = preparePush(outbox.clientId, batch);
        for (;;) {
          hooks?.at('push.before-commit');
          const inflight = pushBatch(client, push);
          // While the server works: mark the previous batch, read and serialise the next one.
          markPending();
          const nextBatch = go() ? outbox.nextPush(limits, batch.lastSeq) : null;
          const next = nextBatch && nextBatch.length > 0 ? preparePush(outbox.clientId, nextBatch) : null;
          // A long drain's garbage, collected while the server works rather than when V8's limits are reached.
          uncollected += push.batch.bytes;
          if (uncollected >= opts.collectEveryBytes) {
            releaseMemory();
            uncollected = 0;
          }
          const outcome = await inflight;
          hooks?.at('push.after-commit');
          unmarked = outcome;
          this.failures = 0;
          if (!next) break;
          push = next;
          batch = next.batch;
        }
      });
      markPending();
    } catch (err) {
      return this.failed(err, result);
    }
    counts.outbox();
    return result;
  }

  private failed(err: unknown, result: PushResult): PushResult {
    const { outbox, opts, log, counts } = this.deps;
    const taken = seqsTakenAbove(err);
    if (taken !== null) {
      const moved = outbox.renumberPending(taken);
      log.warn('this desktop database went back in time (restored from a backup?); its pending rows get new seqs above the server\'s', { serverLastSeq: taken, moved });
      return { ...result, retryNow: true };
    }
    const gap = gapAbove(err);
    const resent = gap === null ? 0 : outbox.resendAfter(gap);
    if (resent > 0) {
      log.warn('the VPS database went back in time (restored from a backup?); sending again the rows it lost that are still kept here', { serverLastSeq: gap, rows: resent });
      return { ...result, retryNow: true };
    }
    const failure = classifyFailure(err);
    this.failures++;
    const delay = backoffDelayMs(this.failures, opts.backoffBaseMs, opts.backoffCapMs, this.deps.random);
    const head = outbox.nextBatch({ maxRows: 1, maxBytes: 0 }).seqs[0];
    if (head !== undefined) outbox.recordFailure(head, failure.message, new Date(this.deps.clock().getTime() + delay));
    const fields = { error: failure.message, code: failure.code, failures: this.failures, retryInMs: delay };
    if (failure.kind === 'transient') log.warn('push failed; will retry', fields);
    else log.error('push failed; will retry', { ...fields, fix: fixFor(failure) });
    counts.outbox();
    return { ...result, failure, retryInMs: delay };
  }
}
