// The headless secret store: one JSON file created with mode 0600 at open time, refused if others can read it.
import fs from 'node:fs';
import { SECRET_NAMES, type SecretName } from '../contracts/secrets.js';
import { SecretError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { notAFile, openRegularFile } from '../fs/regular-file.js';
import type { SecretStore } from './store.js';

type Secrets = Partial<Record<SecretName, string>>;

/** A handful of keys and passwords; a bigger file is not ours, and reading it whole would only fill memory. */
const MAX_STORE_BYTES = 1024 * 1024;

export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const;

  /** `onValue` sees each secret as it is read or written, so the logger can scrub it from every line. */
  constructor(
    readonly location: string,
    private readonly onValue: (value: string) => void = () => {},
  ) {}

  private read(): Secrets {
    let opened;
    try {
      opened = openRegularFile(this.location);
    } catch (err) {
      throw new SecretError(`cannot open the secret store ${this.location}: ${(err as NodeJS.ErrnoException).code}`, 'check that the file belongs to you');
    }
    if (opened === null) return {};
    if (opened.kind !== 'file') {
      // Never read from it: a FIFO would hang the CLI, and whoever made it may be waiting for what we write.
      throw new SecretError(
        notAFile(`the secret store ${this.location}`, opened.kind),
        opened.kind === 'folder'
          ? `move it aside (\`mv ${this.location} ${this.location}.folder\`); Jett creates the file when you next run \`jett secret set NAME\``
          : `remove it (\`rm ${this.location}\`) and set the secrets again with \`jett secret set NAME\``,
      );
    }
    const fd = opened.fd;
    try {
      if (process.platform !== 'win32' && (opened.mode & 0o077) !== 0) {
        throw new SecretError(
          `the secret store ${this.location} is readable by other users (mode ${(opened.mode & 0o777).toString(8)})`,
          `run \`chmod 600 ${this.location}\`, then consider rotating the keys it holds`,
        );
      }
      if (opened.size > MAX_STORE_BYTES) {
        throw new SecretError(`the secret store ${this.location} is ${opened.size} bytes, far more than a few secrets`, 'restore it from a backup, or remove it and set the secrets again with `jett secret set NAME`');
      }
      const text = fs.readFileSync(fd, 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // The message must not quote the file: it holds secrets.
        throw new SecretError(`the secret store ${this.location} is not valid JSON`, 'restore it from a backup, or remove it and set the secrets again with `jett secret set NAME`');
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new SecretError(`the secret store ${this.location} is not a JSON object`, 'remove it and set the secrets again with `jett secret set NAME`');
      }
      const out: Secrets = {};
      for (const [k, v] of Object.entries(parsed)) {
        if ((SECRET_NAMES as readonly string[]).includes(k) && typeof v === 'string') {
          out[k as SecretName] = v;
          this.onValue(v);
        }
      }
      return out;
    } finally {
      fs.closeSync(fd);
    }
  }

  async get(name: SecretName): Promise<string | null> {
    return this.read()[name] ?? null;
  }

  async set(name: SecretName, value: string): Promise<void> {
    if (value.length === 0) throw new SecretError(`${name}: the value is empty`, 'pass the secret on standard input');
    this.onValue(value);
    const all = { ...this.read(), [name]: value };
    writeFileAtomic(this.location, `${JSON.stringify(all, null, 2)}\n`, 0o600);
  }

  async delete(name: SecretName): Promise<void> {
    const all = this.read();
    if (!(name in all)) return;
    delete all[name];
    writeFileAtomic(this.location, `${JSON.stringify(all, null, 2)}\n`, 0o600);
  }

  async list(): Promise<SecretName[]> {
    const all = this.read();
    return SECRET_NAMES.filter((n) => n in all);
  }
}
