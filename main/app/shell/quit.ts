// Quitting: the shell's teardown runs once, and quitting waits for it (the agent stopped, the database closed,
// the lock released) before it quits for real.
import type { App } from 'electron';
import { formatError } from '../../core/errors.js';
import type { Logger } from '../../core/log/logger.js';

/** Returns the teardown as a function safe to call more than once; `before-quit` waits for it. */
export function stopBeforeQuit(app: Pick<App, 'on' | 'quit'>, log: Logger, teardown: () => Promise<void>): () => Promise<void> {
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await teardown();
  };
  app.on('before-quit', (event: { preventDefault(): void }) => {
    if (stopped) return;
    event.preventDefault();
    void stop()
      .catch((err: unknown) => log.warn('stopping failed', { error: formatError(err) }))
      .finally(() => app.quit());
  });
  return stop;
}
