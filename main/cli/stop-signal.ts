// Ctrl-C and SIGTERM as a promise, for every long-running command (agent, voice, demo, tunnel watch): the first
// signal asks for a clean stop, a second one forces the exit.
/**
 * The handlers stay until release() (or for good): execa's signal-exit re-raises a signal that finds no other
 * listener, which would kill us in the middle of a clean stop while a child or a probe is still running.
 */
export function stopSignal(): { stopped: Promise<NodeJS.Signals>; release(): void } {
  let resolve: (sig: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((r) => (resolve = r));
  let received = false;
  const handler = (sig: NodeJS.Signals) => {
    if (received) process.exit(130);
    received = true;
    resolve(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM; the handlers stay for the life of the process. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return stopSignal().stopped;
}
