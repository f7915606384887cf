// The tray app's login item on Windows, removed without Electron (`jett uninstall` from a terminal): Electron's
// app.setLoginItemSettings writes a value named after the AppUserModelId under the user's Run key, and one of the
// same name under Explorer's StartupApproved\Run (its `enabled` switch). Both live in HKCU: no elevation needed.
import type { ProcessRunner } from '../tunnel/runner.js';

/** electron-builder.yml's appId, which the shell sets as AppUserModelId: the login item's value name. */
export const APP_USER_MODEL_ID = 'app.jett.desktop';

export const LOGIN_ITEM_KEYS = [
  'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
  'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run',
] as const;

/** Deletes each value that exists (reg query exits 0 for it); returns what was removed and what could not be. */
export async function removeWindowsLoginItem(runner: ProcessRunner, reg: string): Promise<{ removed: string[]; failed: string[] }> {
  const removed: string[] = [];
  const failed: string[] = [];
  for (const key of LOGIN_ITEM_KEYS) {
    const query = await runner.run(reg, ['query', key, '/v', APP_USER_MODEL_ID]);
    if (query.exitCode !== 0) continue;
    const del = await runner.run(reg, ['delete', key, '/v', APP_USER_MODEL_ID, '/f']);
    (del.exitCode === 0 ? removed : failed).push(`${key}\\${APP_USER_MODEL_ID}`);
  }
  return { removed, failed };
}
