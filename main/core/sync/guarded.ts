// Runs local bookkeeping from a timer: a busy or failing local database is logged, never thrown into the event loop.
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';

export function guarded(log: Logger, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.error(`${what} failed; it is tried again later`, { error: errorMessage(err) });
  }
}
