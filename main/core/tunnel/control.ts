// Brings the WireGuard interface up and down and reads its status: wg-quick and wg on Linux (as root, or through
// the helper that `jett tunnel install` set up), wireguard.exe and wg.exe on Windows.
import fs from 'node:fs';
import path from 'node:path';
import { resolvePrivileged } from '../process/privileged.js';
import { resolveWindowsPrivileged } from '../process/privileged-windows.js';
import { parsePeerLines, parseWgDump, type InterfaceStatus } from './dump.js';
import { TunnelError } from './errors.js';
import type { ProcessRunner, RunResult } from './runner.js';
import { assertInterfaceName } from './wg-config.js';
import { parseScState, SC_ERROR, SERVICE_STATE } from './windows-service.js';

export interface TunnelControl {
  readonly iface: string;
  /** Brings the interface up from wg-quick text (which holds the private key: it goes to a 0600 file, never argv). */
  up(configText: string): Promise<void>;
  /** Takes the interface down; false when it was not up. */
  down(): Promise<boolean>;
  /** The peers' handshake, transfer and endpoint; null when the interface does not exist. */
  show(): Promise<InterfaceStatus | null>;
  /** Sets the peer's endpoint again, which makes wg resolve its host name again. */
  setEndpoint(peerPublicKey: string, endpoint: string): Promise<void>;
}

export interface ControlOptions {
  iface: string;
  runner: ProcessRunner;
  /** Owner-only folder for the short-lived config files (JETT_HOME/run). */
  privateDir: string;
  platform?: NodeJS.Platform;
  resolve?: (name: string) => string | null;
  /**
   * 'direct' runs wg-quick (Linux, as root) or installs the tunnel service (Windows, as administrator); 'helper'
   * uses what `jett tunnel install` set up: the sudo helper on Linux, the operator-startable service on Windows.
   * Default: direct for root on Linux, helper otherwise.
   */
  mode?: 'direct' | 'helper';
  helperPath?: string;
  /** Waits between service-state polls (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

/** Where `jett tunnel install` puts the Linux helper that the user may run through sudo. */
export const LINUX_HELPER_PATH = '/usr/local/libexec/jett-tunnel';

// wg-quick tries the kernel module first; without it this lets wireguard-go run instead of refusing.
const USERSPACE_ENV = { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' };

/**
 * Where the tunnel's programs come from: they run as root or administrator (directly, or through sudo and the
 * helper), so only the fixed system folders count, never PATH: /usr/bin, /usr/sbin, /bin, /sbin on Linux, each
 * checked root-only; Program Files\WireGuard and System32 on Windows.
 */
export function privilegedResolver(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): (name: string) => string | null {
  if (platform === 'win32') return (name) => resolveWindowsPrivileged(name, env, fs);
  return (name) => resolvePrivileged(name);
}

function need(resolve: (n: string) => string | null, name: string, fix: string): string {
  const found = resolve(name);
  if (!found) throw new TunnelError(`${name} not found in /usr/bin, /usr/sbin, /bin or /sbin (PATH is not searched for programs that run as root)`, fix);
  return found;
}

const LINUX_TOOLS_FIX = 'install wireguard-tools (and wireguard-go without the kernel module): `sudo apt install wireguard-tools wireguard-go` or `npm run setup:linux`';
const WINDOWS_TOOLS_FIX = 'install WireGuard for Windows from wireguard.com/install, then run `jett tunnel install` as administrator';

function detail(r: RunResult): string {
  // wireguard-go prints a boxed banner on stderr; the useful lines are the short ones that say what failed.
  const lines = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^[│┌└─]/.test(l) && !l.startsWith('[#]'));
  return lines.slice(-2).join('; ') || `exit code ${r.exitCode}`;
}

function inUse(iface: string): TunnelError {
  return new TunnelError(
    `wg-quick up failed: interface name "${iface}" is in use`,
    `run \`jett tunnel down\` if it is Jett's own tunnel, or choose another name: \`jett config set tunnel.interface jett1\``,
  );
}

/**
 * Whether `wg show IFACE` failed because there is no such interface: wg prints `Unable to access interface: ` and
 * strerror of ENODEV (Linux, kernel), ENOENT (Windows' wg.exe when no adapter has the name; also a missing
 * userspace socket) or EPROTONOSUPPORT (Linux without the kernel module and no wireguard-go socket). EACCES
 * ("Permission denied": wg.exe run by a user that is not an elevated administrator) says nothing about existence.
 */
export function isMissingInterface(r: RunResult): boolean {
  if (/Permission denied|Access is denied/i.test(r.stderr)) return false;
  return /No such device|No such file or directory|Protocol not supported|does not exist|is not a WireGuard interface|not found/i.test(r.stderr);
}

/** EACCES from wg: the interface may well exist, but this user may not read it. */
function isAccessDenied(r: RunResult): boolean {
  return /Permission denied|Access is denied/i.test(r.stderr);
}

/** Writes `text` as DIR/NAME in a fresh owner-only folder (mode set at open time), runs `fn`, then removes it. */
async function withPrivateFile<T>(privateDir: string, name: string, text: string, fn: (file: string) => Promise<T>): Promise<T> {
  fs.mkdirSync(privateDir, { recursive: true, mode: 0o700 });
  const dir = fs.mkdtempSync(path.join(privateDir, 'wg-'));
  try {
    const file = path.join(dir, name);
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
    return await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

class LinuxDirectControl implements TunnelControl {
  constructor(
    readonly iface: string,
    private readonly o: Required<Pick<ControlOptions, 'runner' | 'privateDir' | 'resolve'>>,
  ) {}

  private wgQuick = () => need(this.o.resolve, 'wg-quick', LINUX_TOOLS_FIX);
  private wg = () => need(this.o.resolve, 'wg', LINUX_TOOLS_FIX);

  async up(configText: string): Promise<void> {
    const wgQuick = this.wgQuick();
    if (await this.show()) throw inUse(this.iface);
    const r = await withPrivateFile(this.o.privateDir, `${this.iface}.conf`, configText, (file) =>
      this.o.runner.run(wgQuick, ['up', file], { env: USERSPACE_ENV }),
    );
    if (r.exitCode === 0) return;
    if (/already exists/.test(r.stderr)) throw inUse(this.iface);
    throw new TunnelError(`wg-quick up ${this.iface} failed: ${detail(r)}`, 'run `jett doctor`; without the kernel module wireguard-go must be installed');
  }

  async down(): Promise<boolean> {
    const wgQuick = this.wgQuick();
    if (!(await this.show())) return false;
    // wg-quick down needs a file named after the interface, but none of its keys: this stub holds no secret.
    const r = await withPrivateFile(this.o.privateDir, `${this.iface}.conf`, '[Interface]\n', (file) =>
      this.o.runner.run(wgQuick, ['down', file], { env: USERSPACE_ENV }),
    );
    if (r.exitCode !== 0) throw new TunnelError(`wg-quick down ${this.iface} failed: ${detail(r)}`, `check \`ip link show ${this.iface}\`; remove it with \`sudo ip link delete ${this.iface}\``);
    return true;
  }

  async show(): Promise<InterfaceStatus | null> {
    const r = await this.o.runner.run(this.wg(), ['show', this.iface, 'dump']);
    if (r.exitCode !== 0) {
      if (isMissingInterface(r)) return null;
      throw new TunnelError(`wg show ${this.iface} failed: ${detail(r)}`, 'tunnel status needs root: run as root, or run `sudo jett tunnel install` once');
    }
    return parseWgDump(this.iface, r.stdout);
  }

  async setEndpoint(peerPublicKey: string, endpoint: string): Promise<void> {
    const r = await this.o.runner.run(this.wg(), ['set', this.iface, 'peer', peerPublicKey, 'endpoint', endpoint]);
    if (r.exitCode !== 0) throw new TunnelError(`wg set ${this.iface} endpoint ${endpoint} failed: ${detail(r)}`, 'check that the VPS host name resolves: `getent hosts HOST`');
  }
}

/** The everyday user's path on Linux: the root-owned helper with fixed verbs, allowed by one sudoers line. */
class LinuxHelperControl implements TunnelControl {
  constructor(
    readonly iface: string,
    private readonly o: Required<Pick<ControlOptions, 'runner' | 'resolve'>> & { helper: string },
  ) {}

  private async verb(verb: string): Promise<RunResult> {
    if (!fs.existsSync(this.o.helper)) {
      throw new TunnelError('tunnel control needs root, and the Jett tunnel helper is not installed', 'run `sudo jett tunnel install` once; afterwards `jett tunnel up|down` work as your user');
    }
    const sudo = need(this.o.resolve, 'sudo', 'install sudo, or run `jett tunnel` commands as root');
    const r = await this.o.runner.run(sudo, ['-n', this.o.helper, verb]);
    if (r.exitCode !== 0 && /password is required|not allowed|may not run/i.test(r.stderr)) {
      throw new TunnelError(`sudo refused the Jett tunnel helper (${verb})`, 'run `sudo jett tunnel install` again for this user');
    }
    return r;
  }

  async up(): Promise<void> {
    // The helper brings up the config that `jett tunnel install` put in /etc/wireguard (root-owned, 0600).
    const r = await this.verb('up');
    if (r.exitCode === 0) return;
    if (/already exists/.test(r.stderr)) throw inUse(this.iface);
    throw new TunnelError(`tunnel helper up failed: ${detail(r)}`, 'run `jett doctor`; after changing keys or the peer, run `sudo jett tunnel install` again');
  }

  async down(): Promise<boolean> {
    if (!(await this.show())) return false;
    const r = await this.verb('down');
    if (r.exitCode !== 0) throw new TunnelError(`tunnel helper down failed: ${detail(r)}`, `check \`ip link show ${this.iface}\``);
    return true;
  }

  async show(): Promise<InterfaceStatus | null> {
    const r = await this.verb('status');
    if (r.exitCode !== 0) {
      if (isMissingInterface(r)) return null;
      throw new TunnelError(`tunnel helper status failed: ${detail(r)}`, 'run `sudo jett tunnel install` again');
    }
    return { name: this.iface, peers: parsePeerLines(r.stdout) };
  }

  async setEndpoint(): Promise<void> {
    // The helper knows the endpoint from the installed config; it takes no argument from the user.
    const r = await this.verb('reresolve');
    if (r.exitCode !== 0) throw new TunnelError(`tunnel helper reresolve failed: ${detail(r)}`, 'check that the VPS host name resolves: `getent hosts HOST`');
  }
}

class WindowsControl implements TunnelControl {
  constructor(
    readonly iface: string,
    private readonly o: Required<Pick<ControlOptions, 'runner' | 'privateDir' | 'resolve'>>,
  ) {}

  private wireguard = () => need(this.o.resolve, 'wireguard.exe', WINDOWS_TOOLS_FIX);
  private wg = () => need(this.o.resolve, 'wg.exe', WINDOWS_TOOLS_FIX);

  async up(configText: string): Promise<void> {
    const wireguard = this.wireguard();
    if (await this.show()) throw inUse(this.iface);
    // The tunnel service reads the file while it runs, so it stays, in the user's private JETT_HOME\run.
    fs.mkdirSync(this.o.privateDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.o.privateDir, `${this.iface}.conf`);
    fs.rmSync(file, { force: true });
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, configText);
    } finally {
      fs.closeSync(fd);
    }
    const r = await this.o.runner.run(wireguard, ['/installtunnelservice', file]);
    if (r.exitCode !== 0) throw new TunnelError(`wireguard.exe /installtunnelservice failed: ${detail(r)}`, 'run `jett tunnel install` once as administrator; it lets your user start and stop the tunnel');
  }

  async down(): Promise<boolean> {
    if (!(await this.show())) return false;
    const r = await this.o.runner.run(this.wireguard(), ['/uninstalltunnelservice', this.iface]);
    if (r.exitCode !== 0) throw new TunnelError(`wireguard.exe /uninstalltunnelservice ${this.iface} failed: ${detail(r)}`, 'stop the tunnel from the WireGuard window, or run `jett tunnel install` as administrator');
    return true;
  }

  async show(): Promise<InterfaceStatus | null> {
    const r = await this.o.runner.run(this.wg(), ['show', this.iface, 'dump']);
    if (r.exitCode !== 0) {
      if (isMissingInterface(r)) return null;
      throw new TunnelError(`wg.exe show ${this.iface} failed: ${detail(r)}`, 'run `jett tunnel install` once as administrator');
    }
    return parseWgDump(this.iface, r.stdout);
  }

  async setEndpoint(peerPublicKey: string, endpoint: string): Promise<void> {
    const r = await this.o.runner.run(this.wg(), ['set', this.iface, 'peer', peerPublicKey, 'endpoint', endpoint]);
    if (r.exitCode !== 0) throw new TunnelError(`wg.exe set ${this.iface} endpoint failed: ${detail(r)}`, 'check that the VPS host name resolves: `Resolve-DnsName HOST`');
  }
}

/** How long a stop may take before the restart gives up (WireGuard's service removes routes and its adapter). */
export const SERVICE_STOP_WAIT = { pollMs: 500, maxPolls: 60 };

/**
 * The Windows everyday user's path: the tunnel service that `jett tunnel install` created, started and stopped
 * with the rights its service permissions give Network Configuration Operators. Whether the tunnel exists comes
 * from the service state, which any user may query; wg.exe adds the peer's details only where it is allowed to
 * (an elevated administrator), and otherwise the probe alone judges health.
 */
class WindowsOperatorControl implements TunnelControl {
  /** wg.exe said EACCES once: this user is not an elevated administrator, so it is not asked at every poll. */
  private wgDenied = false;

  constructor(
    readonly iface: string,
    private readonly o: Required<Pick<ControlOptions, 'runner' | 'resolve' | 'sleep'>>,
  ) {}

  private service = () => `WireGuardTunnel$${this.iface}`;

  private sc(verb: 'start' | 'stop' | 'query'): Promise<RunResult> {
    const sc = need(this.o.resolve, 'sc.exe', 'sc.exe ships with Windows in System32: check the Windows installation');
    return this.o.runner.run(sc, [verb, this.service()]);
  }

  private notInstalled(): TunnelError {
    return new TunnelError(`the Jett tunnel service ${this.service()} is not installed`, 'run `jett tunnel install --elevate` once (Windows asks for administrator rights), or `jett tunnel install` in an administrator terminal');
  }

  /** The service's state number, or null when the service does not exist. */
  private async state(): Promise<number | null> {
    const r = await this.sc('query');
    if (r.exitCode === SC_ERROR.doesNotExist) return null;
    const state = parseScState(r.stdout);
    if (r.exitCode !== 0 || state === null) throw new TunnelError(`sc query ${this.service()} failed (error ${r.exitCode})`, 'run `sc query` in a terminal to see why; `jett tunnel install` as administrator sets the service up again');
    return state;
  }

  async up(): Promise<void> {
    const r = await this.sc('start');
    // 1056: the service is already running, which is Jett's own tunnel up already (the name is Jett's service's).
    if (r.exitCode === 0 || r.exitCode === SC_ERROR.alreadyRunning) return;
    if (r.exitCode === SC_ERROR.doesNotExist) throw this.notInstalled();
    if (r.exitCode === SC_ERROR.accessDenied) throw new TunnelError(`Windows refused to start ${this.service()} (access denied)`, 'sign out and in again after the tunnel setup (group membership starts with a new sign-in), or run the setup again');
    throw new TunnelError(`starting the tunnel service failed (sc error ${r.exitCode})`, `\`net helpmsg ${r.exitCode}\` says what the error means; the WireGuard log (\`wireguard.exe /dumplog\`) says why`);
  }

  /** Stops the service and waits until it has stopped: sc returns while it is still stopping, and a start then fails. */
  async down(): Promise<boolean> {
    const r = await this.sc('stop');
    if (r.exitCode === SC_ERROR.notStarted || r.exitCode === SC_ERROR.doesNotExist) return false;
    if (r.exitCode !== 0) throw new TunnelError(`stopping the tunnel service failed (sc error ${r.exitCode})`, r.exitCode === SC_ERROR.accessDenied ? 'sign out and in again after the tunnel setup, or run the setup again' : `\`net helpmsg ${r.exitCode}\` says what the error means`);
    for (let i = 0; i < SERVICE_STOP_WAIT.maxPolls; i++) {
      const state = await this.state();
      if (state === null || state === SERVICE_STATE.stopped) return true;
      await this.o.sleep(SERVICE_STOP_WAIT.pollMs);
    }
    const waitedS = (SERVICE_STOP_WAIT.pollMs * SERVICE_STOP_WAIT.maxPolls) / 1000;
    throw new TunnelError(`the tunnel service ${this.service()} is still stopping after ${waitedS} s`, 'look at the WireGuard log (`wireguard.exe /dumplog`), then try `jett tunnel up` again');
  }

  async show(): Promise<InterfaceStatus | null> {
    const state = await this.state();
    if (state === null || state === SERVICE_STATE.stopped) return null;
    if (this.wgDenied) return { name: this.iface, peers: [] };
    const r = await this.o.runner.run(need(this.o.resolve, 'wg.exe', WINDOWS_TOOLS_FIX), ['show', this.iface, 'dump']);
    if (r.exitCode === 0) return parseWgDump(this.iface, r.stdout);
    if (isAccessDenied(r)) {
      this.wgDenied = true;
      return { name: this.iface, peers: [] };
    }
    // The service runs but its adapter is not there (yet, or any more): no interface.
    if (isMissingInterface(r)) return null;
    throw new TunnelError(`wg.exe show ${this.iface} failed: ${detail(r)}`, 'the probe still tells whether packets flow; `jett doctor` checks the WireGuard installation');
  }

  async setEndpoint(): Promise<void> {
    throw new TunnelError('re-setting the endpoint needs an administrator on Windows', 'restart the tunnel instead: `jett tunnel down` then `jett tunnel up`');
  }
}

export function createTunnelControl(opts: ControlOptions): TunnelControl {
  assertInterfaceName(opts.iface);
  const platform = opts.platform ?? process.platform;
  const resolve = opts.resolve ?? privilegedResolver(platform);
  if (platform === 'win32') {
    if (opts.mode === 'direct') return new WindowsControl(opts.iface, { runner: opts.runner, privateDir: opts.privateDir, resolve });
    return new WindowsOperatorControl(opts.iface, { runner: opts.runner, resolve, sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))) });
  }
  const mode = opts.mode ?? (process.getuid?.() === 0 ? 'direct' : 'helper');
  if (mode === 'helper') return new LinuxHelperControl(opts.iface, { runner: opts.runner, resolve, helper: opts.helperPath ?? LINUX_HELPER_PATH });
  return new LinuxDirectControl(opts.iface, { runner: opts.runner, privateDir: opts.privateDir, resolve });
}
