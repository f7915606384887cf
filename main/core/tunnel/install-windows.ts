// The one-time privileged setup on Windows and its uninstall, run elevated (through UAC from the app, or from an
// administrator's terminal): the config folder made Administrators' and SYSTEM's alone before the key goes in,
// the tunnel service (re)installed with demand start and start/stop rights for Network Configuration Operators,
// the user put in that group, WireGuard's limited-operator UI turned on. Windows prints its tools' messages in the
// display language, so they are read by numbers only: exit statuses, sc's state, net's error number, SIDs.
import path from 'node:path';
import { assertPlainWindowsDir, programDataDir, resolveWindowsPrivileged, type WinTrustFs } from '../process/privileged-windows.js';
import { createTunnelControl } from './control.js';
import { TunnelConfigError, TunnelError } from './errors.js';
import { writeInstallFiles, writtenByJett, type InstallFile } from './install.js';
import type { ProcessRunner, RunResult } from './runner.js';
import { assertInterfaceName } from './wg-config.js';
import { SC_ERROR } from './windows-service.js';

/** Well-known SIDs: the same in every Windows language, unlike the names of the accounts and groups. */
export const SID = {
  administrators: 'S-1-5-32-544',
  system: 'S-1-5-18',
  networkConfigurationOperators: 'S-1-5-32-556',
} as const;

/** net.exe's "System error 1378 has occurred" (ERROR_MEMBER_IN_ALIAS): the account is in the group already. */
export const NET_MEMBER_IN_ALIAS = 1378;

/**
 * Service permissions: SYSTEM and Administrators as Windows sets them, Interactive Users may query, and Network
 * Configuration Operators ("NO") may also start (RP) and stop (WP) the tunnel service.
 */
export const SERVICE_SDDL = 'D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWRPWPLOCRRC;;;NO)';

const WIREGUARD_KEY = 'HKLM\\Software\\WireGuard';

export interface WindowsInstallPrograms {
  wireguard: string;
  sc: string;
  net: string;
  reg: string;
  icacls: string;
  powershell: string;
}

/** The programs an administrator's install runs, each in its one allowed folder (never PATH). */
export function windowsInstallPrograms(env: NodeJS.ProcessEnv, fsx: WinTrustFs): WindowsInstallPrograms {
  const r = (name: string) => resolveWindowsPrivileged(name, env, fsx);
  return { wireguard: r('wireguard.exe'), sc: r('sc.exe'), net: r('net.exe'), reg: r('reg.exe'), icacls: r('icacls.exe'), powershell: r('powershell.exe') };
}

export function windowsServiceName(iface: string): string {
  return `WireGuardTunnel$${iface}`;
}

// Characters Windows refuses in account names (and '/', which net.exe would read as a switch).
const NAME_PART = String.raw`[^\\/"\[\]:;|=,+*?<>@\u0000-\u001f]`;
const ACCOUNT = new RegExp(`^${NAME_PART}{1,64}\\\\${NAME_PART}{1,104}$`, 'u');

/**
 * The account to put in the operators' group, with its domain: `COMPUTER\user` for a local account, `DOMAIN\user`
 * for a domain one. --user NAME without a domain gets this session's USERDOMAIN. Spaces and non-ASCII letters are
 * fine (every command takes it as one argument, never through a shell).
 */
export function windowsAccountName(user: string | undefined, env: NodeJS.ProcessEnv): string {
  const domain = env.USERDOMAIN ?? env.COMPUTERNAME ?? '';
  const name = user === undefined ? `${domain}\\${env.USERNAME ?? ''}` : user.includes('\\') ? user : `${domain}\\${user}`;
  if (!ACCOUNT.test(name)) {
    throw new TunnelConfigError(`account ${JSON.stringify(name.slice(0, 80))} is not a Windows account name (DOMAIN\\user)`, 'pass the desktop user with --user COMPUTER\\NAME (see `whoami`)');
  }
  return name;
}

/**
 * Makes the config folder Administrators' and SYSTEM's alone before the config is written into it: ProgramData
 * lets every user create folders and files in its subfolders. By SID, so the commands work in every language.
 */
export function windowsConfigDirCommands(dir: string, icacls: string): string[][] {
  return [
    [icacls, dir, '/setowner', `*${SID.administrators}`, '/T', '/C'],
    [icacls, dir, '/inheritance:r', '/grant:r', `*${SID.system}:(OI)(CI)F`, `*${SID.administrators}:(OI)(CI)F`, '/T', '/C'],
  ];
}

/** PowerShell scripts take their inputs from the environment, never spliced into the script text. */
const OWNER_SID_SCRIPT = '(Get-Acl -LiteralPath $env:JETT_PATH).GetOwner([System.Security.Principal.SecurityIdentifier]).Value';
const GROUP_NAME_SCRIPT = `([System.Security.Principal.SecurityIdentifier]'${SID.networkConfigurationOperators}').Translate([System.Security.Principal.NTAccount]).Value`;

function psArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-Command', script];
}

export interface WindowsInstallPlan {
  platform: 'win32';
  /** DOMAIN\user: the account put in Network Configuration Operators. */
  user: string;
  iface: string;
  /** X:\ProgramData\Jett: made Administrators' and SYSTEM's alone before the config goes in. */
  dataDir: string;
  config: InstallFile;
  programs: WindowsInstallPrograms;
}

/** What the install runs, for --dry-run and --json; the group's name is looked up from its SID when it runs. */
export function windowsInstallCommands(plan: WindowsInstallPlan): string[][] {
  assertInterfaceName(plan.iface);
  const p = plan.programs;
  for (const x of Object.values(p)) {
    if (!path.win32.isAbsolute(x) || !/^[A-Za-z]:\\/.test(x)) throw new TunnelConfigError(`program ${JSON.stringify(x)} is not an absolute path`, 'report this as a bug in Jett');
  }
  const service = windowsServiceName(plan.iface);
  return [
    ...windowsConfigDirCommands(plan.dataDir, p.icacls),
    [p.sc, 'stop', service],
    [p.wireguard, '/installtunnelservice', plan.config.path],
    [p.sc, 'config', service, 'start=', 'demand'],
    [p.sc, 'sdset', service, SERVICE_SDDL],
    [p.powershell, ...psArgs(GROUP_NAME_SCRIPT)],
    [p.net, 'localgroup', `(the name of ${SID.networkConfigurationOperators})`, plan.user, '/add'],
    [p.reg, 'add', WIREGUARD_KEY, '/v', 'LimitedOperatorUI', '/t', 'REG_DWORD', '/d', '1', '/f'],
  ];
}

export interface WindowsApplyDeps {
  runner: ProcessRunner;
  fs: WinTrustFs & { existsSync(p: string): boolean; mkdirSync(p: string, o: { recursive: true }): unknown };
  /** Between service-state polls while a running tunnel stops. */
  sleep?: (ms: number) => Promise<void>;
}

export interface WindowsInstallOutcome {
  /** False when the account was in the group already (net's error 1378). */
  joinedGroup: boolean;
}

function firstLine(r: RunResult): string {
  return `${r.stderr}\n${r.stdout}`.split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? '';
}

async function must(runner: ProcessRunner, cmd: string[], fix: string, env?: Record<string, string>): Promise<RunResult> {
  const r = await runner.run(cmd[0]!, cmd.slice(1), env ? { env } : undefined);
  if (r.exitCode !== 0) throw new TunnelError(`${path.win32.basename(cmd[0]!)} ${cmd[1]} failed (exit ${r.exitCode}): ${firstLine(r)}`, fix);
  return r;
}

const ADMIN_FIX = 'run `jett tunnel install --elevate` (Windows asks for administrator rights), or `jett tunnel install` from a terminal opened as administrator';

/** The owner of `dir` as a SID (Get-Acl prints a translated name; GetOwner(SecurityIdentifier) prints the SID). */
export async function ownerSid(runner: ProcessRunner, powershell: string, dir: string): Promise<string> {
  const r = await must(runner, [powershell, ...psArgs(OWNER_SID_SCRIPT)], ADMIN_FIX, { JETT_PATH: dir });
  const sid = r.stdout.trim();
  if (!/^S-1-[0-9-]+$/.test(sid)) throw new TunnelError(`the owner of ${dir} could not be read (got ${JSON.stringify(sid.slice(0, 40))})`, ADMIN_FIX);
  return sid;
}

/**
 * Carries the Windows plan out. An existing folder must be a plain one that SYSTEM or Administrators own: one a
 * user made first (ProgramData lets them) is refused, not taken over. The folder is locked down, and its owner read
 * back, before the config is written; a running tunnel is stopped (the service refuses to be reinstalled while it
 * runs, and a stopped one is recreated with automatic start and default permissions), so start mode and
 * permissions are applied again after every install.
 */
export async function applyWindowsInstall(plan: WindowsInstallPlan, deps: WindowsApplyDeps): Promise<WindowsInstallOutcome> {
  const { runner } = deps;
  const p = plan.programs;
  const dir = plan.dataDir;
  if (deps.fs.existsSync(dir)) {
    assertPlainWindowsDir(dir, deps.fs);
    const owner = await ownerSid(runner, p.powershell, dir);
    if (owner !== SID.administrators && owner !== SID.system) {
      throw new TunnelError(`${dir} already exists and is owned by ${owner}, not by Administrators or SYSTEM: someone else made it; nothing was written`, `look at it (\`icacls ${dir}\`), remove it as administrator (\`rmdir /s ${dir}\`), then run the setup again`);
    }
  } else {
    deps.fs.mkdirSync(dir, { recursive: true });
    assertPlainWindowsDir(dir, deps.fs);
  }
  for (const cmd of windowsConfigDirCommands(dir, p.icacls)) await must(runner, cmd, ADMIN_FIX);
  const owner = await ownerSid(runner, p.powershell, dir);
  if (owner !== SID.administrators) throw new TunnelError(`${dir} is still owned by ${owner} after icacls /setowner; nothing was written`, ADMIN_FIX);
  writeInstallFiles([plan.config], '');

  const service = windowsServiceName(plan.iface);
  // Stops the tunnel if it runs and waits until it has stopped (sc returns while it is still stopping).
  const operator = createTunnelControl({ iface: plan.iface, runner, privateDir: dir, platform: 'win32', resolve: (n) => (n === 'sc.exe' ? p.sc : null), ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  await operator.down();
  await must(runner, [p.wireguard, '/installtunnelservice', plan.config.path], 'check that WireGuard for Windows is installed and up to date; `wireguard.exe /dumplog` shows why it failed');
  await must(runner, [p.sc, 'config', service, 'start=', 'demand'], ADMIN_FIX);
  await must(runner, [p.sc, 'sdset', service, SERVICE_SDDL], ADMIN_FIX);

  // net takes the group's name, which is translated: look it up from the SID (BUILTIN\NAME, the part after "\").
  const group = (await must(runner, [p.powershell, ...psArgs(GROUP_NAME_SCRIPT)], ADMIN_FIX)).stdout.trim().split('\\').pop() ?? '';
  if (!group) throw new TunnelError(`the name of group ${SID.networkConfigurationOperators} could not be read`, ADMIN_FIX);
  const added = await runner.run(p.net, ['localgroup', group, plan.user, '/add']);
  const already = added.exitCode !== 0 && new RegExp(`\\b${NET_MEMBER_IN_ALIAS}\\b`).test(`${added.stdout}\n${added.stderr}`);
  if (added.exitCode !== 0 && !already) {
    throw new TunnelError(`adding ${plan.user} to ${group} failed (exit ${added.exitCode}): ${firstLine(added)}`, `check the account name (\`whoami\` prints it), then run the setup again with --user ${plan.user.includes(' ') ? `"${plan.user}"` : plan.user}`);
  }
  await must(runner, [p.reg, 'add', WIREGUARD_KEY, '/v', 'LimitedOperatorUI', '/t', 'REG_DWORD', '/d', '1', '/f'], ADMIN_FIX);
  return { joinedGroup: !already };
}

export interface WindowsUninstallPlan {
  platform: 'win32';
  iface: string;
  dataDir: string;
  configPath: string;
  programs: WindowsInstallPrograms;
}

export interface WindowsUninstallDeps {
  runner: ProcessRunner;
  fs: { existsSync(p: string): boolean; readFileSync(p: string, e: 'utf8'): string; rmSync(p: string, o: { force: true }): void; readdirSync(p: string): string[]; rmdirSync(p: string): void };
}

/** What `jett tunnel uninstall` removed, for its report. */
export interface UninstallOutcome {
  removed: string[];
  /** What is left on purpose, with how to remove it. */
  kept: string[];
}

/**
 * Removes the tunnel service (wireguard.exe stops it first), the config Jett wrote and its folder when empty, and
 * the LimitedOperatorUI value. The account stays in Network Configuration Operators: other tools may rely on it.
 */
export async function applyWindowsUninstall(plan: WindowsUninstallPlan, deps: WindowsUninstallDeps): Promise<UninstallOutcome> {
  const { runner } = deps;
  const p = plan.programs;
  const service = windowsServiceName(plan.iface);
  const removed: string[] = [];
  const query = await runner.run(p.sc, ['query', service]);
  if (query.exitCode !== SC_ERROR.doesNotExist) {
    await must(runner, [p.wireguard, '/uninstalltunnelservice', plan.iface], 'stop the tunnel in the WireGuard window, then run this again as administrator');
    removed.push(`service ${service}`);
  }
  if (deps.fs.existsSync(plan.configPath)) {
    if (!writtenByJett(deps.fs.readFileSync(plan.configPath, 'utf8'))) {
      throw new TunnelError(`${plan.configPath} was not written by Jett; it was kept`, 'look at it and remove it yourself if it is not needed');
    }
    deps.fs.rmSync(plan.configPath, { force: true });
    removed.push(plan.configPath);
  }
  if (deps.fs.existsSync(plan.dataDir) && deps.fs.readdirSync(plan.dataDir).length === 0) {
    deps.fs.rmdirSync(plan.dataDir);
    removed.push(plan.dataDir);
  }
  const value = await runner.run(p.reg, ['query', WIREGUARD_KEY, '/v', 'LimitedOperatorUI']);
  if (value.exitCode === 0) {
    await must(runner, [p.reg, 'delete', WIREGUARD_KEY, '/v', 'LimitedOperatorUI', '/f'], ADMIN_FIX);
    removed.push(`${WIREGUARD_KEY}\\LimitedOperatorUI`);
  }
  return {
    removed,
    kept: [`your account stays in Network Configuration Operators (${SID.networkConfigurationOperators}); to leave it, as administrator: Remove-LocalGroupMember -SID ${SID.networkConfigurationOperators} -Member "$env:USERDOMAIN\\$env:USERNAME"`],
  };
}

/** What `jett tunnel uninstall` removes on Windows, with every program resolved as for the install. */
export function windowsUninstallPlan(iface: string, env: NodeJS.ProcessEnv, fsx: WinTrustFs): WindowsUninstallPlan {
  assertInterfaceName(iface);
  const dataDir = path.win32.join(programDataDir(env), 'Jett');
  return { platform: 'win32', iface, dataDir, configPath: path.win32.join(dataDir, `${iface}.conf`), programs: windowsInstallPrograms(env, fsx) };
}
