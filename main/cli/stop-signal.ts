// The stop signals as a promise, for every long-running command (agent, voice, demo, tunnel watch): the first
// signal asks for a clean stop, a second one forces the exit.

/**
 * Every signal that means "stop": Ctrl-C and SIGTERM on Linux; Windows never delivers SIGTERM, but sends SIGHUP
 * when the console window closes (and kills the process about 10 s later) and SIGBREAK on Ctrl+Break. Node lets
 * every platform listen for all four.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const satisfies readonly NodeJS.Signals[];

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
  for (const sig of STOP_SIGNALS) process.on(sig, handler);
  return {
    stopped,
    release: () => {
      for (const sig of STOP_SIGNALS) process.off(sig, handler);
    },
  };
}

/** Resolves on the first stop signal; the handlers stay for the life of the process. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return stopSignal().stopped;
}
