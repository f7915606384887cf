// The sync service: pushes the outbox to the VPS PostgreSQL (one push at a time, in seq order, resumable) and pulls
// the VPS inbox (LISTEN/NOTIFY, a poll and tunnel-up), handing requests to the agent's handler.
import type pg from 'pg';
import type { StatusSnapshot } from '../contracts/status.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { OutboxError } from '../outbox/errors.js';
import type { Outbox, PushOutcome } from '../outbox/store.js';
import { backoffDelayMs, classifyFailure, fixFor, gapAbove, seqsTakenAbove, SyncError, type Failure } from './errors.js';
import { realTimers, type SyncHooks, type Timers } from './hooks.js';
import type { InboxHandler, InboxStore } from './inbox-store.js';
import type { PgPoolFactory } from './pg-pool.js';
import { ackInbox, claimInbox, preparePush, pushBatch, withClient } from './server-api.js';
import { checkServerSchema } from './schema-version.js';

export const INBOX_CHANNEL = 'jett_desktop_inbox';

export interface SyncOptions {
  batchRows: number;
  batchBytes: number;
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
  batchBytes: 1024 * 1024,
  pollMs: 30_000,
  leaseS: 60,
  claimLimit: 100,
  backoffBaseMs: 1000,
  backoffCapMs: 300_000,
  retentionDays: 7,
  pruneEveryMs: 6 * 3_600_000,
  countsThrottleMs: 250,
};

export interface SyncDeps {
  outbox: Outbox;
  inbox: InboxStore;
  pool: PgPoolFactory;
  bus: EventBus;
  logger: Logger;
  clock?: () => Date;
  timers?: Timers;
  random?: () => number;
  /** The agent's dispatcher for pulled requests; without one they wait in the local inbox. */
  handler?: InboxHandler;
  /** Test-only failpoints. */
  hooks?: SyncHooks;
  options?: Partial<SyncOptions>;
}

export interface SyncOnceResult {
  pushed: number;
  rejected: number;
  pulled: number;
  handled: number;
  lastSeq: number | null;
}

interface PushResult {
  sent: number;
  rejected: number;
  failure: Failure | null;
  retryInMs: number;
  /** The rows to send changed (renumbered after JT002, or re-sent after JT001): push again now. */
  retryNow: boolean;
}

/** A single-flight loop: run() while wanted; a request during a run makes it go round once more. */
class Loop {
  private running: Promise<void> | null = null;
  private wanted = false;

  constructor(
    private readonly body: () => Promise<boolean>,
    private readonly allowed: () => boolean,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Asks for a run; body returns true when it wants another round straight away. */
  request(): void {
    if (!this.allowed()) return;
    this.wanted = true;
    if (this.running) return;
    this.running = Promise.resolve()
      .then(async () => {
        while (this.wanted && this.allowed()) {
          this.wanted = false;
          if (await this.body()) this.wanted = true;
        }
      })
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.wanted) this.request();
      });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

export class SyncService {
  private readonly opts: SyncOptions;
  private readonly clock: () => Date;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly log: Logger;
  private started = false;
  private linkDown = false;
  private poolP: Promise<pg.Pool> | null = null;
  private failures = 0;
  private lastSeq: number | null = null;
  private backoffTimer: unknown = null;
  private pollTimer: unknown = null;
  private pruneTimer: unknown = null;
  private countsTimer: unknown = null;
  private listenClient: pg.PoolClient | null = null;
  /** Connections checked out of the pool right now (a push or a pull in flight). */
  private readonly inUse = new Set<pg.PoolClient>();
  private listenStarting = false;
  private unsubscribe: (() => void) | null = null;
  private readonly pushLoop: Loop;
  private readonly pullLoop: Loop;
  private readonly handleLoop: Loop;

  constructor(private readonly deps: SyncDeps) {
    this.opts = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
    this.clock = deps.clock ?? (() => new Date());
    this.timers = deps.timers ?? realTimers;
    this.random = deps.random ?? Math.random;
    this.log = deps.logger.child({ component: 'sync' });
    const live = () => this.started && !this.linkDown;
    // A local failure (disk full, a broken database) must be seen, not swallowed; the next trigger tries again.
    const fail = (what: string) => (err: unknown) => this.log.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    this.pushLoop = new Loop(() => this.pushRound(), () => live() && this.backoffTimer === null, fail('push'));
    this.pullLoop = new Loop(() => this.pullRound(), live, fail('pull'));
    this.handleLoop = new Loop(() => this.handleRound(), () => this.started && this.deps.handler !== undefined, fail('inbox handling'));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.deps.outbox.onAppend(() => {
      this.pushLoop.request();
      this.scheduleCounts();
    });
    this.prune();
    this.tick();
    this.handleLoop.request();
    this.emitCounts();
    this.emitInbox();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of [this.backoffTimer, this.pollTimer, this.pruneTimer, this.countsTimer]) if (t !== null) this.timers.clearTimeout(t);
    this.backoffTimer = this.pollTimer = this.pruneTimer = this.countsTimer = null;
    await Promise.all([this.pushLoop.idle(), this.pullLoop.idle(), this.handleLoop.idle()]);
    this.dropListen();
    await this.dropPool();
  }

  /** The tunnel came up: forget the backoff and push, pull and listen now. */
  onTunnelUp(): void {
    this.linkDown = false;
    this.failures = 0;
    this.clearBackoff();
    this.pushLoop.request();
    this.pullLoop.request();
    void this.ensureListening();
  }

  /**
   * The tunnel went down: stop trying until it is back; connections through it are dead, so drop them. A query in
   * flight is cut too: its TCP connection would otherwise sit in retransmission backoff for seconds after the link
   * returns, holding the one push loop. A push cut this way has an unknown outcome and is simply sent again.
   */
  onTunnelDown(): void {
    this.linkDown = true;
    this.clearBackoff();
    for (const client of this.inUse) (client as unknown as pg.Client).connection.stream.destroy(new Error('the tunnel went down'));
    this.inUse.clear();
    this.dropListen();
    void this.dropPool();
  }

  status(): Pick<StatusSnapshot, 'outbox' | 'inbox'> {
    return { outbox: this.deps.outbox.counts(this.clock()), inbox: { pending: this.deps.inbox.pending() } };
  }

  /**
   * Pushes until the outbox is drained, pulls the inbox once and answers what the handler can, ignoring any backoff.
   * Throws SyncError when the VPS cannot be reached or refuses the push.
   */
  async syncOnce(): Promise<SyncOnceResult> {
    await this.pushLoop.idle();
    const result: SyncOnceResult = { pushed: 0, rejected: 0, pulled: 0, handled: 0, lastSeq: null };
    for (let round = 0; round < 3; round++) {
      const push = await this.pushDrain(() => true);
      if (push.failure) throw new SyncError(`push to the VPS database failed: ${push.failure.message}`, fixFor(push.failure));
      result.pushed += push.sent;
      result.rejected += push.rejected;
      if (!push.retryNow) break;
    }
    await this.pullLoop.idle();
    try {
      for (;;) {
        const n = await this.pullStep();
        result.pulled += n;
        if (n < this.opts.claimLimit) break;
      }
    } catch (err) {
      const f = classifyFailure(err);
      throw new SyncError(`pull from the VPS inbox failed: ${f.message}`, fixFor(f), { cause: err });
    }
    if (this.deps.handler) result.handled = await this.handleAll();
    result.lastSeq = this.lastSeq;
    this.emitCounts();
    this.emitInbox();
    return result;
  }

  private tick(): void {
    this.pollTimer = this.timers.setTimeout(() => this.tick(), this.opts.pollMs);
    if (this.linkDown) return;
    this.pushLoop.request();
    this.pullLoop.request();
    void this.checkListen();
  }

  /** Runs local bookkeeping from a timer: a busy or failing database is logged, never thrown into the event loop. */
  private guarded(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`${what} failed; it is tried again later`, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private prune(): void {
    this.pruneTimer = this.timers.setTimeout(() => this.prune(), this.opts.pruneEveryMs);
    this.guarded('pruning the outbox', () => {
      const now = this.clock();
      const rows = this.deps.outbox.prune(this.opts.retentionDays, now) + this.deps.inbox.prune(this.opts.retentionDays, now);
      if (rows > 0) this.log.info('pruned sent rows past the retention', { rows, retentionDays: this.opts.retentionDays });
    });
  }

  private getPool(): Promise<pg.Pool> {
    this.poolP ??= (async () => {
      const pool = await this.deps.pool();
      pool.on('error', (err) => this.log.warn('an idle database connection failed', { error: err.message }));
      pool.on('acquire', (client) => this.inUse.add(client));
      pool.on('release', (_err, client) => this.inUse.delete(client));
      try {
        const schema = await withClient(pool, (c) => checkServerSchema(c));
        if (schema.server > schema.desktop) this.log.info('the VPS schema is newer than this Jett and says it still works with it', { ...schema });
      } catch (err) {
        await pool.end().catch(() => undefined);
        throw err;
      }
      return pool;
    })();
    const p = this.poolP;
    p.catch(() => {
      if (this.poolP === p) this.poolP = null;
    });
    return p;
  }

  private async dropPool(): Promise<void> {
    const p = this.poolP;
    this.poolP = null;
    if (!p) return;
    const pool = await p.catch(() => null);
    await pool?.end().catch(() => undefined);
  }

  private clearBackoff(): void {
    if (this.backoffTimer !== null) this.timers.clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
  }

  /**
   * Pushes batches until the outbox is drained, a push fails or `go` says stop. One push is in flight at a time;
   * while the server works on batch N+1, batch N is marked sent and batch N+2 is read, so local work costs no time.
   * Never throws: a failure is returned (and recorded on the head row, with the backoff it chose).
   */
  private async pushDrain(go: () => boolean): Promise<PushResult> {
    const { outbox, hooks } = this.deps;
    const limits = { maxRows: this.opts.batchRows, maxBytes: this.opts.batchBytes };
    const result: PushResult = { sent: 0, rejected: 0, failure: null, retryInMs: 0, retryNow: false };
    let batch = outbox.nextBatch(limits);
    if (batch.length === 0) return result;
    let unmarked: PushOutcome | null = null;
    const mark = (outcome: PushOutcome) => {
      const m = outbox.markPushed(outcome, this.clock(), hooks ? () => hooks.at('push.mark-sent') : undefined);
      result.sent += m.sent;
      result.rejected += m.dead;
      for (const r of outcome.rejected) this.log.error('the server rejected an event; it is dead locally (`jett outbox retry-dead` re-queues it)', { seq: r.seq, sqlstate: r.sqlstate, error: r.error });
      this.lastSeq = outcome.lastSeq;
      // Counting 100,000 pending rows after every batch of a long drain would cost more than the batch's mark.
      this.scheduleCounts();
    };
    const markPending = () => {
      const outcome = unmarked;
      unmarked = null;
      if (outcome) mark(outcome);
    };
    try {
      const pool = await this.getPool();
      await withClient(pool, async (client) => {
        let push = preparePush(outbox.clientId, batch);
        for (;;) {
          hooks?.at('push.before-commit');
          const inflight = pushBatch(client, push);
          // While the server works: mark the previous batch, read and serialise the next one.
          markPending();
          const nextBatch = go() ? outbox.nextBatch(limits, batch.seqs[batch.length - 1]) : null;
          const next = nextBatch && nextBatch.length > 0 ? preparePush(outbox.clientId, nextBatch) : null;
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
      const taken = seqsTakenAbove(err);
      if (taken !== null) {
        const moved = outbox.renumberPending(taken);
        this.log.warn('this desktop database went back in time (restored from a backup?); its pending rows get new seqs above the server\'s', { serverLastSeq: taken, moved });
        return { ...result, retryNow: true };
      }
      const gap = gapAbove(err);
      const resent = gap === null ? 0 : outbox.resendAfter(gap);
      if (resent > 0) {
        this.log.warn('the VPS database went back in time (restored from a backup?); sending again the rows it lost that are still kept here', { serverLastSeq: gap, rows: resent });
        return { ...result, retryNow: true };
      }
      const failure = classifyFailure(err);
      this.failures++;
      const delay = backoffDelayMs(this.failures, this.opts.backoffBaseMs, this.opts.backoffCapMs, this.random);
      const head = outbox.nextBatch({ maxRows: 1, maxBytes: 0 }).seqs[0];
      if (head !== undefined) outbox.recordFailure(head, failure.message, new Date(this.clock().getTime() + delay));
      const fields = { error: failure.message, code: failure.code, failures: this.failures, retryInMs: delay };
      if (failure.kind === 'transient') this.log.warn('push failed; will retry', fields);
      else this.log.error('push failed; will retry', { ...fields, fix: fixFor(failure) });
      this.emitCounts();
      return { ...result, failure, retryInMs: delay };
    }
    this.emitCounts();
    return result;
  }

  private async pushRound(): Promise<boolean> {
    const r = await this.pushDrain(() => this.started && !this.linkDown);
    if (r.failure && this.started && !this.linkDown) {
      // One attempt per backoff period; only the timer (or tunnel-up) ends the wait.
      this.backoffTimer = this.timers.setTimeout(() => {
        this.backoffTimer = null;
        this.pushLoop.request();
      }, r.retryInMs);
    }
    return r.retryNow;
  }

  /** Claims ready requests, stores them durably, then acknowledges; a crash in between only redelivers. */
  private async pullStep(): Promise<number> {
    const { hooks, inbox } = this.deps;
    const pool = await this.getPool();
    const claimed = await withClient(pool, async (c) => {
      const requests = await claimInbox(c, this.opts.claimLimit, this.opts.leaseS);
      if (requests.length === 0) return 0;
      hooks?.at('pull.after-claim');
      inbox.store(requests, this.clock());
      hooks?.at('pull.after-store');
      await ackInbox(c, requests.map((r) => r.requestId));
      return requests.length;
    });
    if (claimed > 0) {
      this.log.info('pulled requests from the VPS inbox', { count: claimed });
      this.emitInbox();
      this.handleLoop.request();
    }
    return claimed;
  }

  private async pullRound(): Promise<boolean> {
    try {
      return (await this.pullStep()) === this.opts.claimLimit;
    } catch (err) {
      const f = classifyFailure(err);
      this.log.warn('pull failed; the next notification, poll or tunnel-up retries it', { error: f.message, code: f.code });
      return false;
    }
  }

  private async handleAll(): Promise<number> {
    let handled = 0;
    for (;;) {
      const n = await this.handleBatch();
      handled += n;
      if (n === 0) return handled;
    }
  }

  private async handleRound(): Promise<boolean> {
    return (await this.handleBatch()) > 0;
  }

  /** Hands received requests to the agent's handler; each result goes back through the outbox. */
  private async handleBatch(): Promise<number> {
    const handler = this.deps.handler;
    if (!handler) return 0;
    const requests = this.deps.inbox.received(20);
    for (const req of requests) {
      let result;
      try {
        result = await handler(req);
      } catch (err) {
        result = { ok: false as const, error: err instanceof Error ? err.message : String(err) };
      }
      try {
        this.deps.inbox.complete(req.requestId, result, this.clock());
      } catch (err) {
        // A result the outbox refuses (too big, not JSON) must still answer the request, or it would block the rest.
        const why = err instanceof OutboxError ? err.message : `not JSON-serialisable (${(err as Error).message})`;
        this.log.warn('an inbox result was refused; answering the request as failed', { requestId: req.requestId, error: why });
        this.deps.inbox.complete(req.requestId, { ok: false, error: `the result was refused: ${why}` }, this.clock());
      }
    }
    if (requests.length > 0) this.emitInbox();
    return requests.length;
  }

  private async ensureListening(): Promise<void> {
    if (!this.started || this.linkDown || this.listenClient || this.listenStarting) return;
    this.listenStarting = true;
    try {
      const pool = await this.getPool();
      const client = await pool.connect();
      client.on('notification', () => this.pullLoop.request());
      client.on('error', (err) => {
        this.log.warn('the LISTEN connection failed; the poll reconnects it', { error: err.message });
        if (this.listenClient === client) this.dropListen(err);
      });
      try {
        await client.query(`LISTEN ${INBOX_CHANNEL}`);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      if (!this.started || this.linkDown) {
        client.release();
        return;
      }
      this.listenClient = client;
      // Whatever was queued before LISTEN took effect would ring no bell.
      this.pullLoop.request();
    } catch (err) {
      this.log.debug('cannot LISTEN for inbox requests yet', { error: (err as Error).message });
    } finally {
      this.listenStarting = false;
    }
  }

  /** A LISTEN connection on a dead link can look alive for hours: a query on it each poll proves it. */
  private async checkListen(): Promise<void> {
    const client = this.listenClient;
    if (!client) return this.ensureListening();
    try {
      await client.query('SELECT 1');
    } catch (err) {
      if (this.listenClient === client) this.dropListen(err as Error);
      return this.ensureListening();
    }
  }

  private dropListen(err?: Error): void {
    const client = this.listenClient;
    this.listenClient = null;
    // Always destroyed, never reused: a pooled connection must not keep our LISTEN.
    client?.release(err ?? true);
  }

  private emitCounts(): void {
    if (this.countsTimer !== null) this.timers.clearTimeout(this.countsTimer);
    this.countsTimer = null;
    this.guarded('counting the outbox', () => this.deps.bus.emit('outbox.counts', this.deps.outbox.counts(this.clock())));
  }

  private scheduleCounts(): void {
    if (this.countsTimer !== null) return;
    this.countsTimer = this.timers.setTimeout(() => {
      this.countsTimer = null;
      this.emitCounts();
    }, this.opts.countsThrottleMs);
  }

  private emitInbox(): void {
    this.guarded('counting the inbox', () => this.deps.bus.emit('inbox.counts', { pending: this.deps.inbox.pending() }));
  }
}
