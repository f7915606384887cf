// The one-time privileged setup (`jett tunnel install`), after which the everyday user connects and disconnects.
// Linux: the config goes to /etc/wireguard (root, 0600), a root-owned helper with four fixed verbs goes to
// /usr/local/libexec, and one sudoers line lets the user run exactly those verbs. Windows: the tunnel service is
// installed once and WireGuard's limited-operator mode lets Network Configuration Operators start and stop it.
import fs from 'node:fs';
import path from 'node:path';
import { LINUX_HELPER_PATH } from './control.js';
import { TunnelConfigError } from './errors.js';
import { assertInterfaceName, parseEndpoint } from './wg-config.js';

export const SUDOERS_PATH = '/etc/sudoers.d/jett-tunnel';
export const HELPER_VERBS = ['up', 'down', 'status', 'reresolve'] as const;

export interface InstallFile {
  /** Absolute path on the target system. */
  path: string;
  mode: number;
  content: string;
}

export interface LinuxInstallInput {
  user: string;
  iface: string;
  /** The desktop's wg-quick text (holds the private key: written 0600, root-owned). */
  configText: string;
  /** HOST:PORT that `reresolve` sets again. */
  endpoint: string;
  wgQuick: string;
  wg: string;
  bash: string;
}

// Names sudoers and useradd accept; anything else could smuggle syntax into the sudoers line.
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function assertUserName(user: string): void {
  if (!USER_NAME.test(user)) {
    throw new TunnelConfigError(`user name ${JSON.stringify(user.slice(0, 40))} is not a plain Unix user name`, 'pass the desktop user with --user NAME (lowercase letters, digits, _ and -)');
  }
}

export function wireguardConfigPath(iface: string): string {
  return `/etc/wireguard/${iface}.conf`;
}

/** The helper: it takes one verb and nothing else from the caller, and never prints the interface's private key. */
export function renderLinuxHelper(input: Pick<LinuxInstallInput, 'iface' | 'endpoint' | 'wgQuick' | 'wg' | 'bash'>, configPath = wireguardConfigPath(input.iface)): string {
  assertInterfaceName(input.iface);
  if (!parseEndpoint(input.endpoint)) throw new TunnelConfigError(`endpoint ${JSON.stringify(input.endpoint)} is not HOST:PORT`, 'run `jett tunnel peer --public-key KEY --endpoint HOST:PORT` first');
  for (const p of [input.wgQuick, input.wg, input.bash, configPath]) {
    if (!path.isAbsolute(p) || /['\s]/.test(p)) throw new TunnelConfigError(`path ${JSON.stringify(p)} must be absolute, without quotes or spaces`, 'install wireguard-tools in a standard location');
  }
  return `#!${input.bash}
# Jett tunnel helper, installed by \`jett tunnel install\`. Run through sudo by the desktop user: one verb, no
# other input. Interface, config and endpoint were fixed at install time.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1
unset LOG_LEVEL
IFACE='${input.iface}'
CONF='${configPath}'
case "\${1:-}" in
  up) exec '${input.wgQuick}' up "$CONF" ;;
  down) exec '${input.wgQuick}' down "$CONF" ;;
  # Line 1 of the dump holds the private key: only the peer lines leave this script.
  status) '${input.wg}' show "$IFACE" dump | tail -n +2 ;;
  reresolve)
    peer=$('${input.wg}' show "$IFACE" peers | head -n 1)
    exec '${input.wg}' set "$IFACE" peer "$peer" endpoint '${input.endpoint}' ;;
  *) echo "usage: $0 ${HELPER_VERBS.join('|')}" >&2; exit 2 ;;
esac
`;
}

/**
 * Lets the user run the helper with exactly the four verbs and no other arguments. `status` runs every poll, so
 * it is kept out of syslog and PAM session logs; up, down and reresolve are still logged.
 */
export function renderSudoers(user: string, helper = LINUX_HELPER_PATH): string {
  assertUserName(user);
  const cmds = HELPER_VERBS.map((v) => `${helper} ${v}`).join(', ');
  return [
    `# Jett: lets ${user} bring the Jett tunnel up and down (written by \`jett tunnel install\`)`,
    `Cmnd_Alias JETT_TUNNEL_STATUS = ${helper} status`,
    'Defaults!JETT_TUNNEL_STATUS !syslog, !pam_session',
    `${user} ALL=(root) NOPASSWD: ${cmds}`,
    '',
  ].join('\n');
}

export function linuxInstallFiles(input: LinuxInstallInput): InstallFile[] {
  assertUserName(input.user);
  return [
    { path: wireguardConfigPath(input.iface), mode: 0o600, content: input.configText },
    { path: LINUX_HELPER_PATH, mode: 0o755, content: renderLinuxHelper(input) },
    { path: SUDOERS_PATH, mode: 0o440, content: renderSudoers(input.user) },
  ];
}

/**
 * Writes the files under `root` ('/' for real), each created with its mode at open time and moved into place, so
 * no file is ever readable by others or half-written.
 */
export function writeInstallFiles(files: InstallFile[], root: string): string[] {
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(root, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    const tmp = `${target}.jett-${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'wx', f.mode);
    try {
      fs.writeFileSync(fd, f.content);
      fs.fchmodSync(fd, f.mode);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    written.push(target);
  }
  return written;
}

export interface WindowsInstallInput {
  iface: string;
  /** Where the config lives for the service (C:\ProgramData\Jett\IFACE.conf; Administrators and SYSTEM only). */
  configPath: string;
  user: string;
  wireguardExe: string;
}

export function windowsServiceName(iface: string): string {
  return `WireGuardTunnel$${iface}`;
}

/**
 * The administrator's commands on Windows: install the tunnel service once, give Network Configuration Operators
 * (SDDL "NO") start/stop rights on it, put the user in that group, and turn on WireGuard's limited-operator UI.
 */
export function windowsInstallCommands(input: WindowsInstallInput): string[][] {
  assertInterfaceName(input.iface);
  if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(input.user)) throw new TunnelConfigError(`user name ${JSON.stringify(input.user.slice(0, 40))} is not a plain Windows user name`, 'pass the desktop user with --user NAME');
  const service = windowsServiceName(input.iface);
  const sddl = 'D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWRPWPLOCRRC;;;NO)';
  return [
    [input.wireguardExe, '/installtunnelservice', input.configPath],
    ['sc.exe', 'config', service, 'start=', 'demand'],
    ['sc.exe', 'sdset', service, sddl],
    ['net.exe', 'localgroup', 'Network Configuration Operators', input.user, '/add'],
    ['reg.exe', 'add', 'HKLM\\Software\\WireGuard', '/v', 'LimitedOperatorUI', '/t', 'REG_DWORD', '/d', '1', '/f'],
  ];
}
