// The secret store of the tray app and the agent alike: the operating system's keyring (Credential Manager,
// Keychain, Secret Service), one entry per secret name under one service name per JETT_HOME.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { SECRET_NAMES, type SecretName } from '../contracts/secrets.js';
import { SecretError } from '../errors.js';
import { childKeyringCall, type KeyringCall, type KeyringFailure, type KeyringOp, type KeyringReply } from './keyring-call.js';
import type { SecretStore } from './store.js';

/** Long enough to type a password at an unlock prompt; a caller that cannot wait that long asks with less. */
export const KEYRING_TIMEOUT_MS = 30_000;

/** "Jett <12 hex of JETT_HOME>": two homes of one user (a test, a second profile) never share entries. */
export function keyringService(home: string): string {
  return `Jett ${createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 12)}`;
}

export function keyringName(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'Windows Credential Manager';
  if (platform === 'darwin') return 'macOS Keychain';
  return 'Secret Service';
}

/** What to do when the keyring exists but will not serve, per platform. */
export function keyringFix(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'sign in to Windows as yourself (Credential Manager belongs to your account), then run `jett doctor`';
  if (platform === 'darwin') return 'unlock your login keychain (Keychain Access), then run `jett doctor`';
  return 'unlock your keyring (log in to your desktop session, or run `gnome-keyring-daemon --unlock` and type your password), then run `jett doctor`; on a machine without a desktop you may choose the 0600 file instead with JETT_SECRET_STORE=file';
}

export function keyringError(failure: KeyringFailure, platform: NodeJS.Platform): SecretError {
  const what = failure.kind === 'timeout' ? failure.message : `the ${keyringName(platform)} refused: ${failure.message}`;
  return new SecretError(`the keyring holds Jett's secrets but is not available: ${what}`, keyringFix(platform));
}

export interface KeyringStoreOptions {
  home: string;
  platform?: NodeJS.Platform;
  call?: KeyringCall;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  onValue?: (value: string) => void;
}

export class KeyringSecretStore implements SecretStore {
  readonly kind = 'keyring' as const;
  readonly location: string;
  readonly service: string;
  private readonly platform: NodeJS.Platform;
  private readonly call: KeyringCall;

  constructor(private readonly opts: KeyringStoreOptions) {
    this.platform = opts.platform ?? process.platform;
    this.call = opts.call ?? childKeyringCall;
    this.service = keyringService(opts.home);
    this.location = `${keyringName(this.platform)}, service "${this.service}"`;
  }

  /** Reads every name once and returns the keyring's answer as is: how the store selection asks "does it answer?". */
  probe(): Promise<KeyringReply> {
    return this.call(SECRET_NAMES.map((name) => ({ op: 'get', name })), this.callOptions());
  }

  private callOptions() {
    return { service: this.service, platform: this.platform, timeoutMs: this.opts.timeoutMs ?? KEYRING_TIMEOUT_MS, env: this.opts.env };
  }

  /** Runs the batch, or throws the keyring's failure as an error the user can act on. */
  async run(ops: KeyringOp[]): Promise<(string | boolean | null)[]> {
    const reply = await this.call(ops, this.callOptions());
    if (!reply.ok) throw keyringError(reply, this.platform);
    return reply.results;
  }

  async get(name: SecretName): Promise<string | null> {
    const [value] = await this.run([{ op: 'get', name }]);
    if (typeof value !== 'string') return null;
    this.opts.onValue?.(value);
    return value;
  }

  async set(name: SecretName, value: string): Promise<void> {
    if (value.length === 0) throw new SecretError(`${name}: the value is empty`, 'pass the secret on standard input');
    this.opts.onValue?.(value);
    await this.run([{ op: 'set', name, value }]);
  }

  async delete(name: SecretName): Promise<void> {
    await this.run([{ op: 'delete', name }]);
  }

  /** Every value in one child process; the values feed the redactor, only the names leave. */
  async readAll(): Promise<Partial<Record<SecretName, string>>> {
    const values = await this.run(SECRET_NAMES.map((name) => ({ op: 'get', name })));
    const out: Partial<Record<SecretName, string>> = {};
    SECRET_NAMES.forEach((name, i) => {
      const v = values[i];
      if (typeof v === 'string') {
        out[name] = v;
        this.opts.onValue?.(v);
      }
    });
    return out;
  }

  async list(): Promise<SecretName[]> {
    const all = await this.readAll();
    return SECRET_NAMES.filter((n) => n in all);
  }
}
