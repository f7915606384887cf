// The tray app's SecretStore: values encrypted with Electron safeStorage's async API (DPAPI on Windows, the
// keyring on Linux, Keychain on macOS), kept as base64 ciphertext in a 0600 file. Linux's `basic_text` backend
// (a hard-coded key, no real protection) is refused.
import fs from 'node:fs';
import { SECRET_NAMES, type SecretName } from '../../core/contracts/secrets.js';
import { SecretError } from '../../core/errors.js';
import { notAFile, openRegularFile } from '../../core/fs/regular-file.js';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import type { SecretStore } from '../../core/secrets/store.js';

/** The part of Electron's safeStorage this store uses (the async API; the sync one is deprecated). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(text: string): Promise<Buffer>;
  decryptStringAsync(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  getSelectedStorageBackend?(): string;
}

export const KEYRING_FIX =
  'install and unlock a keyring (GNOME Keyring / libsecret or KWallet), or start Jett with --password-store=gnome-libsecret (or kwallet6); the headless agent (`jett agent`) keeps secrets in JETT_HOME/secrets.json instead';

type Sealed = Partial<Record<SecretName, string>>;

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'safeStorage' as const;
  private checked = false;

  constructor(
    readonly location: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly onValue: (value: string) => void = () => {},
  ) {}

  /** Refuses to work without real encryption; called before every read or write, and by the shell at start. */
  async ensureUsable(): Promise<void> {
    if (this.checked) return;
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) {
      throw new SecretError('the operating system offers no encryption for secrets (safeStorage is unavailable)', KEYRING_FIX);
    }
    if (this.platform === 'linux') {
      const backend = this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      if (backend === 'basic_text' || backend === 'unknown') {
        throw new SecretError(`no keyring is available: Electron would store secrets with its "${backend}" backend, which does not protect them`, KEYRING_FIX);
      }
    }
    this.checked = true;
  }

  private readSealed(): Sealed {
    let opened;
    try {
      opened = openRegularFile(this.location);
    } catch (err) {
      throw new SecretError(`cannot read the secret store ${this.location}: ${(err as NodeJS.ErrnoException).code}`, 'check that the file belongs to you');
    }
    if (opened === null) return {};
    // A FIFO would hang the app at start; a folder is named as one.
    if (opened.kind !== 'file') throw new SecretError(notAFile(`the secret store ${this.location}`, opened.kind), `move it aside (\`mv ${this.location} ${this.location}.old\`) and set the secrets again in the settings window`);
    let text: string;
    try {
      text = fs.readFileSync(opened.fd, 'utf8');
    } finally {
      fs.closeSync(opened.fd);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SecretError(`the secret store ${this.location} is not valid JSON`, 'remove it and set the secrets again in the settings window');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new SecretError(`the secret store ${this.location} is not a JSON object`, 'remove it and set the secrets again in the settings window');
    }
    const out: Sealed = {};
    for (const [k, v] of Object.entries(parsed)) {
      if ((SECRET_NAMES as readonly string[]).includes(k) && typeof v === 'string') out[k as SecretName] = v;
    }
    return out;
  }

  private writeSealed(all: Sealed): void {
    writeFileAtomic(this.location, `${JSON.stringify(all, null, 2)}\n`, 0o600);
  }

  async get(name: SecretName): Promise<string | null> {
    await this.ensureUsable();
    const sealed = this.readSealed()[name];
    if (sealed === undefined) return null;
    let opened: { result: string; shouldReEncrypt: boolean };
    try {
      opened = await this.safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'));
    } catch {
      throw new SecretError(`${name} cannot be decrypted (the keyring changed, or the file came from another user or machine)`, `set ${name} again in the settings window`);
    }
    this.onValue(opened.result);
    if (opened.shouldReEncrypt) await this.set(name, opened.result);
    return opened.result;
  }

  async set(name: SecretName, value: string): Promise<void> {
    if (value.length === 0) throw new SecretError(`${name}: the value is empty`, 'enter the secret, or clear it instead');
    await this.ensureUsable();
    this.onValue(value);
    const sealed = (await this.safeStorage.encryptStringAsync(value)).toString('base64');
    this.writeSealed({ ...this.readSealed(), [name]: sealed });
  }

  async delete(name: SecretName): Promise<void> {
    const all = this.readSealed();
    if (!(name in all)) return;
    delete all[name];
    this.writeSealed(all);
  }

  async list(): Promise<SecretName[]> {
    const all = this.readSealed();
    return SECRET_NAMES.filter((n) => n in all);
  }
}
