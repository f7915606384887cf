// Moves the secrets of an old store (the 0600 file, the tray's safeStorage file) into the store in use, once:
// copy, read back, and only then remove the old file, so a crash at any point loses nothing and a rerun repeats
// nothing (one keyring entry per name, written only where it is missing).
import { SECRET_NAMES, type SecretName } from '../contracts/secrets.js';
import { SecretError } from '../errors.js';
import type { SecretStore } from './store.js';

export interface MigrationResult {
  moved: SecretName[];
  /** Set in both stores with different values: the new store's value stays, the old file is kept for the user. */
  conflicts: SecretName[];
  removed: boolean;
}

export interface MigrationDeps {
  from: Pick<SecretStore, 'get' | 'list' | 'location'>;
  to: Pick<SecretStore, 'get' | 'set' | 'location'>;
  /** Removes the old store's file; called only after every value was read back from the new store. */
  removeOld: () => void;
}

export async function migrateSecrets({ from, to, removeOld }: MigrationDeps): Promise<MigrationResult> {
  const names = await from.list();
  const old: Partial<Record<SecretName, string>> = {};
  for (const name of names) {
    const value = await from.get(name);
    if (value !== null) old[name] = value;
  }
  const moved: SecretName[] = [];
  const conflicts: SecretName[] = [];
  for (const name of SECRET_NAMES) {
    const value = old[name];
    if (value === undefined) continue;
    const current = await to.get(name);
    if (current === null) {
      await to.set(name, value);
      moved.push(name);
    } else if (current !== value) {
      conflicts.push(name);
    }
  }
  for (const name of SECRET_NAMES) {
    if (old[name] === undefined || conflicts.includes(name)) continue;
    if ((await to.get(name)) !== old[name]) {
      throw new SecretError(`${name} did not read back from ${to.location} as it was written; ${from.location} was kept`, 'run `jett doctor`; nothing was lost, the move is tried again at the next start');
    }
  }
  if (conflicts.length > 0) return { moved, conflicts, removed: false };
  removeOld();
  return { moved, conflicts, removed: true };
}
