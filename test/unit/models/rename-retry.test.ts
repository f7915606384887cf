// Renames retried while Windows' antivirus holds a new file: EPERM, EBUSY and EACCES are waited out, a bounded
// number of times (about 3 s in all); any other error, or one that outlasts the tries, is reported as it came.
import { describe, expect, it } from 'vitest';
import { RENAME_RETRY_DELAYS_MS, renameRetrying, type RenameDeps } from '../../../main/core/fs/rename-retry.js';

/** A rename that fails `failures` times with `code`, then succeeds; it records each try and each wait. */
function flaky(failures: number, code: string) {
  const tries: string[] = [];
  const waits: number[] = [];
  const deps: RenameDeps = {
    renameSync: (from, to) => {
      tries.push(`${from}->${to}`);
      if (tries.length <= failures) throw Object.assign(new Error(`${code}: operation not permitted, rename '${from}' -> '${to}'`), { code });
    },
    sleep: async (ms) => void waits.push(ms),
  };
  return { deps, tries, waits };
}

describe('renameRetrying', () => {
  it.each(['EPERM', 'EBUSY', 'EACCES'])('waits out %s while a scanner holds the file, then renames', async (code) => {
    const { deps, tries, waits } = flaky(4, code);
    await renameRetrying('a', 'b', deps);
    expect(tries).toHaveLength(5);
    expect(waits).toEqual(RENAME_RETRY_DELAYS_MS.slice(0, 4));
  });

  it('gives up after 10 tries and about 3 s of waiting, with the error as it came', async () => {
    const { deps, tries, waits } = flaky(Infinity, 'EBUSY');
    await expect(renameRetrying('a', 'b', deps)).rejects.toMatchObject({ code: 'EBUSY' });
    expect(tries).toHaveLength(10);
    const total = waits.reduce((s, w) => s + w, 0);
    expect(total).toBeGreaterThanOrEqual(2500);
    expect(total).toBeLessThanOrEqual(3500);
  });

  it('does not retry an error no scanner causes', async () => {
    const { deps, tries, waits } = flaky(1, 'ENOENT');
    await expect(renameRetrying('a', 'b', deps)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(tries).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
