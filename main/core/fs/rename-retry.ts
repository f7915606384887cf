// A rename that waits out Windows' antivirus: Defender (and others) open every new file to scan it, and while they
// hold it a rename of the file or of its folder fails with EPERM, EBUSY or EACCES for a moment.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The errors a scanner's open handle causes (libuv maps a sharing violation to EBUSY, access denied to EPERM). */
const TRANSIENT = new Set(['EPERM', 'EBUSY', 'EACCES']);

/** Waits between the 10 tries: about 3 s in all, then the error stands (a real permission problem, a held file). */
export const RENAME_RETRY_DELAYS_MS = [20, 40, 80, 160, 240, 320, 400, 500, 1200] as const;

export interface RenameDeps {
  renameSync(from: string, to: string): void;
  sleep(ms: number): Promise<unknown>;
}

export const realRename: RenameDeps = { renameSync: (from, to) => fs.renameSync(from, to), sleep: (ms) => sleep(ms) };

export async function renameRetrying(from: string, to: string, deps: RenameDeps = realRename): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      deps.renameSync(from, to);
      return;
    } catch (err) {
      const delay = RENAME_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !TRANSIENT.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await deps.sleep(delay);
    }
  }
}
