// How `npm start` passes a stop on to the app it launched, so that the app's own shutdown runs on every platform.

/** The message main/app/shell/quit-requests.ts answers with app.quit() (QUIT_MESSAGE there). */
export const QUIT_MESSAGE = 'jett:quit';

/**
 * Linux and macOS: the signal is passed on, and Electron and `jett agent` both stop cleanly on it. Windows: any
 * child.kill() is TerminateProcess, which skips every shutdown; instead the first stop asks Electron to quit over
 * the IPC channel (a child without one, `jett agent`, shares this console and got the same Ctrl-C itself), and only
 * a second stop kills.
 * @param {import('node:child_process').ChildProcess} child
 * @param {{ platform?: NodeJS.Platform, proc?: Pick<NodeJS.Process, 'on'> }} [opts]
 */
export function forwardStop(child, { platform = process.platform, proc = process } = {}) {
  if (platform !== 'win32') {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) proc.on(sig, () => child.kill(sig));
    return;
  }
  let asked = false;
  const stop = () => {
    if (asked) {
      child.kill();
      return;
    }
    asked = true;
    if (child.connected) child.send(QUIT_MESSAGE);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) proc.on(sig, stop);
}

/** Electron gets an IPC channel on Windows, for the quit message. */
export function childStdio(platform = process.platform) {
  return platform === 'win32' ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit';
}
