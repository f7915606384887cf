// The sync coordinator: drives the push worker, the inbox puller and the inbox dispatcher from the link's state
// machine (start, stop, tunnel up and down, a push's backoff), the poll, LISTEN and the pruning timer. A sync that
// is not configured (no database password) never starts the link: appends wait in the outbox, nothing connects.
import type { ServiceSetup, StatusSnapshot } from '../contracts/status.js';
import { errorMessage } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/store.js';
import { SyncCounts } from './counts.js';
import { classifyFailure, fixFor, SyncError } from './errors.js';
import { guarded } from './guarded.js';
import { realTimers, type SyncHooks, type Timers } from './hooks.js';
import { InboxDispatcher } from './inbox-dispatcher.js';
import { InboxListener } from './inbox-listener.js';
import { InboxPuller } from './inbox-puller.js';
import type { InboxHandler, InboxStore } from './inbox-store.js';
import { canPush, isLive, isStarted, nextLinkState, type LinkEvent, type LinkState } from './link.js';
import { Loop } from './loop.js';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from './options.js';
import type { PgPoolFactory } from './pg-pool.js';
import { PushWorker } from './push-worker.js';
import { ServerPool } from './server-pool.js';

export { DEFAULT_SYNC_OPTIONS, type SyncOptions } from './options.js';

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
  /**
   * Whether the sync has its settings and password (syncReadiness), asked once at start; absent: taken as set up.
   * A sync that is rebuilt after a settings change asks again.
   */
  readiness?: () => Promise<ServiceSetup>;
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

export class SyncService {
  private readonly opts: SyncOptions;
  private readonly clock: () => Date;
  private readonly timers: Timers;
  private readonly log: Logger;
  private state: LinkState = 'off';
  private backoffTimer: unknown = null;
  private pollTimer: unknown = null;
  private pruneTimer: unknown = null;
  private unsubscribe: (() => void) | null = null;
  private readonly pool: ServerPool;
  private readonly counts: SyncCounts;
  private readonly push: PushWorker;
  private readonly puller: InboxPuller;
  private readonly listener: InboxListener;
  private readonly dispatcher: InboxDispatcher | null;
  private readonly pushLoop: Loop;
  private readonly pullLoop: Loop;
  private readonly handleLoop: Loop;
  private setup: ServiceSetup | null = null;
  private deciding: Promise<ServiceSetup> | null = null;
  private wanted = false;

  constructor(private readonly deps: SyncDeps) {
    const opts = (this.opts = { ...DEFAULT_SYNC_OPTIONS, ...deps.options });
    const clock = (this.clock = deps.clock ?? (() => new Date()));
    this.timers = deps.timers ?? realTimers;
    const log = (this.log = deps.logger.child({ component: 'sync' }));
    const { outbox, inbox, hooks } = deps;
    this.pool = new ServerPool(deps.pool, log);
    this.counts = new SyncCounts({ outbox, inbox, bus: deps.bus, log, clock, timers: this.timers, throttleMs: opts.countsThrottleMs });
    this.push = new PushWorker({ outbox, pool: this.pool, counts: this.counts, log, clock, random: deps.random ?? Math.random, opts, hooks });
    const onPulled = () => {
      this.counts.inbox();
      this.handleLoop.request();
    };
    this.puller = new InboxPuller({ inbox, pool: this.pool, log, clock, opts, hooks, onPulled });
    this.listener = new InboxListener({ pool: this.pool, log, live: () => isLive(this.state), ring: () => this.pullLoop.request() });
    this.dispatcher = deps.handler ? new InboxDispatcher({ inbox, handler: deps.handler, log, clock, onHandled: () => this.counts.inbox() }) : null;
    // A local failure (disk full, a broken database) must be seen, not swallowed; the next trigger tries again.
    const fail = (what: string) => (err: unknown) => log.error(`${what} failed`, { error: errorMessage(err) });
    this.pushLoop = new Loop(() => this.pushRound(), () => canPush(this.state), fail('push'));
    this.pullLoop = new Loop(() => this.pullRound(), () => isLive(this.state), fail('pull'));
    const dispatcher = this.dispatcher;
    this.handleLoop = new Loop(async () => dispatcher !== null && (await dispatcher.batch()) > 0, () => isStarted(this.state) && dispatcher !== null, fail('inbox handling'));
  }

  /** Starts the link once the settings are known to be there; resolves when that is decided. */
  start(): Promise<void> {
    this.wanted = true;
    if (!this.deps.readiness) {
      this.setup = { configured: true, reason: '', next: null };
      this.fire('start');
      return Promise.resolve();
    }
    return this.decide().then((setup) => {
      if (!this.wanted || isStarted(this.state) || this.unsubscribe) return;
      if (setup.configured) return this.fire('start');
      this.log.info('sync not configured: appends wait in the outbox', { reason: setup.reason });
      // Only the counts follow appends: no push is tried until a sync with a password is built.
      this.unsubscribe = this.deps.outbox.onAppend(() => this.counts.outboxSoon());
      this.counts.outbox();
    });
  }

  /** Set up or not (with the next step); before start decides, taken as set up. */
  setupState(): ServiceSetup {
    return this.setup ?? { configured: true, reason: 'not checked yet', next: null };
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.deciding;
    this.fire('stop');
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.counts.cancel();
    await Promise.all([this.pushLoop.idle(), this.pullLoop.idle(), this.handleLoop.idle()]);
    this.listener.drop();
    await this.pool.drop();
  }

  /** The tunnel came up: forget the backoff and push, pull and listen now. */
  onTunnelUp(): void {
    this.fire('tunnel-up');
  }

  /** The tunnel went down: stop trying until it is back; connections through it are dead, so cut and drop them. */
  onTunnelDown(): void {
    this.fire('tunnel-down');
  }

  status(): Pick<StatusSnapshot, 'outbox' | 'inbox'> {
    return { outbox: this.deps.outbox.counts(this.clock()), inbox: { pending: this.deps.inbox.pending() } };
  }

  /**
   * Pushes until the outbox is drained, pulls the inbox once and answers what the handler can, ignoring any backoff.
   * Throws SyncError when the VPS cannot be reached or refuses the push.
   */
  async syncOnce(): Promise<SyncOnceResult> {
    const setup = await this.decide();
    if (!setup.configured) throw new SyncError(`the sync is not configured: ${setup.reason}`, setup.next ?? 'run `jett doctor`');
    await this.pushLoop.idle();
    const result: SyncOnceResult = { pushed: 0, rejected: 0, pulled: 0, handled: 0, lastSeq: null };
    for (let round = 0; round < 3; round++) {
      const push = await this.push.drain(() => true);
      if (push.failure) throw new SyncError(`push to the VPS database failed: ${push.failure.message}`, fixFor(push.failure));
      result.pushed += push.sent;
      result.rejected += push.rejected;
      if (!push.retryNow) break;
    }
    await this.pullLoop.idle();
    try {
      for (;;) {
        const n = await this.puller.step();
        result.pulled += n;
        if (n < this.opts.claimLimit) break;
      }
    } catch (err) {
      const f = classifyFailure(err);
      throw new SyncError(`pull from the VPS inbox failed: ${f.message}`, fixFor(f), { cause: err });
    }
    if (this.dispatcher) result.handled = await this.dispatcher.all();
    result.lastSeq = this.push.lastSeq;
    this.counts.outbox();
    this.counts.inbox();
    return result;
  }

  private decide(): Promise<ServiceSetup> {
    const readiness = this.deps.readiness;
    if (!readiness) return Promise.resolve(this.setupState());
    this.deciding ??= readiness().then(
      (setup) => (this.setup = setup),
      (err: unknown) => (this.setup = { configured: false, reason: `the sync settings cannot be read: ${errorMessage(err)}`, next: 'run `jett doctor`' }),
    );
    return this.deciding;
  }

  /** Moves the link by the transition table; every side effect of a transition is here. */
  private fire(event: LinkEvent, retryInMs = 0): void {
    const from = this.state;
    const to = nextLinkState(from, event);
    if (to === null) return;
    this.state = to;
    if (from !== to) this.log.debug('sync link', { from, to, event });
    // Leaving the backoff (tunnel up or down, stop) ends its wait; its own timer ending it cleared the handle already.
    if (from === 'backoff' && to !== 'backoff') this.clearBackoff();
    switch (event) {
      case 'start':
        this.unsubscribe = this.deps.outbox.onAppend(() => {
          this.pushLoop.request();
          this.counts.outboxSoon();
        });
        this.prune();
        this.tick();
        this.handleLoop.request();
        this.counts.outbox();
        this.counts.inbox();
        return;
      case 'stop':
        this.unsubscribe?.();
        this.unsubscribe = null;
        for (const t of [this.pollTimer, this.pruneTimer]) if (t !== null) this.timers.clearTimeout(t);
        this.pollTimer = this.pruneTimer = null;
        this.counts.cancel();
        return;
      case 'tunnel-up':
        this.push.resetFailures();
        this.pushLoop.request();
        this.pullLoop.request();
        void this.listener.ensure();
        return;
      case 'tunnel-down':
        // A push cut here has an unknown outcome and is simply sent again.
        this.pool.cutInFlight('the tunnel went down');
        this.listener.drop();
        void this.pool.drop();
        return;
      case 'push-failed':
        // One attempt per backoff period; only the timer (or tunnel-up) ends the wait.
        this.backoffTimer = this.timers.setTimeout(() => {
          this.backoffTimer = null;
          this.fire('backoff-over');
        }, retryInMs);
        return;
      case 'backoff-over':
        this.pushLoop.request();
        return;
    }
  }

  private clearBackoff(): void {
    if (this.backoffTimer !== null) this.timers.clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
  }

  private tick(): void {
    this.pollTimer = this.timers.setTimeout(() => this.tick(), this.opts.pollMs);
    if (!isLive(this.state)) return;
    this.pushLoop.request();
    this.pullLoop.request();
    void this.listener.check();
  }

  private prune(): void {
    this.pruneTimer = this.timers.setTimeout(() => this.prune(), this.opts.pruneEveryMs);
    guarded(this.log, 'pruning the outbox', () => {
      const now = this.clock();
      const rows = this.deps.outbox.prune(this.opts.retentionDays, now) + this.deps.inbox.prune(this.opts.retentionDays, now);
      if (rows > 0) this.log.info('pruned sent rows past the retention', { rows, retentionDays: this.opts.retentionDays });
    });
  }

  private async pushRound(): Promise<boolean> {
    const r = await this.push.drain(() => isLive(this.state));
    if (r.failure) this.fire('push-failed', r.retryInMs);
    return r.retryNow;
  }

  private async pullRound(): Promise<boolean> {
    try {
      return (await this.puller.step()) === this.opts.claimLimit;
    } catch (err) {
      const f = classifyFailure(err);
      this.log.warn('pull failed; the next notification, poll or tunnel-up retries it', { error: f.message, code: f.code });
      return false;
    }
  }
}
