// Quitting on request where Windows gives no signal Electron would act on: a console's Ctrl-C, Ctrl+Break or
// close, and `npm start`'s quit message over its IPC channel, all become app.quit(), so the teardown runs.
import type { App } from 'electron';

/** The message `npm start` (scripts/start.mjs) sends Electron on Windows instead of killing it. */
export const QUIT_MESSAGE = 'jett:quit';

/** What this needs of `process`: its signals and, when a parent opened one, its IPC channel. */
export interface QuitSource {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: NodeJS.Signals, listener: () => void): unknown;
}

/**
 * On Windows only: there Electron has no handler of its own, Node's child.kill() of any signal is TerminateProcess
 * (no 'before-quit', the agent and database left as they were), and SIGTERM never comes. On Linux and macOS
 * Electron already quits gracefully on SIGINT, SIGTERM and SIGHUP.
 */
export function quitOnRequest(app: Pick<App, 'quit'>, platform: NodeJS.Platform, source: QuitSource = process): void {
  if (platform !== 'win32') return;
  source.on('message', (message) => {
    if (message === QUIT_MESSAGE) app.quit();
  });
  for (const sig of ['SIGINT', 'SIGHUP', 'SIGBREAK'] as const) source.on(sig, () => app.quit());
}
