// `jett tunnel install` and `uninstall` on Windows, on replayed outputs of icacls, PowerShell, sc, wireguard.exe,
// net and reg (fixtures/windows, each citing its source): the folder locked down and its owner read back by SID
// before the key is written, a folder someone else made refused, a second install that stops the running tunnel
// and applies start mode and permissions again, the group by SID and "already a member" (1378) not an error; the
// hand-over file of the UAC step; and the Linux uninstall.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TunnelConfigError, TunnelError } from '../../../main/core/tunnel/errors.js';
import { elevatedInstallFrom, ERROR_CANCELLED, quoteWindowsArg, readElevationInput, runElevatedInstall, writeElevationInput, type ElevationInput } from '../../../main/core/tunnel/elevation.js';
import { LINUX_HELPER_PATH } from '../../../main/core/tunnel/control.js';
import { INSTALL_MARKER, removeLinuxInstall, SUDOERS_PATH, writeInstallFiles } from '../../../main/core/tunnel/install.js';
import { applyWindowsInstall, applyWindowsUninstall, SERVICE_SDDL, windowsAccountName, type WindowsInstallPlan } from '../../../main/core/tunnel/install-windows.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import type { ProcessRunner, RunOptions, RunResult } from '../../../main/core/tunnel/runner.js';
import { tempDir } from '../../helpers/tmp.js';
import { replay } from './windows-replay.js';

const PROGRAMS = {
  wireguard: 'C:\\Program Files\\WireGuard\\wireguard.exe',
  sc: 'C:\\Windows\\System32\\sc.exe',
  net: 'C:\\Windows\\System32\\net.exe',
  reg: 'C:\\Windows\\System32\\reg.exe',
  icacls: 'C:\\Windows\\System32\\icacls.exe',
  powershell: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
};
const PRIVATE = generateKeyPair().privateKey;
const CONFIG_TEXT = `[Interface]\nPrivateKey = ${PRIVATE}\nAddress = 10.0.0.1/24\n\n[Peer]\nPublicKey = ${generateKeyPair().publicKey}\nAllowedIPs = 10.0.0.2/32\nEndpoint = vps.example.org:51820\nPersistentKeepalive = 25\n`;
const ACCOUNT = 'DESKTOP-1\\Jürgen Müller';

interface Call {
  program: string;
  args: string[];
  env?: Record<string, string>;
  /** Whether the config (the private key) was on disk when this ran. */
  keyOnDisk: boolean;
}

/** Answers by program and what it was asked; records every call and whether the key was on disk at that moment. */
function windows(configPath: string, answer: (program: string, args: string[], opts?: RunOptions) => RunResult | string): { runner: ProcessRunner; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    runner: {
      async run(file, args, opts) {
        const program = path.win32.basename(file);
        calls.push({ program, args: [...args], ...(opts?.env ? { env: opts.env } : {}), keyOnDisk: fs.existsSync(configPath) });
        const a = answer(program, [...args], opts);
        return typeof a === 'string' ? replay(a) : a;
      },
    },
  };
}

const OK: RunResult = { exitCode: 0, stdout: '', stderr: '' };

/** The usual answers of a Windows machine where the folder's owner is Administrators and the user is new to the group. */
function machine(over: { owner?: string[]; stop?: string; queries?: string[]; groupName?: string; netAdd?: string } = {}) {
  const owners = [...(over.owner ?? ['ps-owner-administrators.txt'])];
  const queries = [...(over.queries ?? ['sc-query-stopped.txt'])];
  return (program: string, args: string[]): RunResult | string => {
    if (program === 'icacls.exe') return 'icacls-ok.txt';
    if (program === 'powershell.exe') return args.at(-1)!.includes('GetOwner') ? (owners.length > 1 ? owners.shift()! : owners[0]!) : (over.groupName ?? 'ps-group-name-de.txt');
    if (program === 'sc.exe' && args[0] === 'stop') return over.stop ?? 'sc-stop-not-started.txt';
    if (program === 'sc.exe' && args[0] === 'query') return queries.length > 1 ? queries.shift()! : queries[0]!;
    if (program === 'wireguard.exe') return 'wireguard-install-ok.txt';
    if (program === 'net.exe') return over.netAdd ?? 'net-localgroup-add-ok.txt';
    return OK;
  };
}

function planIn(dataDir: string): WindowsInstallPlan {
  const configPath = path.join(dataDir, 'jett0.conf');
  return { platform: 'win32', user: ACCOUNT, iface: 'jett0', dataDir, config: { path: configPath, mode: 0o600, content: `${INSTALL_MARKER}\n${CONFIG_TEXT}` }, programs: PROGRAMS };
}

const noSleep = async () => {};

describe('the account put in Network Configuration Operators', () => {
  it('carries its domain: COMPUTER\\user from USERDOMAIN and USERNAME, spaces and non-ASCII letters kept', () => {
    expect(windowsAccountName(undefined, { USERDOMAIN: 'DESKTOP-1', USERNAME: 'Jürgen Müller' })).toBe(ACCOUNT);
    expect(windowsAccountName('alice', { USERDOMAIN: 'CORP' })).toBe('CORP\\alice');
    expect(windowsAccountName('CORP\\bob', { USERDOMAIN: 'DESKTOP-1' })).toBe('CORP\\bob');
  });

  it('refuses what is no account name (quotes, a switch for net.exe, two domains, nothing)', () => {
    for (const bad of ['a"; calc', '/add', 'A\\B\\c', '', 'CORP\\']) {
      expect(() => windowsAccountName(bad, { USERDOMAIN: 'DESKTOP-1' }), bad).toThrow(TunnelConfigError);
    }
    const err = (() => {
      try {
        return windowsAccountName(undefined, {});
      } catch (e) {
        return e;
      }
    })();
    expect((err as TunnelConfigError).fix).toMatch(/--user COMPUTER\\NAME/);
  });
});

describe('Windows install', () => {
  it('locks the new folder down by SID and reads its owner back before the key is written, then sets the service up', async () => {
    const dataDir = path.join(tempDir(), 'Jett');
    const plan = planIn(dataDir);
    const { runner, calls } = windows(plan.config.path, machine());
    expect(await applyWindowsInstall(plan, { runner, fs, sleep: noSleep })).toEqual({ joinedGroup: true });
    expect(calls.map((c) => [c.program, c.args[0] === dataDir ? c.args[1] : c.args[0]])).toEqual([
      ['icacls.exe', '/setowner'],
      ['icacls.exe', '/inheritance:r'],
      ['powershell.exe', '-NoProfile'],
      ['sc.exe', 'stop'],
      ['wireguard.exe', '/installtunnelservice'],
      ['sc.exe', 'config'],
      ['sc.exe', 'sdset'],
      ['powershell.exe', '-NoProfile'],
      ['net.exe', 'localgroup'],
      ['reg.exe', 'add'],
    ]);
    expect(calls[0]!.args).toEqual([dataDir, '/setowner', '*S-1-5-32-544', '/T', '/C']);
    expect(calls[1]!.args).toEqual([dataDir, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F', '/T', '/C']);
    // The folder's path reaches PowerShell through the environment, never inside the script.
    expect(calls[2]!.env).toEqual({ JETT_PATH: dataDir });
    expect(calls[2]!.args.join(' ')).not.toContain(dataDir);
    expect(calls.slice(0, 3).every((c) => !c.keyOnDisk)).toBe(true);
    expect(calls[4]!.keyOnDisk).toBe(true);
    // The group is named by the name its SID has on this machine (German here), the account with its domain.
    expect(calls[8]!.args).toEqual(['localgroup', 'Netzwerkkonfigurations-Operatoren', ACCOUNT, '/add']);
    expect(calls[6]!.args).toEqual(['sdset', 'WireGuardTunnel$jett0', SERVICE_SDDL]);
    expect(fs.statSync(plan.config.path).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(plan.config.path, 'utf8')).toBe(plan.config.content);
    for (const c of calls) expect([...c.args, ...Object.values(c.env ?? {})].join(' ')).not.toContain(PRIVATE);
  });

  it('a second install stops the running tunnel, waits for STOPPED, reinstalls, applies start mode and permissions again; "already a member" (1378) is fine', async () => {
    const dataDir = path.join(tempDir(), 'Jett');
    fs.mkdirSync(dataDir);
    const plan = planIn(dataDir);
    const { runner, calls } = windows(plan.config.path, machine({ stop: 'sc-stop-pending.txt', queries: ['sc-query-stop-pending.txt', 'sc-query-stopped.txt'], netAdd: 'net-localgroup-already-member.txt' }));
    expect(await applyWindowsInstall(plan, { runner, fs, sleep: noSleep })).toEqual({ joinedGroup: false });
    const order = calls.map((c) => `${c.program} ${c.args[0] === dataDir ? c.args[1] : c.args[0]}`);
    // An existing folder's owner is checked first.
    expect(order[0]).toBe('powershell.exe -NoProfile');
    expect(order.slice(order.indexOf('sc.exe stop'))).toEqual([
      'sc.exe stop',
      'sc.exe query',
      'sc.exe query',
      'wireguard.exe /installtunnelservice',
      'sc.exe config',
      'sc.exe sdset',
      'powershell.exe -NoProfile',
      'net.exe localgroup',
      'reg.exe add',
    ]);
  });

  it('reads "already a member" by its number in any language (German)', async () => {
    const plan = planIn(path.join(tempDir(), 'Jett'));
    const { runner } = windows(plan.config.path, machine({ netAdd: 'net-localgroup-already-member-de.txt' }));
    expect(await applyWindowsInstall(plan, { runner, fs, sleep: noSleep })).toEqual({ joinedGroup: false });
  });

  it('refuses a folder that a user made first (owner not Administrators or SYSTEM): nothing run, nothing written', async () => {
    const dataDir = path.join(tempDir(), 'Jett');
    fs.mkdirSync(dataDir);
    const plan = planIn(dataDir);
    const { runner, calls } = windows(plan.config.path, machine({ owner: ['ps-owner-user.txt'] }));
    const err = await applyWindowsInstall(plan, { runner, fs, sleep: noSleep }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelError);
    expect((err as TunnelError).message).toMatch(/owned by S-1-5-21-[\d-]+, not by Administrators or SYSTEM/);
    expect((err as TunnelError).fix).toMatch(/remove it as administrator/);
    expect(calls.map((c) => c.program)).toEqual(['powershell.exe']);
    expect(fs.existsSync(plan.config.path)).toBe(false);
  });

  it('refuses a link or junction where the folder should be, before asking anything', async () => {
    const base = tempDir();
    const elsewhere = path.join(base, 'users-folder');
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, path.join(base, 'Jett'));
    const plan = planIn(path.join(base, 'Jett'));
    const { runner, calls } = windows(plan.config.path, machine());
    await expect(applyWindowsInstall(plan, { runner, fs, sleep: noSleep })).rejects.toThrow(/is not a plain folder/);
    expect(calls).toEqual([]);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('writes no key when icacls did not make Administrators the owner', async () => {
    const plan = planIn(path.join(tempDir(), 'Jett'));
    const { runner } = windows(plan.config.path, machine({ owner: ['ps-owner-user.txt'] }));
    await expect(applyWindowsInstall(plan, { runner, fs, sleep: noSleep })).rejects.toThrow(/still owned by S-1-5-21/);
    expect(fs.existsSync(plan.config.path)).toBe(false);
  });

  it('an account Windows does not know (net error 1332) fails with what to check', async () => {
    const plan = planIn(path.join(tempDir(), 'Jett'));
    const { runner } = windows(plan.config.path, machine({ netAdd: 'net-localgroup-no-such-account.txt' }));
    const err = await applyWindowsInstall(plan, { runner, fs, sleep: noSleep }).catch((e: unknown) => e);
    expect((err as TunnelError).message).toMatch(/adding DESKTOP-1\\Jürgen Müller to Netzwerkkonfigurations-Operatoren failed \(exit 2\): System error 1332/);
    expect((err as TunnelError).fix).toMatch(/whoami/);
  });
});

describe('Windows uninstall', () => {
  it('removes the service, the config Jett wrote, its empty folder and the registry value', async () => {
    const dataDir = path.join(tempDir(), 'Jett');
    const plan = planIn(dataDir);
    writeInstallFiles([plan.config], '');
    const { runner, calls } = windows(plan.config.path, (program, args) => (program === 'sc.exe' ? 'sc-query-running.txt' : program === 'reg.exe' && args[0] === 'query' ? OK : OK));
    const outcome = await applyWindowsUninstall({ platform: 'win32', iface: 'jett0', dataDir, configPath: plan.config.path, programs: PROGRAMS }, { runner, fs });
    expect(calls.map((c) => [c.program, ...c.args])).toEqual([
      ['sc.exe', 'query', 'WireGuardTunnel$jett0'],
      ['wireguard.exe', '/uninstalltunnelservice', 'jett0'],
      ['reg.exe', 'query', 'HKLM\\Software\\WireGuard', '/v', 'LimitedOperatorUI'],
      ['reg.exe', 'delete', 'HKLM\\Software\\WireGuard', '/v', 'LimitedOperatorUI', '/f'],
    ]);
    expect(outcome.removed).toEqual(['service WireGuardTunnel$jett0', plan.config.path, dataDir, 'HKLM\\Software\\WireGuard\\LimitedOperatorUI']);
    expect(outcome.kept[0]).toMatch(/Remove-LocalGroupMember -SID S-1-5-32-556/);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('with nothing installed (1060, no value) removes nothing and runs no uninstall', async () => {
    const dataDir = path.join(tempDir(), 'Jett');
    const { runner, calls } = windows(path.join(dataDir, 'jett0.conf'), (program) => (program === 'sc.exe' ? 'sc-query-missing.txt' : 'reg-query-missing.txt'));
    const outcome = await applyWindowsUninstall({ platform: 'win32', iface: 'jett0', dataDir, configPath: path.join(dataDir, 'jett0.conf'), programs: PROGRAMS }, { runner, fs });
    expect(outcome.removed).toEqual([]);
    expect(calls.map((c) => c.program)).toEqual(['sc.exe', 'reg.exe']);
  });
});

describe('the hand-over file of the UAC step', () => {
  const input: ElevationInput = { iface: 'jett0', user: ACCOUNT, configText: CONFIG_TEXT };

  it('is owner-only in the run folder, read once by the elevated step, and gone afterwards', () => {
    const runDir = path.join(tempDir(), 'run');
    const file = writeElevationInput(runDir, input);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readElevationInput(file)).toEqual(input);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(runDir)).toEqual([]);
    expect(() => readElevationInput(file)).toThrow();
  });

  it('refuses a file that is not Jett\'s (wrong place, a link, a bad field), and deletes what it was handed', () => {
    const runDir = path.join(tempDir(), 'run');
    const stray = path.join(tempDir(), 'tunnel-install.json');
    fs.writeFileSync(stray, JSON.stringify(input));
    expect(() => readElevationInput(stray)).toThrow(/not where Jett writes it/);

    const linked = writeElevationInput(runDir, input);
    const target = path.join(tempDir(), 'target.json');
    fs.writeFileSync(target, JSON.stringify(input));
    fs.rmSync(linked);
    fs.symlinkSync(target, linked);
    expect(() => readElevationInput(linked)).toThrow(/not a plain file/);
    expect(fs.existsSync(path.dirname(linked))).toBe(false);

    // A PostUp would run as SYSTEM in WireGuard's service (where an administrator allowed scripts): refused too.
    const postUp = CONFIG_TEXT.replace('Address = 10.0.0.1/24', 'Address = 10.0.0.1/24\nPostUp = calc.exe');
    for (const bad of [{ ...input, iface: 'jett0; calc' }, { ...input, user: 'a"b' }, { ...input, configText: 'no config' }, { ...input, configText: postUp }]) {
      const file = writeElevationInput(runDir, bad);
      expect(() => readElevationInput(file)).toThrow();
      expect(fs.existsSync(file)).toBe(false);
    }
    expect(() => readElevationInput(writeElevationInput(runDir, { ...input, configText: postUp }))).toThrow(/PostUp is not allowed on the desktop/);
  });

  it('asks Windows for elevation with the file; a No at the prompt (1223) changes nothing and says so; the file is gone either way', async () => {
    for (const [exitCode, outcome] of [[ERROR_CANCELLED, /cancelled at the Windows prompt/], [0, null]] as const) {
      const runDir = path.join(tempDir(), 'Jürgen Müller', 'run');
      const seen: { args: string[]; env: Record<string, string>; fileThere: boolean }[] = [];
      const runner: ProcessRunner = {
        async run(_file, args, opts) {
          const env = opts!.env!;
          const from = /--from "([^"]+)"/.exec(env.JETT_ELEVATE_ARGS!)![1]!;
          seen.push({ args: [...args], env, fileThere: fs.existsSync(from) });
          return { exitCode, stdout: '', stderr: '' };
        },
      };
      const run = runElevatedInstall(input, { runner, runDir, powershell: PROGRAMS.powershell, program: 'C:\\Program Files\\nodejs\\node.exe', programArgs: ['C:\\Users\\Jürgen Müller\\jett\\dist\\cli.js'] });
      if (outcome) await expect(run).rejects.toThrow(outcome);
      else await expect(run).resolves.toBeUndefined();
      expect(seen[0]!.fileThere).toBe(true);
      expect(seen[0]!.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
      expect(seen[0]!.args[3]).toContain("$si.Verb = 'runas'");
      expect(seen[0]!.env.JETT_ELEVATE_FILE).toBe('C:\\Program Files\\nodejs\\node.exe');
      expect(seen[0]!.env.JETT_ELEVATE_ARGS).toMatch(/^"C:\\Users\\Jürgen Müller\\jett\\dist\\cli\.js" tunnel install --from "/);
      expect(JSON.stringify(seen)).not.toContain(PRIVATE);
      expect(fs.readdirSync(runDir)).toEqual([]);
    }
  });

  it('the elevated instance knows itself by its command line ending in `tunnel install --from FILE`', () => {
    expect(elevatedInstallFrom(['C:\\Program Files\\Jett\\Jett.exe', 'tunnel', 'install', '--from', 'C:\\x\\tunnel-install.json'])).toBe('C:\\x\\tunnel-install.json');
    expect(elevatedInstallFrom(['electron.exe', 'C:\\src\\jett', 'tunnel', 'install', '--from', 'F'])).toBe('F');
    expect(elevatedInstallFrom(['Jett.exe'])).toBeNull();
    expect(elevatedInstallFrom(['Jett.exe', 'tunnel', 'install', '--dry-run', 'F'])).toBeNull();
  });

  it('quotes arguments the way Windows splits a command line back', () => {
    expect(quoteWindowsArg('plain')).toBe('plain');
    expect(quoteWindowsArg('C:\\Users\\Jürgen Müller\\x.json')).toBe('"C:\\Users\\Jürgen Müller\\x.json"');
    expect(quoteWindowsArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindowsArg('C:\\dir with space\\')).toBe('"C:\\dir with space\\\\"');
    expect(quoteWindowsArg('')).toBe('""');
  });
});

describe('Linux uninstall', () => {
  it('removes the sudoers line, the helper and the config when Jett wrote them, and keeps a file it did not write', () => {
    const root = tempDir();
    writeInstallFiles([
      { path: SUDOERS_PATH, mode: 0o440, content: `${INSTALL_MARKER}\n` },
      { path: LINUX_HELPER_PATH, mode: 0o755, content: `#!/bin/bash\n${INSTALL_MARKER}\n` },
      { path: '/etc/wireguard/jett0.conf', mode: 0o600, content: '[Interface]\n' },
    ], root);
    const outcome = removeLinuxInstall('jett0', root);
    expect(outcome.removed).toEqual([path.join(root, SUDOERS_PATH), path.join(root, LINUX_HELPER_PATH)]);
    expect(outcome.kept).toEqual([`${path.join(root, '/etc/wireguard/jett0.conf')} (not written by Jett)`]);
    expect(fs.existsSync(path.join(root, '/etc/wireguard/jett0.conf'))).toBe(true);
  });
});
