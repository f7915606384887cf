// A full garbage collection between the batches of a long drain. V8 collects a drain's garbage (each batch's
// megabyte-sized array literals, and the Buffers node-postgres writes them into) only when its heap or
// external-memory limits are reached, which let the agent's RSS grow by 70-90 MiB while it pushed a big backlog
// (bench:agent, backlog_rss_growth_mb); one collection per few batches keeps the garbage to a few batches' worth.
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/** V8's collector: the flag makes `gc` a global of the contexts created after it is set, so one is made to read it. */
function collector(): (() => void) | null {
  if (gc !== undefined) return gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  } catch {
    gc = null;
  }
  return gc;
}

/** A full collection now (called without options: `{type: 'major'}` from another context ran a minor one here).
 * False where the runtime does not allow it; V8 then collects on its own schedule. */
export function releaseMemory(): boolean {
  const run = collector();
  if (!run) return false;
  run();
  return true;
}
