// The Windows tunnel setup through UAC: the user's Jett asks Windows to run `jett tunnel install --from FILE`
// elevated (Windows shows its consent prompt, once per change). An elevated process gets no standard input, and may
// run as another account (an administrator who typed their password), so what it needs travels in FILE: written
// owner-only in the user's JETT_HOME\run, read and deleted by the elevated step. Jett installs nothing that runs as
// SYSTEM: the service that does is WireGuard's own.
import fs from 'node:fs';
import path from 'node:path';
import { TunnelConfigError, TunnelError } from './errors.js';
import { windowsAccountName } from './install-windows.js';
import type { ProcessRunner } from './runner.js';
import { assertInterfaceName, checkWgConfig, parseWgConfig } from './wg-config.js';

/** What the elevated step needs and cannot read itself (the secret store is the user's, not the administrator's). */
export interface ElevationInput {
  iface: string;
  /** DOMAIN\user of the desktop user. */
  user: string;
  /** The rendered desktop config, private key included. */
  configText: string;
}

/** ShellExecute's answer when the user says No at the UAC prompt (ERROR_CANCELLED). */
export const ERROR_CANCELLED = 1223;

const INPUT_NAME = 'tunnel-install.json';
const FOLDER_PREFIX = 'elevate-';

/** Writes the input in a fresh folder of `runDir` (the user's JETT_HOME\run), the file created owner-only. */
export function writeElevationInput(runDir: string, input: ElevationInput): string {
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const dir = fs.mkdtempSync(path.join(runDir, FOLDER_PREFIX));
  const file = path.join(dir, INPUT_NAME);
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, JSON.stringify(input));
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

function refuse(file: string, why: string): TunnelConfigError {
  return new TunnelConfigError(`${file} is not a tunnel setup file written by Jett: ${why}`, 'start the tunnel setup again: `jett tunnel install --elevate`');
}

/**
 * The elevated step's side: takes only a plain file named as Jett names it, in a folder Jett made (no link on the
 * way), reads it, then deletes it and its folder whatever happens next, so the key is on disk only for the moment
 * of the hand-over. Validates every field before any of it is used.
 */
export function readElevationInput(file: string): ElevationInput {
  const dir = path.dirname(file);
  if (path.basename(file) !== INPUT_NAME || !path.basename(dir).startsWith(FOLDER_PREFIX)) throw refuse(file, 'not where Jett writes it');
  let text: string;
  try {
    const st = fs.lstatSync(file);
    if (st.isSymbolicLink() || !st.isFile()) throw refuse(file, 'not a plain file');
    const same = (a: string) => (process.platform === 'win32' ? a.toLowerCase() : a);
    if (same(fs.realpathSync.native(file)) !== same(path.resolve(file))) throw refuse(file, 'reached through a link or junction');
    text = fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse(file, 'not JSON');
  }
  const o = parsed as Partial<Record<keyof ElevationInput, unknown>>;
  if (typeof o.iface !== 'string' || typeof o.user !== 'string' || typeof o.configText !== 'string') throw refuse(file, 'a field is missing');
  assertInterfaceName(o.iface);
  windowsAccountName(o.user, {});
  // The service runs it as SYSTEM: the desktop's checks (no PostUp, keys, addresses) hold for what reaches it.
  checkWgConfig(parseWgConfig(o.configText), 'desktop');
  return { iface: o.iface, user: o.user, configText: o.configText };
}

/** One argument as CommandLineToArgvW reads it back: quoted when needed, backslashes before quotes doubled. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export interface ElevationRequest {
  file: string;
  args: string[];
  /** The program and its command line reach the script through the environment, never spliced into its text. */
  env: Record<string, string>;
}

/**
 * Runs `program args...` elevated and waits for it: ShellExecute's "runas" verb shows the UAC prompt. The script
 * exits with the program's exit status, or with the Win32 error of the launch (1223 when the user said No), read
 * as a number, not from the translated message.
 */
export function elevationRequest(powershell: string, program: string, args: string[]): ElevationRequest {
  const script = [
    "$si = New-Object System.Diagnostics.ProcessStartInfo $env:JETT_ELEVATE_FILE, $env:JETT_ELEVATE_ARGS",
    "$si.Verb = 'runas'",
    '$si.UseShellExecute = $true',
    'try { $p = [System.Diagnostics.Process]::Start($si); $p.WaitForExit(); exit $p.ExitCode }',
    'catch { $e = $_.Exception; while ($e -ne $null -and -not ($e -is [System.ComponentModel.Win32Exception])) { $e = $e.InnerException }; if ($e -ne $null) { exit $e.NativeErrorCode }; exit 1 }',
  ].join('; ');
  return {
    file: powershell,
    args: ['-NoProfile', '-NonInteractive', '-Command', script],
    env: { JETT_ELEVATE_FILE: program, JETT_ELEVATE_ARGS: args.map(quoteWindowsArg).join(' ') },
  };
}

export interface ElevatedInstallDeps {
  runner: ProcessRunner;
  /** The user's JETT_HOME\run, where the hand-over file goes. */
  runDir: string;
  powershell: string;
  /** The program that is Jett (node.exe or the app's exe) and the arguments before `tunnel install` (the script). */
  program: string;
  programArgs: string[];
}

/**
 * The user's side of the setup through UAC: writes the hand-over file, asks Windows to run the elevated step on
 * it, waits, and removes the file in every case (the elevated step deletes it first when it ran). A No at the
 * prompt changes nothing and says so.
 */
export async function runElevatedInstall(input: ElevationInput, deps: ElevatedInstallDeps): Promise<void> {
  const file = writeElevationInput(deps.runDir, input);
  let exitCode: number;
  try {
    const req = elevationRequest(deps.powershell, deps.program, [...deps.programArgs, 'tunnel', 'install', '--from', file]);
    exitCode = (await deps.runner.run(req.file, req.args, { env: req.env, timeoutMs: 15 * 60_000 })).exitCode;
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  if (exitCode === ERROR_CANCELLED) throw new TunnelError('the tunnel setup was cancelled at the Windows prompt; nothing was changed', 'run it again and choose Yes when Windows asks for administrator rights');
  if (exitCode !== 0) throw new TunnelError(`the elevated tunnel setup failed (exit ${exitCode})`, 'run `jett tunnel install` in a terminal opened as administrator to see its messages');
}

/**
 * The hand-over file when this process is the elevated step: its command line ends in `tunnel install --from
 * FILE` (how runElevatedInstall starts it). The tray app checks this before anything else, since the elevated
 * instance must not become a second tray app.
 */
export function elevatedInstallFrom(argv: readonly string[]): string | null {
  const n = argv.length;
  if (n < 4 || argv[n - 4] !== 'tunnel' || argv[n - 3] !== 'install' || argv[n - 2] !== '--from') return null;
  return argv[n - 1] ?? null;
}
