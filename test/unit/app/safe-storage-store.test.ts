// The tray app's secret store on Electron safeStorage: ciphertext at rest in a 0600 file, Linux basic_text and a
// missing keyring refused with how to get one, and no secret value in any error.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore } from '../../../main/app/secrets/safe-storage-store.js';
import { SecretError } from '../../../main/core/errors.js';
import { safeStorage } from '../../mocks/electron.js';
import { tempDir } from '../../helpers/tmp.js';

const PASSWORD = 'correct horse battery staple';

beforeEach(() => {
  safeStorage.backend = 'gnome_libsecret';
  safeStorage.available = true;
});

function store(platform: NodeJS.Platform = 'linux') {
  const file = path.join(tempDir(), 'secrets.safe.json');
  return { file, s: new SafeStorageSecretStore(file, safeStorage, platform) };
}

describe('SafeStorageSecretStore', () => {
  it('round-trips a secret and keeps only ciphertext on disk, mode 0600', async () => {
    const { file, s } = store();
    await s.set('postgres.password', PASSWORD);
    expect(await s.get('postgres.password')).toBe(PASSWORD);
    expect(await s.list()).toEqual(['postgres.password']);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(safeStorage.encryptStringAsync).toHaveBeenCalledWith(PASSWORD);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('deletes a secret, and says null for one never set', async () => {
    const { s } = store();
    await s.set('n8n.apiKey', 'n8n-key');
    await s.delete('n8n.apiKey');
    expect(await s.get('n8n.apiKey')).toBeNull();
    expect(await s.list()).toEqual([]);
  });

  it('refuses Linux basic_text and says how to get a keyring', async () => {
    safeStorage.backend = 'basic_text';
    const { file, s } = store('linux');
    const err = await s.set('postgres.password', PASSWORD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).message).toContain('"basic_text" backend');
    expect((err as SecretError).fix).toMatch(/GNOME Keyring|libsecret|KWallet/);
    expect((err as SecretError).fix).toContain('jett agent');
    expect(fs.existsSync(file)).toBe(false);
    await expect(s.get('postgres.password')).rejects.toThrow(SecretError);
  });

  it('does not ask Windows for a Linux backend', async () => {
    safeStorage.backend = 'basic_text';
    const { s } = store('win32');
    await s.set('postgres.password', PASSWORD);
    expect(await s.get('postgres.password')).toBe(PASSWORD);
  });

  it('refuses when the OS offers no encryption at all', async () => {
    safeStorage.available = false;
    const { s } = store('win32');
    await expect(s.set('postgres.password', PASSWORD)).rejects.toThrow(/offers no encryption/);
  });

  it('names the secret, never its value, when it cannot be decrypted', async () => {
    const { file, s } = store();
    await s.set('postgres.password', PASSWORD);
    fs.writeFileSync(file, JSON.stringify({ 'postgres.password': Buffer.from(`xx${PASSWORD}`).toString('base64') }));
    const err = (await s.get('postgres.password').catch((e: unknown) => e)) as SecretError;
    expect(err.message).toMatch(/^postgres\.password cannot be decrypted/);
    expect(`${err.message} ${err.fix}`).not.toContain('horse');
  });

  it('reports a corrupt file without quoting it', async () => {
    const { file, s } = store();
    fs.writeFileSync(file, `{"postgres.password": "${PASSWORD}"`);
    const err = (await s.list().catch((e: unknown) => e)) as SecretError;
    expect(err.message).toContain('is not valid JSON');
    expect(err.message).not.toContain('horse');
  });
});
