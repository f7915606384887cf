// The one-time privileged setup: what `jett tunnel install` writes (config 0600, helper, sudoers line), that the
// helper passes shellcheck, never prints the private key, starts from an empty environment and refuses programs
// that someone other than root could change, that files Jett did not write are kept, and the Windows plan.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunnelInstallResultSchema } from '../../../main/core/contracts/tunnel.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { resolvePrivileged, UnsafeProgramError } from '../../../main/core/process/privileged.js';
import { assertPlainWindowsDir, programDataDir, programFilesDir, system32Dir, type WinTrustFs } from '../../../main/core/process/privileged-windows.js';
import { TunnelConfigError } from '../../../main/core/tunnel/errors.js';
import {
  assertUserName,
  helperPrograms,
  INSTALL_MARKER,
  inWriteOrder,
  linuxInstallFiles,
  renderLinuxHelper,
  renderSudoers,
  type HelperPrograms,
} from '../../../main/core/tunnel/install.js';
import { windowsConfigDirCommands, windowsInstallCommands, windowsInstallPrograms } from '../../../main/core/tunnel/install-windows.js';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { rootOnlyDir } from '../../helpers/root-dir.js';
import { tempDir } from '../../helpers/tmp.js';
import { userWithKeys } from '../../helpers/tunnel-user.js';

const DUMP = fs.readFileSync(new URL('./fixtures/dump-desktop.txt', import.meta.url), 'utf8');
const PRIVATE_IN_DUMP = DUMP.split('\t')[0]!;
const STD: HelperPrograms = { bash: '/usr/bin/bash', env: '/usr/bin/env', wgQuick: '/usr/bin/wg-quick', wg: '/usr/bin/wg', stat: '/usr/bin/stat', readlink: '/usr/bin/readlink' };

describe('Linux install files', () => {
  it('renders the config 0600, the helper 0755 and the sudoers line 0440 at their system paths, each marked as Jett\'s', () => {
    const files = inWriteOrder(linuxInstallFiles({ user: 'alice', iface: 'jett0', configText: 'X', endpoint: 'vps.example.org:51820', programs: STD }));
    expect(files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ['/etc/wireguard/jett0.conf', '600'],
      ['/usr/local/libexec/jett-tunnel', '755'],
      ['/etc/sudoers.d/jett-tunnel', '440'],
    ]);
    expect(files.map((f) => f.content.split('\n').slice(0, 2).includes(INSTALL_MARKER))).toEqual([true, true, true]);
  });

  it('lets the user run the helper with exactly the four verbs, pins env_reset, and keeps the frequent status out of syslog', () => {
    const lines = renderSudoers('alice').split('\n');
    expect(lines).toContain('Defaults!JETT_TUNNEL env_reset, !setenv');
    expect(lines).toContain('Defaults!JETT_TUNNEL_STATUS !syslog, !pam_session');
    expect(lines).toContain('Cmnd_Alias JETT_TUNNEL = /usr/local/libexec/jett-tunnel up, /usr/local/libexec/jett-tunnel down, /usr/local/libexec/jett-tunnel status, /usr/local/libexec/jett-tunnel reresolve');
    expect(lines).toContain('alice ALL=(root) NOPASSWD: JETT_TUNNEL');
  });

  it('refuses user names that could inject sudoers syntax, endpoints that are not HOST:PORT, and odd program paths', () => {
    for (const bad of ['ALL', 'alice ALL=(ALL) ALL', 'bob,root', '', 'a'.repeat(40), 'al\nice']) expect(() => assertUserName(bad)).toThrow(TunnelConfigError);
    expect(() => renderLinuxHelper({ iface: 'jett0', endpoint: "x'; rm -rf /; '", programs: STD })).toThrow(TunnelConfigError);
    expect(() => renderLinuxHelper({ iface: 'jett0', endpoint: 'vps.example.org:51820', programs: { ...STD, wg: "/usr/bin/wg'; id; '" } })).toThrow(TunnelConfigError);
  });

  it('takes the helper\'s programs from the system folders only, and says so when one is missing there', () => {
    expect(() => helperPrograms((n) => (n === 'wg' ? null : `/usr/bin/${n}`))).toThrow(/^wg is not in \/usr\/bin, \/usr\/sbin, \/bin or \/sbin$/);
    expect(() => helperPrograms(() => null)).toThrow(expect.objectContaining({ fix: expect.stringMatching(/a copy under \/usr\/local or on PATH is never used as root/) }));
  });
});

/** Root-owned fake wg and wg-quick in a root-only folder, the config and the helper beside them. */
function installedHelper(): { base: string; helper: string; conf: string; wg: string; wgQuick: string; log: string; envLog: string } {
  const base = rootOnlyDir('jett-helper-');
  for (const d of ['bin', 'etc', 'libexec']) fs.mkdirSync(path.join(base, d), { mode: 0o755 });
  const log = path.join(base, 'calls.log');
  const envLog = path.join(base, 'env.log');
  const dumpFile = path.join(base, 'dump.txt');
  fs.writeFileSync(dumpFile, DUMP);
  const wg = path.join(base, 'bin/wg');
  fs.writeFileSync(wg, `#!/bin/bash\necho "wg $*" >> ${log}\nif [ "$3" = peers ]; then echo PEERKEY=; echo OTHERKEY=; else cat ${dumpFile}; fi\n`, { mode: 0o755 });
  const wgQuick = path.join(base, 'bin/wg-quick');
  fs.writeFileSync(wgQuick, `#!/bin/bash\necho "wg-quick $*" >> ${log}\nenv > ${envLog}\n`, { mode: 0o755 });
  const conf = path.join(base, 'etc/jett0.conf');
  fs.writeFileSync(conf, '[Interface]\n', { mode: 0o600 });
  const helper = path.join(base, 'libexec/jett-tunnel');
  const programs = helperPrograms((n) => (n === 'wg' ? wg : n === 'wg-quick' ? wgQuick : resolvePrivileged(n)));
  fs.writeFileSync(helper, renderLinuxHelper({ iface: 'jett0', endpoint: 'vps.example.org:51820', programs, configPath: conf, helperPath: helper }), { mode: 0o755 });
  return { base, helper, conf, wg, wgQuick, log, envLog };
}

function calls(log: string): string[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

describeWith([root], 'the installed helper, at every run', () => {
  it('runs the fixed verbs: status without the private key line, anything else refused', () => {
    const t = installedHelper();
    const status = execFileSync(t.helper, ['status'], { encoding: 'utf8' });
    expect(status).toBe(DUMP.split('\n').slice(1).join('\n'));
    expect(status).not.toContain(PRIVATE_IN_DUMP);
    execFileSync(t.helper, ['up']);
    execFileSync(t.helper, ['reresolve']);
    execFileSync(t.helper, ['down']);
    expect(calls(t.log)).toEqual([
      'wg show jett0 dump',
      `wg-quick up ${t.conf}`,
      'wg show jett0 peers',
      'wg set jett0 peer PEERKEY= endpoint vps.example.org:51820',
      `wg-quick down ${t.conf}`,
    ]);
    const bad = spawnSync(t.helper, ['up; id'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/usage: .* up\|down\|status\|reresolve/);
  });

  it('hands wg-quick an empty environment: nothing of the caller\'s, not even what sudo\'s env_reset would keep', () => {
    const t = installedHelper();
    const planted = tempDir('jett-planted-');
    const marker = path.join(planted, 'pwned');
    const evil = path.join(planted, 'evil');
    fs.writeFileSync(evil, `#!/bin/sh\nid -u >> ${marker}\n`, { mode: 0o755 });
    for (const name of ['wg-quick', 'wg', 'bash', 'env', 'stat', 'readlink', 'wireguard-go']) fs.copyFileSync(evil, path.join(planted, name));
    fs.chmodSync(planted, 0o755);
    for (const name of fs.readdirSync(planted)) fs.chmodSync(path.join(planted, name), 0o755);
    const env = { PATH: `${planted}:${process.env.PATH}`, BASH_ENV: evil, ENV: evil, WG_QUICK_USERSPACE_IMPLEMENTATION: evil, WG_ENDPOINT_RESOLUTION_RETRIES: 'infinity', SHELLOPTS: 'xtrace', LOG_LEVEL: 'verbose', 'BASH_FUNC_wg%%': '() { id -u >> ' + marker + '; }' };
    const r = spawnSync(t.helper, ['up'], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    // bash itself adds PWD, SHLVL and _; everything else is what the helper set.
    const seen = fs.readFileSync(t.envLog, 'utf8').split('\n').filter((l) => l && !/^(PWD|SHLVL|_)=/.test(l)).sort();
    expect(seen).toEqual(['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1']);
  });

  it('refuses to run when the folder of a program it runs became writable after the install', () => {
    const t = installedHelper();
    fs.chmodSync(path.dirname(t.wgQuick), 0o777);
    const r = spawnSync(t.helper, ['up'], { encoding: 'utf8' });
    expect(r.status).toBe(126);
    expect(r.stderr).toContain(`jett-tunnel: refusing to run as root: ${t.wgQuick}: ${path.dirname(t.wgQuick)} is writable by group or others (mode 777)\n  fix: `);
    expect(calls(t.log)).toEqual([]);
  });

  it('refuses a program handed to another user, follows a link to a root-only place, refuses one into a user-writable folder', () => {
    const t = installedHelper();
    fs.chownSync(t.wg, 65534, 65534);
    const owned = spawnSync(t.helper, ['status'], { encoding: 'utf8' });
    expect(owned.status).toBe(126);
    expect(owned.stderr).toContain(`${t.wg}: ${t.wg} is owned by uid 65534, not root`);
    fs.chownSync(t.wg, 0, 0);
    // A link to a root-only place is fine (the full walk follows it, as for /bin -> usr/bin)...
    const safe = path.join(t.base, 'safe');
    fs.mkdirSync(safe, { mode: 0o755 });
    fs.copyFileSync(t.wgQuick, path.join(safe, 'wg-quick'));
    fs.rmSync(t.wgQuick);
    fs.symlinkSync('../safe/wg-quick', t.wgQuick);
    const followed = spawnSync(t.helper, ['up'], { encoding: 'utf8' });
    expect(followed.status, followed.stderr).toBe(0);
    expect(calls(t.log)).toEqual([`wg-quick up ${t.conf}`]);
    fs.rmSync(t.log);
    // ...one into a folder others may write is not.
    fs.rmSync(t.wgQuick);
    fs.symlinkSync(path.join(safe, 'wg-quick'), t.wgQuick);
    const open = path.join(t.base, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    fs.copyFileSync(path.join(safe, 'wg-quick'), path.join(open, 'wg-quick'));
    fs.rmSync(t.wgQuick);
    fs.symlinkSync(path.join(open, 'wg-quick'), t.wgQuick);
    const linked = spawnSync(t.helper, ['up'], { encoding: 'utf8' });
    expect(linked.status).toBe(126);
    expect(linked.stderr).toContain(`${t.wgQuick}: ${open} is writable by group or others (mode 777)`);
    expect(calls(t.log)).toEqual([]);
  });

  it('refuses a config others may write or that is gone, and a helper whose own folder others may write', () => {
    const t = installedHelper();
    fs.chmodSync(t.conf, 0o620);
    expect(spawnSync(t.helper, ['up'], { encoding: 'utf8' }).stderr).toContain(`${t.conf}: ${t.conf} is writable by group or others (mode 620)`);
    fs.chmodSync(t.conf, 0o600);
    fs.renameSync(t.conf, `${t.conf}.away`);
    expect(spawnSync(t.helper, ['up'], { encoding: 'utf8' }).stderr).toContain(`${t.conf}: ${t.conf} cannot be read`);
    fs.renameSync(`${t.conf}.away`, t.conf);
    fs.chmodSync(path.dirname(t.helper), 0o775);
    const r = spawnSync(t.helper, ['down'], { encoding: 'utf8' });
    expect(r.status).toBe(126);
    expect(r.stderr).toContain(`${t.helper}: ${path.dirname(t.helper)} is writable by group or others (mode 775)`);
    expect(calls(t.log)).toEqual([]);
  });
});

describeWith([binary('shellcheck'), binary('visudo')], 'install files checked by shellcheck and visudo', () => {
  it('the helper passes shellcheck and the sudoers line passes visudo', () => {
    const dir = tempDir();
    const helper = path.join(dir, 'jett-tunnel');
    fs.writeFileSync(helper, renderLinuxHelper({ iface: 'jett0', endpoint: '[2001:db8::1]:51820', programs: STD }));
    const sc = spawnSync(resolveBinary('shellcheck')!, ['-s', 'bash', helper], { encoding: 'utf8' });
    expect(sc.stdout).toBe('');
    expect(sc.status).toBe(0);
    const sudoers = path.join(dir, 'sudoers');
    fs.writeFileSync(sudoers, renderSudoers('alice'), { mode: 0o440 });
    const check = spawnSync(resolveBinary('visudo')!, ['-c', '-f', sudoers], { encoding: 'utf8' });
    expect(check.status, check.stderr + check.stdout).toBe(0);
  });
});

describeWith([binary('wg-quick'), binary('wg')], 'jett tunnel install', () => {
  it('writes the files under --root with their modes and reports them as JSON; --dry-run writes nothing', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    const env = { SUDO_USER: 'alice' };
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
    expect(fs.readFileSync(path.join(root, 'etc/sudoers.d/jett-tunnel'), 'utf8')).toMatch(/^alice ALL=\(root\) NOPASSWD: JETT_TUNNEL$/m);
  });

  it('`jett tunnel uninstall --root` removes the three files that install wrote there, and only those', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    expect((await jett(['tunnel', 'install', '--root', root, '--user', 'alice'], { home })).code).toBe(0);
    const r = await jett(['tunnel', 'uninstall', '--root', root], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^removed /gm)).toHaveLength(3);
    for (const f of ['etc/wireguard/jett0.conf', 'usr/local/libexec/jett-tunnel', 'etc/sudoers.d/jett-tunnel']) expect(fs.existsSync(path.join(root, f)), f).toBe(false);
  });

  it('writes the system wg-quick into the helper, never one planted first on the caller\'s PATH (sudo npx)', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    const planted = tempDir('jett-planted-');
    const marker = path.join(planted, 'pwned');
    for (const name of ['wg-quick', 'wg', 'bash', 'env', 'stat', 'readlink', 'visudo']) fs.writeFileSync(path.join(planted, name), `#!/bin/sh\nid -u >> ${marker}\n`, { mode: 0o755 });
    const r = await jett(['tunnel', 'install', '--root', root, '--user', 'alice'], { home, env: { PATH: `${planted}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(0);
    const helper = fs.readFileSync(path.join(root, 'usr/local/libexec/jett-tunnel'), 'utf8');
    expect(helper).toContain(`up) exec '${resolvePrivileged('wg-quick')}' up "$CONF" ;;`);
    expect(helper).not.toContain(planted);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('keeps an /etc/wireguard config it did not write: says so, exits 1 and writes nothing; --force replaces it', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    const theirs = path.join(root, 'etc/wireguard/jett0.conf');
    fs.mkdirSync(path.dirname(theirs), { recursive: true });
    fs.writeFileSync(theirs, '# my own tunnel\n[Interface]\nPrivateKey = theirs\n', { mode: 0o600 });
    const r = await jett(['tunnel', 'install', '--root', root, '--user', 'alice'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${theirs} already exists and was not written by Jett; nothing was written\n  fix: look at it first`);
    expect(r.stderr).toContain('--force');
    expect(fs.readFileSync(theirs, 'utf8')).toBe('# my own tunnel\n[Interface]\nPrivateKey = theirs\n');
    expect(fs.existsSync(path.join(root, 'usr'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'etc/sudoers.d'))).toBe(false);

    const forced = await jett(['tunnel', 'install', '--root', root, '--user', 'alice', '--force'], { home });
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(theirs, 'utf8').split('\n')[0]).toBe(INSTALL_MARKER);
    // Its own files it replaces without --force (after `jett keys generate --force`, say).
    expect((await jett(['tunnel', 'install', '--root', root, '--user', 'alice'], { home })).code).toBe(0);
  });

  it('keeps a helper or sudoers file at its paths that it did not write', async () => {
    const home = await userWithKeys();
    const root = tempDir('jett-root-');
    const sudoers = path.join(root, 'etc/sudoers.d/jett-tunnel');
    fs.mkdirSync(path.dirname(sudoers), { recursive: true });
    fs.writeFileSync(sudoers, 'alice ALL=(ALL) ALL\n', { mode: 0o440 });
    const r = await jett(['tunnel', 'install', '--root', root, '--user', 'alice'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${sudoers} already exists and was not written by Jett`);
    expect(fs.readFileSync(sudoers, 'utf8')).toBe('alice ALL=(ALL) ALL\n');
  });
});

describe('jett tunnel install without keys', () => {
  it('says what is missing before writing anything', async () => {
    const home = tempDir();
    const r = await jett(['tunnel', 'install', '--root', tempDir(), '--user', 'alice'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no WireGuard key yet\n {2}fix: run `jett keys generate`/);
  });
});

type WinNode = { kind: 'file' | 'link' | 'dir'; real?: string };

/** A Windows file system of case-insensitive paths; `real` is where a junction on the way leads. */
function winFs(tree: Record<string, WinNode>): WinTrustFs {
  const get = (p: string): WinNode => {
    const n = Object.entries(tree).find(([k]) => k.toLowerCase() === p.toLowerCase())?.[1];
    if (!n) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return n;
  };
  return {
    lstatSync: (p) => {
      const n = get(p);
      return { isFile: () => n.kind === 'file', isDirectory: () => n.kind === 'dir', isSymbolicLink: () => n.kind === 'link' };
    },
    realpathSync: { native: (p) => get(p).real ?? p },
  };
}

const WIN_ENV = { ProgramFiles: 'C:\\Program Files (x86)', ProgramW6432: 'C:\\Program Files', SystemRoot: 'C:\\Windows', PATH: 'C:\\Users\\alice\\bin;C:\\Windows\\System32' };
const WIN_TREE: Record<string, WinNode> = {
  'C:\\Program Files\\WireGuard\\wireguard.exe': { kind: 'file' },
  'C:\\Program Files\\WireGuard\\wg.exe': { kind: 'file' },
  'C:\\Windows\\System32\\sc.exe': { kind: 'file' },
  'C:\\Windows\\System32\\net.exe': { kind: 'file' },
  'C:\\Windows\\System32\\reg.exe': { kind: 'file' },
  'C:\\Windows\\System32\\icacls.exe': { kind: 'file' },
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe': { kind: 'file' },
  'C:\\ProgramData\\Jett': { kind: 'dir' },
  'C:\\Users\\alice\\bin\\wireguard.exe': { kind: 'file' },
  'C:\\Users\\alice\\bin\\sc.exe': { kind: 'file' },
};

describe('Windows install plan', () => {
  it('installs the service and lets Network Configuration Operators start and stop it, every program by absolute path', () => {
    const programs = windowsInstallPrograms(WIN_ENV, winFs(WIN_TREE));
    const plan = { platform: 'win32' as const, user: 'DESKTOP-1\\alice', iface: 'jett0', dataDir: 'C:\\ProgramData\\Jett', config: { path: 'C:\\ProgramData\\Jett\\jett0.conf', mode: 0o600, content: '' }, programs };
    const cmds = windowsInstallCommands(plan);
    expect(cmds).toContainEqual(['C:\\Program Files\\WireGuard\\wireguard.exe', '/installtunnelservice', 'C:\\ProgramData\\Jett\\jett0.conf']);
    expect(cmds).toContainEqual(['C:\\Windows\\System32\\sc.exe', 'config', 'WireGuardTunnel$jett0', 'start=', 'demand']);
    expect(cmds.find((c) => c[1] === 'sdset')![3]).toMatch(/\(A;;[A-Z]*RPWP[A-Z]*;;;NO\)/);
    expect(cmds).toContainEqual(['C:\\Windows\\System32\\net.exe', 'localgroup', '(the name of S-1-5-32-556)', 'DESKTOP-1\\alice', '/add']);
    expect(cmds).toContainEqual(['C:\\Windows\\System32\\reg.exe', 'add', 'HKLM\\Software\\WireGuard', '/v', 'LimitedOperatorUI', '/t', 'REG_DWORD', '/d', '1', '/f']);
    expect(() => windowsInstallCommands({ ...plan, programs: { ...programs, sc: 'sc.exe' } })).toThrow(TunnelConfigError);
  });

  it('takes Program Files, System32 and ProgramData from the environment only when they are a drive\'s own folders', () => {
    expect(programFilesDir({ ProgramFiles: 'D:\\Program Files' })).toBe('D:\\Program Files');
    expect(programFilesDir({ ProgramFiles: 'C:\\Program Files (x86)', ProgramW6432: 'C:\\Program Files' })).toBe('C:\\Program Files');
    for (const bad of ['C:\\Users\\alice\\Program Files', 'C:\\Program Files (x86)', '\\\\evil\\share\\Program Files', 'C:\\Program Files\\..\\Users\\alice', 'Program Files', '']) {
      expect(() => programFilesDir({ ProgramFiles: bad }), bad).toThrow(UnsafeProgramError);
    }
    expect(() => system32Dir({ SystemRoot: 'C:\\Users\\alice\\Windows' })).toThrow(/not a drive's "Windows" folder/);
    expect(system32Dir({ windir: 'C:\\WINDOWS' })).toBe('C:\\WINDOWS\\System32');
    expect(programDataDir({ ProgramData: 'C:\\ProgramData' })).toBe('C:\\ProgramData');
    expect(() => programDataDir({ ProgramData: 'C:\\Users\\alice\\ProgramData' })).toThrow(/not a drive's "ProgramData" folder/);
  });

  it('never takes wireguard.exe from PATH, and refuses a link, a junction on the way, or a missing one', () => {
    const tree = { ...WIN_TREE };
    delete tree['C:\\Program Files\\WireGuard\\wireguard.exe'];
    expect(() => windowsInstallPrograms(WIN_ENV, winFs(tree))).toThrow(/^C:\\Program Files\\WireGuard\\wireguard\.exe does not exist$/);
    const link = { ...WIN_TREE, 'C:\\Program Files\\WireGuard\\wireguard.exe': { kind: 'link' as const } };
    expect(() => windowsInstallPrograms(WIN_ENV, winFs(link))).toThrow(/is not a plain file/);
    const wireguardJunction = { ...WIN_TREE, 'C:\\Program Files\\WireGuard\\wireguard.exe': { kind: 'file' as const, real: 'C:\\Users\\alice\\wg\\wireguard.exe' } };
    expect(() => windowsInstallPrograms(WIN_ENV, winFs(wireguardJunction))).toThrow(/leads to C:\\Users\\alice\\wg\\wireguard\.exe through a link or junction/);
  });
});

describe('Windows config folder', () => {
  it('is made Administrators\' and SYSTEM\'s alone (by well-known SID) before the config goes in, and must not be a link or junction', () => {
    expect(windowsConfigDirCommands('C:\\ProgramData\\Jett', 'C:\\Windows\\System32\\icacls.exe')).toEqual([
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\ProgramData\\Jett', '/setowner', '*S-1-5-32-544', '/T', '/C'],
      ['C:\\Windows\\System32\\icacls.exe', 'C:\\ProgramData\\Jett', '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F', '/T', '/C'],
    ]);
    expect(() => assertPlainWindowsDir('C:\\ProgramData\\Jett', winFs(WIN_TREE))).not.toThrow();
    const junction = { ...WIN_TREE, 'C:\\ProgramData\\Jett': { kind: 'dir' as const, real: 'C:\\Users\\alice\\jett' } };
    expect(() => assertPlainWindowsDir('C:\\ProgramData\\Jett', winFs(junction))).toThrow(/leads to C:\\Users\\alice\\jett through a link or junction/);
    const link = { ...WIN_TREE, 'C:\\ProgramData\\Jett': { kind: 'link' as const } };
    expect(() => assertPlainWindowsDir('C:\\ProgramData\\Jett', winFs(link))).toThrow(/is not a plain folder/);
  });
});
