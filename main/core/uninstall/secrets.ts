// Removes every secret Jett stored: each name in the OS keyring under this JETT_HOME's service, the 0600 file store,
// and the tray app's old safeStorage file. A keyring that holds them but does not answer is reported, not skipped.
import fs from 'node:fs';
import path from 'node:path';
import { SECRET_NAMES } from '../contracts/secrets.js';
import type { UninstallLeft } from '../contracts/uninstall.js';
import type { KeyringCall } from '../secrets/keyring-call.js';
import { keyringFix, keyringName, KeyringSecretStore } from '../secrets/keyring-store.js';
import { readStoreChoice } from '../secrets/select.js';

export interface SecretRemoval {
  home: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  call?: KeyringCall;
  /** A locked keyring may open an unlock prompt: long enough to type a password, not forever. */
  timeoutMs?: number;
}

/** The file stores under JETT_HOME: the headless one, and the tray's old safeStorage one (normally moved already). */
export const secretFiles = (home: string): string[] => [path.join(home, 'secrets.json'), path.join(home, 'secrets.safe.json')];

export async function removeSecrets(o: SecretRemoval): Promise<{ removed: string[]; left: UninstallLeft[] }> {
  const removed: string[] = [];
  const left: UninstallLeft[] = [];
  const keyring = new KeyringSecretStore({ home: o.home, platform: o.platform, env: o.env, call: o.call, timeoutMs: o.timeoutMs ?? 30_000 });
  const reply = await keyring.probe();
  if (reply.ok) {
    const present = SECRET_NAMES.filter((_, i) => typeof reply.results[i] === 'string');
    if (present.length > 0) {
      try {
        await keyring.run(present.map((name) => ({ op: 'delete' as const, name })));
        removed.push(...present.map((name) => `${keyring.location}: ${name}`));
      } catch (err) {
        left.push({ what: `the secrets ${present.join(', ')} in the ${keyring.location}`, fix: `${(err as Error).message}; ${keyringFix(o.platform)}, then run \`jett uninstall\` again` });
      }
    }
  } else if (reply.kind !== 'absent' || readStoreChoice(o.home)?.kind === 'keyring') {
    // Absent with no record of the keyring: nothing was ever stored there (a headless box on the file store).
    left.push({
      what: `Jett's secrets in the ${keyring.location} (it did not answer: ${reply.message})`,
      fix: reply.kind === 'absent' ? `run \`jett uninstall\` again inside your desktop session, where the ${keyringName(o.platform)} answers` : `${keyringFix(o.platform)}; then run \`jett uninstall\` again`,
    });
  }
  for (const file of secretFiles(o.home)) {
    if (!fs.existsSync(file)) continue;
    fs.rmSync(file, { force: true });
    removed.push(file);
  }
  return { removed, left };
}
