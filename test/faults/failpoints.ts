// The test-only failpoint hook: JETT_FAILPOINT=NAME@N makes the N-th pass through NAME kill this process with
// SIGKILL, a crash with no chance to clean up. Only the fault harness's child process installs it.
import fs from 'node:fs';
import { FAILPOINTS, type FailpointName, type SyncHooks } from '../../main/core/sync/hooks.js';

export function parseFailpoint(spec: string): { name: FailpointName; hit: number } {
  const [name, hit = '1'] = spec.split('@');
  if (!(FAILPOINTS as readonly string[]).includes(name ?? '')) throw new Error(`JETT_FAILPOINT: unknown failpoint ${JSON.stringify(name)}; known: ${FAILPOINTS.join(', ')}`);
  const n = Number(hit);
  if (!Number.isInteger(n) || n < 1) throw new Error(`JETT_FAILPOINT: ${JSON.stringify(hit)} is not a hit count (1, 2, ...)`);
  return { name: name as FailpointName, hit: n };
}

/** Hooks that SIGKILL the process at the chosen pass; undefined when JETT_FAILPOINT is not set. */
export function failpointsFromEnv(env: NodeJS.ProcessEnv = process.env): SyncHooks | undefined {
  if (!env.JETT_FAILPOINT) return undefined;
  const { name, hit } = parseFailpoint(env.JETT_FAILPOINT);
  let left = hit;
  return {
    at(point) {
      if (point !== name || --left > 0) return;
      // Synchronous, so the parent learns which window the kill landed in before the process is gone.
      fs.writeSync(1, `F ${point}\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  };
}
