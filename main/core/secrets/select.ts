// Chooses the one secret store: the OS keyring when it answers; the 0600 file only on Linux where no keyring answers
// at all (a headless box, WSL2) or where the user asked for it. A keyring that exists but is locked or refuses is
// an error, never a silent fallback. The choice and its reason are recorded in JETT_HOME/secret-store.json.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SecretName } from '../contracts/secrets.js';
import { SecretError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { FileSecretStore } from './file-store.js';
import type { KeyringCall } from './keyring-call.js';
import { keyringError, keyringName, KeyringSecretStore } from './keyring-store.js';
import { migrateSecrets, type MigrationResult } from './migrate.js';
import type { SecretStore } from './store.js';

export const StoreChoiceSchema = z.strictObject({
  kind: z.enum(['keyring', 'file']),
  location: z.string(),
  reason: z.string(),
});
export type StoreChoice = z.infer<typeof StoreChoiceSchema>;

export interface SelectOptions {
  home: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  call?: KeyringCall;
  timeoutMs?: number;
  onValue?: (value: string) => void;
  /** Told what the move from the old file store did, when there was one. */
  onMigrated?: (result: MigrationResult, from: string) => void;
}

export const choiceFile = (home: string): string => path.join(home, 'secret-store.json');
const secretsFile = (home: string): string => path.join(home, 'secrets.json');

/** The recorded choice, or null when none was made yet (or the record is not ours). */
export function readStoreChoice(home: string): StoreChoice | null {
  try {
    return StoreChoiceSchema.parse(JSON.parse(fs.readFileSync(choiceFile(home), 'utf8')));
  } catch {
    return null;
  }
}

function record(home: string, choice: StoreChoice): void {
  if (JSON.stringify(readStoreChoice(home)) === JSON.stringify(choice)) return;
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileAtomic(choiceFile(home), `${JSON.stringify(choice, null, 2)}\n`, 0o600);
}

/** Decides the store (running the keyring once), records the choice, and moves the old file store into the keyring. */
export async function selectSecretStore(opts: SelectOptions): Promise<{ store: SecretStore; choice: StoreChoice }> {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const file = new FileSecretStore(secretsFile(opts.home), opts.onValue);
  const useFile = (reason: string) => {
    const choice: StoreChoice = { kind: 'file', location: file.location, reason };
    record(opts.home, choice);
    return { store: file, choice };
  };
  if (env.JETT_SECRET_STORE === 'file') {
    // secrets.json has no protection of its own on Windows, and Credential Manager always answers there.
    if (platform === 'win32') throw new SecretError('JETT_SECRET_STORE=file is refused on Windows: a file there has no protection of its own', 'unset JETT_SECRET_STORE; Jett keeps secrets in Windows Credential Manager');
    return useFile('chosen with JETT_SECRET_STORE=file');
  }
  const keyring = new KeyringSecretStore({ home: opts.home, platform, call: opts.call, timeoutMs: opts.timeoutMs, env, onValue: opts.onValue });
  const reply = await keyring.probe();
  if (!reply.ok) {
    if (reply.kind === 'absent' && platform === 'linux' && readStoreChoice(opts.home)?.kind === 'keyring') {
      // This home's secrets are in the keyring; a session without one (ssh, a cron job) must not start a new file.
      throw new SecretError(
        `this JETT_HOME keeps its secrets in the ${keyringName(platform)}, which does not answer here (${reply.message})`,
        'run Jett inside your desktop session (or point DBUS_SESSION_BUS_ADDRESS at it); to keep a separate file store for this session instead, set JETT_SECRET_STORE=file',
      );
    }
    if (reply.kind === 'absent' && platform === 'linux') {
      return useFile(`no ${keyringName(platform)} answers (${reply.message}); secrets stay in a file only you can read`);
    }
    throw keyringError(reply, platform);
  }
  const choice: StoreChoice = { kind: 'keyring', location: keyring.location, reason: `the ${keyringName(platform)} answered` };
  if (fs.existsSync(file.location)) {
    const result = await migrateSecrets({ from: file, to: keyring, removeOld: () => fs.rmSync(file.location, { force: true }) });
    opts.onMigrated?.(result, file.location);
  }
  record(opts.home, choice);
  return { store: keyring, choice };
}

/**
 * The store every part of Jett is handed: it selects on first use (an async keyring call cannot happen while the
 * runtime opens) and, until one succeeds, selects again at every call, so unlocking the keyring needs no restart.
 */
export class SelectedSecretStore implements SecretStore {
  private selected: Promise<{ store: SecretStore; choice: StoreChoice }> | null = null;
  private current: { store: SecretStore; choice: StoreChoice } | null = null;

  constructor(private readonly opts: SelectOptions) {}

  async choice(): Promise<StoreChoice> {
    return (await this.resolve()).choice;
  }

  private async resolve(): Promise<{ store: SecretStore; choice: StoreChoice }> {
    if (this.current) return this.current;
    this.selected ??= selectSecretStore(this.opts);
    try {
      this.current = await this.selected;
      return this.current;
    } finally {
      this.selected = null;
    }
  }

  /** What the store is; until a selection succeeds, the last recorded choice (or the keyring, the default). */
  get kind(): StoreChoice['kind'] {
    return this.current?.choice.kind ?? readStoreChoice(this.opts.home)?.kind ?? 'keyring';
  }

  get location(): string {
    return this.current?.choice.location ?? readStoreChoice(this.opts.home)?.location ?? `the keyring (not reached yet)`;
  }

  get reason(): string | undefined {
    return this.current?.choice.reason ?? readStoreChoice(this.opts.home)?.reason;
  }

  async get(name: SecretName): Promise<string | null> {
    return (await this.resolve()).store.get(name);
  }
  async set(name: SecretName, value: string): Promise<void> {
    return (await this.resolve()).store.set(name, value);
  }
  async delete(name: SecretName): Promise<void> {
    return (await this.resolve()).store.delete(name);
  }
  async list(): Promise<SecretName[]> {
    return (await this.resolve()).store.list();
  }
}
