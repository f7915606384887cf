// The one-time privileged setup: what `jett tunnel install` writes (config 0600, helper, sudoers line), that the
// helper passes shellcheck and never prints the private key, that sudo accepts the line, and the Windows plan.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunnelInstallResultSchema } from '../../../main/core/contracts/tunnel.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { TunnelConfigError } from '../../../main/core/tunnel/errors.js';
import { assertUserName, linuxInstallFiles, renderLinuxHelper, renderSudoers, windowsInstallCommands } from '../../../main/core/tunnel/install.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

const DUMP = fs.readFileSync(new URL('./fixtures/dump-desktop.txt', import.meta.url), 'utf8');
const PRIVATE_IN_DUMP = DUMP.split('\t')[0]!;

function fakeTools(): { dir: string; wg: string; wgQuick: string; log: string } {
  const dir = tempDir('jett-helper-');
  const log = path.join(dir, 'calls.log');
  const dumpFile = path.join(dir, 'dump.txt');
  fs.writeFileSync(dumpFile, DUMP);
  const wg = path.join(dir, 'wg');
  fs.writeFileSync(wg, `#!/bin/bash\necho "wg $*" >> ${log}\ncase "$2" in\n  *) if [ "$3" = peers ]; then echo PEERKEY=; else cat ${dumpFile}; fi ;;\nesac\n`, { mode: 0o755 });
  const wgQuick = path.join(dir, 'wg-quick');
  fs.writeFileSync(wgQuick, `#!/bin/bash\necho "wg-quick $*" >> ${log}\n`, { mode: 0o755 });
  return { dir, wg, wgQuick, log };
}

describe('Linux install files', () => {
  it('renders the config 0600, the helper 0755 and the sudoers line 0440 at their system paths', () => {
    const files = linuxInstallFiles({ user: 'alice', iface: 'jett0', configText: 'X', endpoint: 'vps.example.org:51820', wgQuick: '/usr/bin/wg-quick', wg: '/usr/bin/wg', bash: '/bin/bash' });
    expect(files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ['/etc/wireguard/jett0.conf', '600'],
      ['/usr/local/libexec/jett-tunnel', '755'],
      ['/etc/sudoers.d/jett-tunnel', '440'],
    ]);
  });

  it('lets the user run the helper with exactly the four verbs, and keeps the frequent status out of syslog', () => {
    expect(renderSudoers('alice')).toContain('Defaults!JETT_TUNNEL_STATUS !syslog, !pam_session\n');
    expect(renderSudoers('alice').split('\n')[3]).toBe(
      'alice ALL=(root) NOPASSWD: /usr/local/libexec/jett-tunnel up, /usr/local/libexec/jett-tunnel down, /usr/local/libexec/jett-tunnel status, /usr/local/libexec/jett-tunnel reresolve',
    );
  });

  it('refuses user names that could inject sudoers syntax, and endpoints that are not HOST:PORT', () => {
    for (const bad of ['ALL', 'alice ALL=(ALL) ALL', 'bob,root', '', 'a'.repeat(40), 'al\nice']) expect(() => assertUserName(bad)).toThrow(TunnelConfigError);
    expect(() => renderLinuxHelper({ iface: 'jett0', endpoint: "x'; rm -rf /; '", wgQuick: '/usr/bin/wg-quick', wg: '/usr/bin/wg', bash: '/bin/bash' })).toThrow(TunnelConfigError);
  });

  it('runs the helper: fixed verbs, status without the private key line, anything else refused', () => {
    const t = fakeTools();
    const helper = path.join(t.dir, 'jett-tunnel');
    fs.writeFileSync(helper, renderLinuxHelper({ iface: 'jett0', endpoint: 'vps.example.org:51820', wgQuick: t.wgQuick, wg: t.wg, bash: resolveBinary('bash')! }, '/etc/wireguard/jett0.conf'), { mode: 0o755 });
    const status = execFileSync(helper, ['status'], { encoding: 'utf8' });
    expect(status).toBe(DUMP.split('\n').slice(1).join('\n'));
    expect(status).not.toContain(PRIVATE_IN_DUMP);
    execFileSync(helper, ['up']);
    execFileSync(helper, ['reresolve']);
    execFileSync(helper, ['down']);
    expect(fs.readFileSync(t.log, 'utf8').split('\n').filter(Boolean)).toEqual([
      'wg show jett0 dump',
      'wg-quick up /etc/wireguard/jett0.conf',
      'wg show jett0 peers',
      'wg set jett0 peer PEERKEY= endpoint vps.example.org:51820',
      'wg-quick down /etc/wireguard/jett0.conf',
    ]);
    const bad = spawnSync(helper, ['up; id'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/usage: .* up\|down\|status\|reresolve/);
  });
});

describeWith([binary('shellcheck'), binary('visudo')], 'install files checked by shellcheck and visudo', () => {
  it('the helper passes shellcheck and the sudoers line passes visudo', () => {
    const dir = tempDir();
    const helper = path.join(dir, 'jett-tunnel');
    fs.writeFileSync(helper, renderLinuxHelper({ iface: 'jett0', endpoint: '[2001:db8::1]:51820', wgQuick: '/usr/bin/wg-quick', wg: '/usr/bin/wg', bash: '/bin/bash' }));
    expect(spawnSync(resolveBinary('shellcheck')!, ['-s', 'bash', helper], { encoding: 'utf8' }).stdout).toBe('');
    const sudoers = path.join(dir, 'sudoers');
    fs.writeFileSync(sudoers, renderSudoers('alice'), { mode: 0o440 });
    const check = spawnSync(resolveBinary('visudo')!, ['-c', '-f', sudoers], { encoding: 'utf8' });
    expect(check.status, check.stderr + check.stdout).toBe(0);
  });
});

describe('jett tunnel install', () => {
  it('writes the files under --root with their modes and reports them as JSON; --dry-run writes nothing', async () => {
    const home = tempDir();
    const root = tempDir('jett-root-');
    const env = { SUDO_USER: 'alice' };
    expect((await jett(['keys', 'generate'], { home })).code).toBe(0);
    expect((await jett(['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', 'vps.example.org:51820'], { home })).code).toBe(0);
    const dry = await jett(['tunnel', 'install', '--dry-run', '--root', root, '--json'], { home, env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(TunnelInstallResultSchema.parse(JSON.parse(dry.stdout))).toMatchObject({ platform: 'linux', installed: false });
    expect(fs.readdirSync(root)).toEqual([]);
    const r = await jett(['tunnel', 'install', '--root', root, '--json'], { home, env });
    expect(r.code, r.stderr).toBe(0);
    const result = TunnelInstallResultSchema.parse(JSON.parse(r.stdout));
    expect(result.installed).toBe(true);
    expect(result.files.map((f) => f.mode)).toEqual(['0600', '0755', '0440']);
    for (const f of result.files) expect((fs.statSync(f.path).mode & 0o777).toString(8).padStart(4, '0')).toBe(f.mode);
    const conf = fs.readFileSync(path.join(root, 'etc/wireguard/jett0.conf'), 'utf8');
    const secrets = JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(conf).toContain(`PrivateKey = ${secrets['tunnel.privateKey']}`);
    expect(r.stdout).not.toContain(secrets['tunnel.privateKey']);
    expect(fs.readFileSync(path.join(root, 'etc/sudoers.d/jett-tunnel'), 'utf8')).toMatch(/^alice ALL=\(root\) NOPASSWD: /m);
  });

  it('says what is missing before writing anything', async () => {
    const home = tempDir();
    const r = await jett(['tunnel', 'install', '--root', tempDir(), '--user', 'alice'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no WireGuard key yet\n {2}fix: run `jett keys generate`/);
  });
});

describe('Windows install plan', () => {
  it('installs the service once and lets Network Configuration Operators start and stop it', () => {
    const cmds = windowsInstallCommands({ iface: 'jett0', configPath: 'C:\\ProgramData\\Jett\\jett0.conf', user: 'alice', wireguardExe: 'C:\\Program Files\\WireGuard\\wireguard.exe' });
    expect(cmds[0]).toEqual(['C:\\Program Files\\WireGuard\\wireguard.exe', '/installtunnelservice', 'C:\\ProgramData\\Jett\\jett0.conf']);
    expect(cmds[2]![3]).toMatch(/\(A;;[A-Z]*RPWP[A-Z]*;;;NO\)/);
    expect(cmds).toContainEqual(['net.exe', 'localgroup', 'Network Configuration Operators', 'alice', '/add']);
    expect(cmds).toContainEqual(['reg.exe', 'add', 'HKLM\\Software\\WireGuard', '/v', 'LimitedOperatorUI', '/t', 'REG_DWORD', '/d', '1', '/f']);
    expect(() => windowsInstallCommands({ iface: 'jett0', configPath: 'C:\\x.conf', user: 'a"; calc', wireguardExe: 'wireguard.exe' })).toThrow(TunnelConfigError);
  });
});
