// The one secret store against a real Secret Service (gnome-keyring in a dbus-run-session): round trips that
// secret-tool sees, the move from both old stores with a crash between copy and delete, and a locked keyring that
// gives an error, at once without a display and bounded by the timeout with one (where the prompt waits forever).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { utilityKeyringCall } from '../../../main/app/secrets/keyring-utility.js';
import { SafeStorageSecretStore } from '../../../main/app/secrets/safe-storage-store.js';
import { SecretError } from '../../../main/core/errors.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { KEYRING_CHILD } from '../../../main/core/secrets/keyring-call.js';
import { KeyringSecretStore, keyringService } from '../../../main/core/secrets/keyring-store.js';
import { migrateSecrets } from '../../../main/core/secrets/migrate.js';
import { readStoreChoice, selectSecretStore } from '../../../main/core/secrets/select.js';
import { safeStorage, utilityProcess } from '../../mocks/electron.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { startSecretService, startXvfb, type SecretServiceSession } from '../../helpers/secret-service.js';
import { tempDir } from '../../helpers/tmp.js';

const sessions: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (sessions.length) await sessions.pop()!.stop();
});

async function session(home: string, unlock: boolean, display?: string): Promise<SecretServiceSession> {
  const s = await startSecretService({ home, unlock, display });
  sessions.push(s);
  return s;
}

/** What secret-tool (libsecret, another client of the same service) finds; `search` prints attributes on stderr. */
async function secretTool(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await execa(resolveBinary('secret-tool')!, args, { env, extendEnv: false, reject: false, all: true });
  return args[0] === 'lookup' ? String(r.stdout) : String(r.all);
}

/** A JETT_HOME whose keyring HOME is next to it: the keyrings live in HOME/.local/share/keyrings. */
function homes(): { user: string; jett: string } {
  const user = tempDir('jett-keyring-');
  return { user, jett: path.join(user, '.config', 'Jett') };
}

describeWith([binary('gnome-keyring-daemon'), binary('dbus-run-session'), binary('secret-tool')], 'the keyring store on a real Secret Service', () => {
  it('is chosen when it answers, records why, and keeps one entry per name that secret-tool sees', async () => {
    const h = homes();
    const s = await session(h.user, true);
    const { store, choice } = await selectSecretStore({ home: h.jett, platform: 'linux', env: s.env });
    expect(choice.kind).toBe('keyring');
    expect(readStoreChoice(h.jett)).toEqual(choice);
    await store.set('postgres.password', 'pg-secret-1');
    await store.set('postgres.password', 'pg-secret-2');
    await store.set('heartbeat.token', 'hb-token');
    expect(await store.get('postgres.password')).toBe('pg-secret-2');
    expect(await store.list()).toEqual(['postgres.password', 'heartbeat.token']);
    const service = keyringService(h.jett);
    expect(await secretTool(s.env, ['lookup', 'service', service, 'username', 'postgres.password'])).toBe('pg-secret-2');
    const found = await secretTool(s.env, ['search', '--all', 'service', service]);
    expect(found.match(/attribute\.username = postgres\.password/g)).toHaveLength(1);
    await store.delete('postgres.password');
    expect(await store.get('postgres.password')).toBeNull();
    // Another JETT_HOME of the same user has its own service name and sees none of it.
    const other = new KeyringSecretStore({ home: tempDir(), platform: 'linux', env: s.env });
    expect(await other.list()).toEqual([]);
    // Nothing was written to a file.
    expect(fs.existsSync(path.join(h.jett, 'secrets.json'))).toBe(false);
  });

  it("reaches the same entries from the tray app's utility process as from jett's child process", async () => {
    const h = homes();
    const s = await session(h.user, true);
    const tray = new KeyringSecretStore({ home: h.jett, platform: 'linux', env: s.env, call: utilityKeyringCall((m, env) => utilityProcess.fork(m, [], { env })) });
    const cli = new KeyringSecretStore({ home: h.jett, platform: 'linux', env: s.env });
    await tray.set('heartbeat.token', 'set-in-the-tray');
    expect(await cli.get('heartbeat.token')).toBe('set-in-the-tray');
    await cli.set('postgres.password', 'set-by-jett');
    expect(await tray.get('postgres.password')).toBe('set-by-jett');
    expect(utilityProcess.forked.at(-1)).toBe(KEYRING_CHILD);
  });

  it('moves the file store over once: a crash between copy and delete loses nothing and duplicates nothing', async () => {
    const h = homes();
    const s = await session(h.user, true);
    const file = new FileSecretStore(path.join(h.jett, 'secrets.json'));
    await file.set('tunnel.privateKey', 'wg-private');
    await file.set('postgres.password', 'pg-old');
    const keyring = new KeyringSecretStore({ home: h.jett, platform: 'linux', env: s.env });
    const crash = () => {
      throw new Error('killed between copy and delete');
    };
    await expect(migrateSecrets({ from: file, to: keyring, removeOld: crash })).rejects.toThrow('killed between copy and delete');
    // Both copies exist now; the next start finishes the move.
    expect(await file.get('postgres.password')).toBe('pg-old');
    const { store, choice } = await selectSecretStore({ home: h.jett, platform: 'linux', env: s.env });
    expect(choice.kind).toBe('keyring');
    expect(fs.existsSync(file.location)).toBe(false);
    expect(await store.get('tunnel.privateKey')).toBe('wg-private');
    expect(await store.get('postgres.password')).toBe('pg-old');
    const found = await secretTool(s.env, ['search', '--all', 'service', keyringService(h.jett)]);
    expect(found.match(/attribute\.username = /g)).toHaveLength(2);
  });

  it("moves the tray's old safeStorage store, keeping it where the keyring already holds another value", async () => {
    const h = homes();
    const s = await session(h.user, true);
    safeStorage.backend = 'gnome_libsecret';
    const safeFile = path.join(h.jett, 'secrets.safe.json');
    const old = new SafeStorageSecretStore(safeFile, safeStorage, 'linux');
    await old.set('heartbeat.token', 'hb-from-tray');
    await old.set('n8n.apiKey', 'n8n-from-tray');
    const keyring = new KeyringSecretStore({ home: h.jett, platform: 'linux', env: s.env });
    const removeOld = () => fs.rmSync(safeFile, { force: true });
    await expect(migrateSecrets({ from: old, to: keyring, removeOld: () => { throw new Error('crash'); } })).rejects.toThrow('crash');
    expect(await migrateSecrets({ from: old, to: keyring, removeOld })).toEqual({ moved: [], conflicts: [], removed: true });
    expect(fs.existsSync(safeFile)).toBe(false);
    expect(await keyring.get('heartbeat.token')).toBe('hb-from-tray');
    expect(await keyring.get('n8n.apiKey')).toBe('n8n-from-tray');
    // A second old store disagreeing with the keyring: the keyring's value stays in use, the old file stays for the user.
    await old.set('heartbeat.token', 'hb-other');
    expect(await migrateSecrets({ from: old, to: keyring, removeOld })).toEqual({ moved: [], conflicts: ['heartbeat.token'], removed: false });
    expect(await keyring.get('heartbeat.token')).toBe('hb-from-tray');
    expect(await old.get('heartbeat.token')).toBe('hb-other');
  });

  it('refuses a locked keyring with an error that says so, and never falls back to the file', async () => {
    const h = homes();
    const first = await session(h.user, true);
    await new KeyringSecretStore({ home: h.jett, platform: 'linux', env: first.env }).set('postgres.password', 'pg-secret');
    await sessions.pop()!.stop();
    // A new session of the same user: the login keyring exists on disk, and nobody unlocked it.
    const s = await session(h.user, false);
    const err = await selectSecretStore({ home: h.jett, platform: 'linux', env: s.env }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).message).toMatch(/the keyring holds Jett's secrets but is not available: the Secret Service refused/);
    expect((err as SecretError).fix).toMatch(/unlock your keyring/);
    expect((err as SecretError).message).not.toContain('pg-secret');
    expect(fs.existsSync(path.join(h.jett, 'secrets.json'))).toBe(false);
  });
});

describeWith([binary('gnome-keyring-daemon'), binary('dbus-run-session'), binary('Xvfb')], 'a locked keyring with a display', () => {
  it('opens an unlock prompt that waits forever: the call is killed at the timeout and the agent keeps running', async () => {
    const h = homes();
    const first = await session(h.user, true);
    await new KeyringSecretStore({ home: h.jett, platform: 'linux', env: first.env }).set('postgres.password', 'pg-secret');
    await sessions.pop()!.stop();
    const x = await startXvfb(50 + Math.floor(Math.random() * 400));
    sessions.push(x);
    const s = await session(h.user, false, x.display);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const err = await selectSecretStore({ home: h.jett, platform: 'linux', env: s.env, timeoutMs: 3000 }).then(() => null, (e: unknown) => e);
    clearInterval(timer);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).message).toMatch(/did not answer within 3 s \(it is probably locked and waiting at an unlock prompt\)/);
    // The event loop ran all along: the wait happened in a child process, not in this one.
    expect(ticks).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(h.jett, 'secrets.json'))).toBe(false);
  });
});

describe('without any Secret Service', () => {
  it('falls back to the 0600 file on Linux and records why', async () => {
    const home = tempDir();
    const { store, choice } = await selectSecretStore({ home, platform: 'linux', env: { PATH: '/usr/bin:/bin' } });
    expect(choice.kind).toBe('file');
    expect(choice.reason).toMatch(/^no Secret Service answers \(.*\); secrets stay in a file only you can read$/);
    await store.set('postgres.password', 'pg');
    expect(fs.statSync(path.join(home, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(readStoreChoice(home)).toEqual(choice);
  });
});
