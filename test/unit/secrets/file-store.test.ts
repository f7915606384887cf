// The headless secret store: 0600 from the first byte, refused when others can read it, names listed without values.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretError } from '../../../main/core/errors.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { tempDir } from '../../helpers/tmp.js';

const KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const posix = process.platform !== 'win32';

describe('FileSecretStore', () => {
  it('creates its file with mode 0600 and reads back what it stored', async () => {
    const store = new FileSecretStore(path.join(tempDir(), 'secrets.json'));
    await store.set('tunnel.privateKey', KEY);
    if (posix) expect(fs.statSync(store.location).mode & 0o777).toBe(0o600);
    expect(await store.get('tunnel.privateKey')).toBe(KEY);
    expect(await store.get('postgres.password')).toBeNull();
  });

  it('lists names only, and forgets a deleted secret', async () => {
    const store = new FileSecretStore(path.join(tempDir(), 'secrets.json'));
    await store.set('postgres.password', 'correct horse battery');
    await store.set('tunnel.privateKey', KEY);
    expect(await store.list()).toEqual(['tunnel.privateKey', 'postgres.password']);
    await store.delete('postgres.password');
    expect(await store.list()).toEqual(['tunnel.privateKey']);
  });

  it.runIf(posix)('refuses a file that other users can read, and says how to fix it', async () => {
    const store = new FileSecretStore(path.join(tempDir(), 'secrets.json'));
    await store.set('tunnel.privateKey', KEY);
    fs.chmodSync(store.location, 0o644);
    await expect(store.get('tunnel.privateKey')).rejects.toThrow(/readable by other users/);
    await expect(store.list()).rejects.toMatchObject({ fix: expect.stringContaining('chmod 600') });
  });

  it('reports a corrupt file without quoting its content', async () => {
    const store = new FileSecretStore(path.join(tempDir(), 'secrets.json'));
    fs.writeFileSync(store.location, `{"tunnel.privateKey": "${KEY}"`, { mode: 0o600 });
    const err = await store.get('tunnel.privateKey').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).message).not.toContain(KEY);
    expect(fs.readFileSync(store.location, 'utf8')).toContain(KEY);
  });

  it('tells the logger about each secret value it handles', async () => {
    const seen: string[] = [];
    const store = new FileSecretStore(path.join(tempDir(), 'secrets.json'), (v) => seen.push(v));
    await store.set('tunnel.privateKey', KEY);
    expect(seen).toContain(KEY);
  });
});
