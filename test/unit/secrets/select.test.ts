// Which store Jett uses, per platform and per keyring answer (the keyring call injected): the keyring when it
// answers, an error when it refuses, the 0600 file only on Linux without any keyring; on Windows never the file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretError } from '../../../main/core/errors.js';
import type { KeyringCall, KeyringReply } from '../../../main/core/secrets/keyring-call.js';
import { readStoreChoice, selectSecretStore, SelectedSecretStore } from '../../../main/core/secrets/select.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

const answering = (reply: KeyringReply): KeyringCall => async (ops) => (reply.ok ? { ok: true, results: ops.map(() => null) } : reply);
const absent = answering({ ok: false, kind: 'absent', message: 'Platform failure: no D-Bus session' });
const refused = answering({ ok: false, kind: 'refused', message: "Couldn't access platform storage: the user refused" });

async function errorOf(p: Promise<unknown>): Promise<SecretError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SecretError);
  return err as SecretError;
}

describe('selectSecretStore', () => {
  it('on Windows refuses the file when Credential Manager does not answer, and says what to do', async () => {
    const home = tempDir();
    const err = await errorOf(selectSecretStore({ home, platform: 'win32', env: {}, call: absent }));
    expect(err.message).toBe("the keyring holds Jett's secrets but is not available: the Windows Credential Manager refused: Platform failure: no D-Bus session");
    expect(err.fix).toMatch(/Credential Manager belongs to your account/);
    expect(fs.existsSync(path.join(home, 'secrets.json'))).toBe(false);
    expect(readStoreChoice(home)).toBeNull();
  });

  it('on Windows refuses JETT_SECRET_STORE=file: the file has no protection of its own there', async () => {
    const err = await errorOf(selectSecretStore({ home: tempDir(), platform: 'win32', env: { JETT_SECRET_STORE: 'file' }, call: answering({ ok: true, results: [] }) }));
    expect(err.message).toMatch(/refused on Windows/);
  });

  it('uses Credential Manager on Windows when it answers', async () => {
    const home = tempDir();
    const { choice } = await selectSecretStore({ home, platform: 'win32', env: {}, call: answering({ ok: true, results: [] }) });
    expect(choice).toEqual({ kind: 'keyring', location: expect.stringMatching(/^Windows Credential Manager, service "Jett [0-9a-f]{12}"$/), reason: 'the Windows Credential Manager answered' });
  });

  it('on Linux turns a keyring that refuses into an error, never the file, even where a file store exists', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'secrets.json'), '{"postgres.password":"pg"}\n', { mode: 0o600 });
    const err = await errorOf(selectSecretStore({ home, platform: 'linux', env: {}, call: refused }));
    expect(err.fix).toMatch(/unlock your keyring/);
    expect(err.fix).toMatch(/JETT_SECRET_STORE=file/);
    expect(readStoreChoice(home)).toBeNull();
  });

  it('on Linux does not start a file for a home whose secrets are in the keyring, when the keyring is out of reach', async () => {
    const home = tempDir();
    await selectSecretStore({ home, platform: 'linux', env: {}, call: answering({ ok: true, results: [] }) });
    // Later, from an ssh login without the desktop's D-Bus session:
    const err = await errorOf(selectSecretStore({ home, platform: 'linux', env: {}, call: absent }));
    expect(err.message).toBe('this JETT_HOME keeps its secrets in the Secret Service, which does not answer here (Platform failure: no D-Bus session)');
    expect(err.fix).toMatch(/inside your desktop session/);
    expect(fs.existsSync(path.join(home, 'secrets.json'))).toBe(false);
    expect(readStoreChoice(home)?.kind).toBe('keyring');
  });

  it('on Linux takes the file when asked for it, and records that choice', async () => {
    const home = tempDir();
    const { choice } = await selectSecretStore({ home, platform: 'linux', env: { JETT_SECRET_STORE: 'file' }, call: refused });
    expect(choice).toEqual({ kind: 'file', location: path.join(home, 'secrets.json'), reason: 'chosen with JETT_SECRET_STORE=file' });
    expect(fs.statSync(path.join(home, 'secret-store.json')).mode & 0o777).toBe(0o600);
  });

  it('on macOS has no file fallback either', async () => {
    const err = await errorOf(selectSecretStore({ home: tempDir(), platform: 'darwin', env: {}, call: absent }));
    expect(err.fix).toMatch(/login keychain/);
  });
});

describe('SelectedSecretStore', () => {
  it('selects again after a refusal, so unlocking the keyring needs no restart', async () => {
    let locked = true;
    const values = new Map<string, string>();
    const call: KeyringCall = async (ops) => {
      if (locked) return { ok: false, kind: 'refused', message: "Couldn't access platform storage: locked" };
      return {
        ok: true,
        results: ops.map((op) => {
          if (op.op === 'set') values.set(op.name, op.value);
          return op.op === 'get' ? (values.get(op.name) ?? null) : null;
        }),
      };
    };
    const store = new SelectedSecretStore({ home: tempDir(), platform: 'linux', env: {}, call });
    await errorOf(store.set('postgres.password', 'pg'));
    locked = false;
    await store.set('postgres.password', 'pg');
    expect(await store.get('postgres.password')).toBe('pg');
    expect(store.kind).toBe('keyring');
  });
});

describe('jett doctor', () => {
  it('names the store in use and why it was chosen', async () => {
    const home = tempDir();
    // A session bus address where nothing listens: no keyring answers, as on a headless box.
    const r = await jett(['doctor', '--json'], { home, env: { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(home, 'no-bus')}` } });
    const checks = (JSON.parse(r.stdout) as { checks: { name: string; status: string; detail: string }[] }).checks;
    const check = checks.find((c) => c.name === 'secret-store')!;
    expect(check.status).toBe('ok');
    expect(check.detail).toMatch(new RegExp(`^file store at ${path.join(home, 'secrets.json')} \\(no Secret Service answers \\(Platform failure: .*\\); secrets stay in a file only you can read\\); no secret set yet$`));
  });
});
