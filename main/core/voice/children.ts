// Every sox, arecord and espeak-ng child the voice pipeline starts is registered in the process's live resources, so that
// none outlives the process: stop() kills it, and if the process exits without a stop the exit hook kills it.
import type { ChildProcess } from 'node:child_process';
import { liveResources } from '../process/live-resources.js';

const KIND = 'voice child';

export function track(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const registration = liveResources.add({ kind: KIND, pid: child.pid, release: () => void child.kill('SIGKILL') });
  child.once('exit', () => registration.forget());
}

/** Pids of the children alive now (tests and `jett doctor` check that none leaks). */
export function liveChildren(): number[] {
  return liveResources
    .list(KIND)
    .map((r) => r.pid)
    .filter((p): p is number => typeof p === 'number');
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
