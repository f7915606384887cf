// The inbox puller: claims ready requests from the VPS inbox, stores them durably here, then acknowledges them;
// a crash in between only redelivers.
import type { Logger } from '../log/logger.js';
import type { SyncHooks } from './hooks.js';
import type { InboxStore } from './inbox-store.js';
import type { SyncOptions } from './options.js';
import { ackInbox, claimInbox, withClient } from './server-api.js';
import type { ServerPool } from './server-pool.js';

export interface InboxPullerDeps {
  inbox: InboxStore;
  pool: ServerPool;
  log: Logger;
  clock: () => Date;
  opts: Pick<SyncOptions, 'claimLimit' | 'leaseS'>;
  hooks?: SyncHooks;
  /** Some requests arrived: count them and hand them on. */
  onPulled: () => void;
}

export class InboxPuller {
  constructor(private readonly deps: InboxPullerDeps) {}

  /** One claim of at most claimLimit requests; returns how many were claimed. Throws when the VPS cannot be reached. */
  async step(): Promise<number> {
    const { hooks, inbox, opts } = this.deps;
    const pool = await this.deps.pool.get();
    const claimed = await withClient(pool, async (c) => {
      const requests = await claimInbox(c, opts.claimLimit, opts.leaseS);
      if (requests.length === 0) return 0;
      hooks?.at('pull.after-claim');
      inbox.store(requests, this.deps.clock());
      hooks?.at('pull.after-store');
      await ackInbox(c, requests.map((r) => r.requestId));
      return requests.length;
    });
    if (claimed > 0) {
      this.deps.log.info('pulled requests from the VPS inbox', { count: claimed });
      this.deps.onPulled();
    }
    return claimed;
  }
}
