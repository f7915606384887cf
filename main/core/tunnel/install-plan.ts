// `jett tunnel install` decided before anything is written: whose install it is (sudo points HOME at root's), the
// files by name and the commands, every refusal checked first; then applyInstallPlan carries the plan out.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigStore } from '../config/store.js';
import { errorMessage } from '../contracts/errors.js';
import { jettHome, jettPaths } from '../config/paths.js';
import type { TunnelInstallResult } from '../contracts/tunnel.js';
import { resolvePrivileged } from '../process/privileged.js';
import { programDataDir } from '../process/privileged-windows.js';
import { FileSecretStore } from '../secrets/file-store.js';
import { readStoreChoice } from '../secrets/select.js';
import type { SecretStore } from '../secrets/store.js';
import { TunnelError } from './errors.js';
import {
  assertInstalled,
  assertTargetFolders,
  foreignFiles,
  helperPrograms,
  INSTALL_MARKER,
  inWriteOrder,
  linuxInstallFiles,
  writeInstallFiles,
  type InstallFile,
  type LinuxInstallFiles,
} from './install.js';
import { readElevationInput } from './elevation.js';
import {
  applyWindowsInstall,
  windowsAccountName,
  windowsInstallCommands,
  windowsInstallPrograms,
  type WindowsInstallOutcome,
  type WindowsInstallPlan,
} from './install-windows.js';
import type { ProcessRunner } from './runner.js';
import { loadDesktopConfig } from './setup.js';

export interface InstallPlanInput {
  platform: 'linux' | 'win32';
  env: NodeJS.ProcessEnv;
  /** --user; else SUDO_USER, else the current user. */
  user?: string;
  /** --root: write under this folder instead of / (Linux; for inspection, needs no root). */
  root?: string;
  /** --force: replace files at the targets that Jett did not write. */
  force?: boolean;
  /** The text of /etc/passwd (read only when sudo hides the user's home). */
  passwd?: () => string;
  /** Windows, the elevated step: the file the user's Jett wrote (read, then deleted) instead of their config. */
  from?: string;
  /** The tunnel keys the user's side handed over (--secrets-stdin); without them, only a file store is read. */
  secrets?: SecretStore;
}

export interface LinuxInstallPlan {
  platform: 'linux';
  user: string;
  root: string;
  files: LinuxInstallFiles;
  /** visudo from the system folders, to check the sudoers file once written; null where there is none. */
  visudo: string | null;
}

export type InstallPlan = LinuxInstallPlan | WindowsInstallPlan;

export type { WindowsInstallPlan };

export function installUser(input: Pick<InstallPlanInput, 'user' | 'env'>): string {
  return input.user ?? input.env.SUDO_USER ?? input.env.USER ?? input.env.USERNAME ?? '';
}

/** The home folder passwd(5) gives `user`, or null when no line names them. */
export function homeOfUser(user: string, passwd: string): string | null {
  const fields = passwd
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === user);
  return fields?.[5] || null;
}

/** The user's JETT_HOME when `sudo jett tunnel install` runs as root for them (sudo points HOME at root's). */
export function installHome(input: InstallPlanInput, user: string): string {
  const { env } = input;
  if (env.JETT_HOME || !env.SUDO_USER) return jettHome(env);
  const home = homeOfUser(user, (input.passwd ?? (() => fs.readFileSync('/etc/passwd', 'utf8')))());
  if (!home) throw new TunnelError(`cannot find the home folder of ${user}`, 'run with JETT_HOME=/home/USER/.config/Jett set');
  return jettHome({ HOME: home, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME }, 'linux');
}

/**
 * The user's 0600 file store, the one store root may read for them; a user whose secrets live in the keyring hands
 * the keys over instead, since root must never reach into the user's keyring.
 */
function userFileStore(home: string, file: string): SecretStore {
  if (readStoreChoice(home)?.kind === 'keyring') {
    throw new TunnelError(
      "this user's secrets are in the keyring, which the privileged install does not read",
      'run `jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin` as that user (add --user NAME if sudo does not set SUDO_USER)',
    );
  }
  return new FileSecretStore(file);
}

/** Stops before writing anything when a target exists that Jett did not write, unless forced. */
function refuseForeign(files: InstallFile[], root: string, force: boolean | undefined): void {
  const foreign = foreignFiles(files, root);
  if (foreign.length === 0 || force) return;
  throw new TunnelError(
    `${foreign.join(', ')} already ${foreign.length === 1 ? 'exists' : 'exist'} and ${foreign.length === 1 ? 'was' : 'were'} not written by Jett; nothing was written`,
    'look at it first (another tunnel of yours?); to replace it, run `sudo jett tunnel install --force` (it is not kept), or choose another interface name: `jett config set tunnel.interface jett1`',
  );
}

/** Everything the install will write and run, after every check that can fail before a write. */
export async function planTunnelInstall(input: InstallPlanInput): Promise<InstallPlan> {
  if (input.platform === 'win32') return planWindowsInstall(input);
  const user = installUser(input);
  const paths = jettPaths(installHome(input, user));
  // Read-only access to the user's config and secrets: running as root must not leave root-owned files there.
  const s = new ConfigStore(paths.config).load().tunnel;
  const loaded = await loadDesktopConfig(s, input.secrets ?? userFileStore(paths.home, paths.secrets));
  const root = input.root ?? '/';
  // Every program the helper runs as root: fixed system folders only, checked root-only (never PATH).
  const files = linuxInstallFiles({ user, iface: s.interface, configText: loaded.text, endpoint: loaded.endpoint, programs: helperPrograms() });
  const visudo = resolvePrivileged('visudo');
  if (root === '/') assertTargetFolders(inWriteOrder(files));
  refuseForeign(inWriteOrder(files), root, input.force);
  return { platform: 'linux', user, root, files, visudo };
}

/**
 * Windows: from the hand-over file when the user's Jett asked for elevation (the elevated account may be another
 * one, with another config and secret store), else from this user's own config and secrets.
 */
async function planWindowsInstall(input: InstallPlanInput): Promise<WindowsInstallPlan> {
  let iface: string;
  let user: string;
  let configText: string;
  if (input.from) {
    ({ iface, user, configText } = readElevationInput(input.from));
  } else {
    const paths = jettPaths(installHome(input, installUser(input)));
    const s = new ConfigStore(paths.config).load().tunnel;
    iface = s.interface;
    user = windowsAccountName(input.user, input.env);
    configText = (await loadDesktopConfig(s, input.secrets ?? userFileStore(paths.home, paths.secrets))).text;
  }
  // Program Files\WireGuard and System32 only, never PATH: these run as administrator.
  const programs = windowsInstallPrograms(input.env, fs);
  // The service reads its config from there at every start: only the real ProgramData, not one from a tampered env.
  const dataDir = path.win32.join(programDataDir(input.env), 'Jett');
  const config: InstallFile = { path: path.win32.join(dataDir, `${iface}.conf`), mode: 0o600, content: `${INSTALL_MARKER}\n${configText}` };
  refuseForeign([config], '', input.force);
  return { platform: 'win32', user, iface, dataDir, config, programs };
}

/** The plan as `--json` and the terminal show it: target paths with their modes, and the commands. */
export function installReport(plan: InstallPlan, installed: boolean): TunnelInstallResult {
  if (plan.platform === 'win32') {
    return { platform: 'win32', installed, files: [{ path: plan.config.path, mode: 'Administrators and SYSTEM only' }], commands: windowsInstallCommands(plan) };
  }
  return {
    platform: 'linux',
    installed,
    files: inWriteOrder(plan.files).map((f) => ({ path: path.join(plan.root, f.path), mode: f.mode.toString(8).padStart(4, '0') })),
    commands: [],
  };
}

export interface ApplyDeps {
  runner: ProcessRunner;
  /** Whether this process runs as root (writing to / needs it). */
  isRoot: boolean;
}

/** Writes and runs what the plan says; each failure leaves nothing half-installed that would run as root. */
export async function applyInstallPlan(plan: InstallPlan, deps: ApplyDeps): Promise<WindowsInstallOutcome | null> {
  if (plan.platform === 'win32') return applyWindowsInstall(plan, { runner: deps.runner, fs });
  const { root, files } = plan;
  if (root === '/' && !deps.isRoot) throw new TunnelError('`jett tunnel install` writes to /etc and needs root', 'run `sudo jett tunnel install` (once), or add --root DIR to write the files elsewhere for inspection');
  writeInstallFiles(inWriteOrder(files), root);
  if (root === '/') assertInstalled(inWriteOrder(files));
  if (plan.visudo) {
    const sudoers = path.join(root, files.sudoers.path);
    const r = await deps.runner.run(plan.visudo, ['-c', '-q', '-f', sudoers]);
    if (r.exitCode !== 0) {
      fs.rmSync(sudoers, { force: true });
      throw new TunnelError(`visudo rejected ${sudoers}; it was removed`, 'report this as a bug in Jett');
    }
  }
  return null;
}

/**
 * The elevated step in the tray app (which has no terminal): plans from the hand-over file and applies. The exit
 * status is all the user's side reads; the reason goes to the log.
 */
export async function runElevatedStep(file: string, env: NodeJS.ProcessEnv, deps: ApplyDeps & { log: (message: string) => void }): Promise<number> {
  try {
    await applyInstallPlan(await planTunnelInstall({ platform: 'win32', env, from: file }), deps);
    return 0;
  } catch (err) {
    deps.log(errorMessage(err));
    return 1;
  }
}
