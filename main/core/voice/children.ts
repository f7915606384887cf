// Every sox/arecord/play child the voice pipeline starts is registered here, so that none outlives the
// process: stop() kills it, and if the process exits without a stop the exit hook kills what is left.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone: nothing to clean up.
    }
  }
  live.clear();
}

export function track(child: ChildProcess): void {
  if (!hooked) {
    process.once('exit', killAll);
    hooked = true;
  }
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Pids of the children alive now (tests and `jett doctor` check that none leaks). */
export function liveChildren(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => typeof p === 'number');
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves once it has exited. */
export async function terminate(child: ChildProcess, graceMs = 300): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
