// The inbox dispatcher: hands received requests to the agent's handler, and sends each result back through the
// outbox; a result the outbox refuses still answers its request, as failed.
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { OutboxError } from '../outbox/errors.js';
import type { InboxHandler, InboxStore } from './inbox-store.js';

export interface InboxDispatcherDeps {
  inbox: InboxStore;
  handler: InboxHandler;
  log: Logger;
  clock: () => Date;
  /** Some requests were answered: count the inbox again. */
  onHandled: () => void;
}

export class InboxDispatcher {
  constructor(private readonly deps: InboxDispatcherDeps) {}

  /** Answers what is waiting, batch after batch, until nothing is; returns how many were answered. */
  async all(): Promise<number> {
    let handled = 0;
    for (;;) {
      const n = await this.batch();
      handled += n;
      if (n === 0) return handled;
    }
  }

  /** Answers up to 20 waiting requests, in the order they arrived; returns how many. */
  async batch(): Promise<number> {
    const { inbox, handler, log, clock } = this.deps;
    const requests = inbox.received(20);
    for (const req of requests) {
      let result;
      try {
        result = await handler(req);
      } catch (err) {
        result = { ok: false as const, error: errorMessage(err) };
      }
      try {
        inbox.complete(req.requestId, result, clock());
      } catch (err) {
        // A result the outbox refuses (too big, not JSON) must still answer the request, or it would block the rest.
        const why = err instanceof OutboxError ? err.message : `not JSON-serialisable (${(err as Error).message})`;
        log.warn('an inbox result was refused; answering the request as failed', { requestId: req.requestId, error: why });
        inbox.complete(req.requestId, { ok: false, error: `the result was refused: ${why}` }, clock());
      }
    }
    if (requests.length > 0) this.deps.onHandled();
    return requests.length;
  }
}
