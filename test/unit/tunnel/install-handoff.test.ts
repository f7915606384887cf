// The privileged install never reads the user's keyring: with the keyring in use, `sudo jett tunnel install` refuses
// and names the pipe; `jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin` carries the keys.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { userWithKeys } from '../../helpers/tunnel-user.js';

/** The state after the move into the keyring: the choice recorded, no secrets.json left for root to read. */
function movedToKeyring(home: string): void {
  fs.writeFileSync(path.join(home, 'secret-store.json'), JSON.stringify({ kind: 'keyring', location: 'Secret Service, service "Jett 0123456789ab"', reason: 'the Secret Service answered' }), { mode: 0o600 });
  fs.rmSync(path.join(home, 'secrets.json'));
}

describeWith([binary('wg-quick'), binary('wg')], 'the tunnel keys handed to the privileged install', () => {
  it('refuses to read a keyring user\'s store as root, and installs from the keys piped on stdin', async () => {
    const home = await userWithKeys();
    const handoff = await jett(['tunnel', 'install', '--handoff'], { home });
    expect(handoff.code).toBe(0);
    const key = (JSON.parse(handoff.stdout) as Record<string, string>)['tunnel.privateKey'];
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    movedToKeyring(home);
    const root = tempDir('jett-root-');
    const refused = await jett(['tunnel', 'install', '--user', 'alice', '--root', root], { home });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("this user's secrets are in the keyring, which the privileged install does not read");
    expect(refused.stderr).toContain('jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin');
    expect(fs.readdirSync(root)).toEqual([]);
    const installed = await jett(['tunnel', 'install', '--user', 'alice', '--root', root, '--secrets-stdin'], { home, stdin: handoff.stdout });
    expect(installed.code).toBe(0);
    const conf = fs.readFileSync(path.join(root, 'etc/wireguard/jett0.conf'), 'utf8');
    expect(conf).toContain(`PrivateKey = ${key}`);
    expect(fs.statSync(path.join(root, 'etc/wireguard/jett0.conf')).mode & 0o777).toBe(0o600);
  });

  it('writes the keys into a pipe only, never into a file a redirect names', async () => {
    const home = await userWithKeys();
    const out = path.join(tempDir(), 'keys.json');
    // `jett tunnel install --handoff > keys.json`: standard output is the file itself.
    const fd = fs.openSync(out, 'w');
    // execa would pipe it and copy; spawnSync hands the child the file descriptor itself, as a shell does.
    const r = spawnSync(process.execPath, [path.resolve('bin/jett.mjs'), 'tunnel', 'install', '--handoff'], { env: { PATH: '/usr/bin:/bin', JETT_HOME: home }, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    fs.closeSync(fd);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--handoff prints the tunnel keys, so its output must be a pipe (not a terminal or a file)');
    expect(fs.readFileSync(out, 'utf8')).toBe('');
    const piped = await execa(process.execPath, [path.resolve('bin/jett.mjs'), 'tunnel', 'install', '--handoff'], { env: { PATH: '/usr/bin:/bin', JETT_HOME: home }, extendEnv: false, reject: false });
    expect(piped.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(piped.stdout) as object)).toEqual(['tunnel.privateKey']);
  });

  it('refuses stdin that is not the handoff, without quoting it', async () => {
    const home = await userWithKeys();
    const r = await jett(['tunnel', 'install', '--user', 'alice', '--root', tempDir(), '--secrets-stdin'], { home, stdin: '{"tunnel.privateKey":"x","extra":"SENSITIVE"}' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('standard input does not hold the tunnel keys');
    expect(r.stderr).not.toContain('SENSITIVE');
  });
});
