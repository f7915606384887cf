// The one-time privileged setup (`jett tunnel install`), after which the everyday user connects and disconnects.
// Linux: the config goes to /etc/wireguard (root, 0600), a root-owned helper with four fixed verbs goes to
// /usr/local/libexec, and one sudoers line lets the user run exactly those verbs. Windows: install-windows.ts.
import fs from 'node:fs';
import path from 'node:path';
import { assertRootOnly, resolvePrivileged, SYSTEM_PATH, type TrustFs } from '../process/privileged.js';
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

/** Every program the helper runs as root, each found by resolvePrivileged (fixed system folders, root-only). */
export interface HelperPrograms {
  bash: string;
  env: string;
  wgQuick: string;
  wg: string;
  stat: string;
  readlink: string;
}

const PROGRAM_NAMES: Record<keyof HelperPrograms, string> = { bash: 'bash', env: 'env', wgQuick: 'wg-quick', wg: 'wg', stat: 'stat', readlink: 'readlink' };

/**
 * Finds the helper's programs in /usr/bin, /usr/sbin, /bin, /sbin only, never on the caller's PATH (`sudo npx`
 * puts node_modules/.bin first), each checked root-only along its whole path.
 */
export function helperPrograms(resolve: (name: string) => string | null = (n) => resolvePrivileged(n)): HelperPrograms {
  const out = {} as HelperPrograms;
  for (const [key, name] of Object.entries(PROGRAM_NAMES) as [keyof HelperPrograms, string][]) {
    const found = resolve(name);
    if (!found) throw new TunnelConfigError(`${name} is not in /usr/bin, /usr/sbin, /bin or /sbin`, 'install wireguard-tools (and wireguard-go without the kernel module) from the distribution: `sudo apt install wireguard-tools wireguard-go`; a copy under /usr/local or on PATH is never used as root');
    out[key] = found;
  }
  return out;
}

export interface HelperInput {
  iface: string;
  /** HOST:PORT that `reresolve` sets again. */
  endpoint: string;
  programs: HelperPrograms;
  configPath?: string;
  /** Where the helper itself lives: it checks that path, and re-runs itself from it with an empty environment. */
  helperPath?: string;
}

export interface LinuxInstallInput extends HelperInput {
  user: string;
  /** The desktop's wg-quick text (holds the private key: written 0600, root-owned). */
  configText: string;
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

/** The line that marks a file as Jett's: the install replaces only files that carry it (or with --force). */
export const INSTALL_MARKER = '# Written by jett tunnel install';

export function writtenByJett(text: string): boolean {
  return text.split('\n', 3).includes(INSTALL_MARKER);
}

const HELPER_FIX = 'only root may be able to change it: fix its owner (root) and mode (not writable by group or others), then run: sudo jett tunnel install';

/**
 * The helper: it takes one verb and nothing else from the caller, and never prints the interface's private key.
 * First it runs itself again through `env -i` (bash -p ignores BASH_ENV and exported functions on the way), so
 * nothing of the caller's environment reaches wg-quick; then, at every run, it checks that only root can change
 * each program it runs, the config and itself, along every folder and link of their paths.
 */
export function renderLinuxHelper(input: HelperInput): string {
  assertInterfaceName(input.iface);
  if (!parseEndpoint(input.endpoint)) throw new TunnelConfigError(`endpoint ${JSON.stringify(input.endpoint)} is not HOST:PORT`, 'run `jett tunnel peer --public-key KEY --endpoint HOST:PORT` first');
  const configPath = input.configPath ?? wireguardConfigPath(input.iface);
  const helperPath = input.helperPath ?? LINUX_HELPER_PATH;
  const p = input.programs;
  for (const x of [...Object.values(p), configPath, helperPath]) {
    if (!path.posix.isAbsolute(x) || !/^[A-Za-z0-9/._+-]+$/.test(x) || path.posix.normalize(x) !== x) throw new TunnelConfigError(`path ${JSON.stringify(x)} must be absolute and normal, of plain characters`, 'install wireguard-tools in a standard location');
  }
  return `#!${p.bash} -p
${INSTALL_MARKER}
# Jett tunnel helper. Run through sudo by the desktop user: one verb, no other input. Interface, config, endpoint
# and every program were fixed at install time.
set -euo pipefail
HELPER='${helperPath}'
# Stage 1: start over with an empty environment. sudoers allows only "HELPER VERB", never "HELPER --clean VERB".
if [[ \${1:-} != --clean ]]; then
  exec '${p.env}' -i PATH=${SYSTEM_PATH} '${p.bash}' -p "$HELPER" --clean "\${1:-}"
fi
export WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1
IFACE='${input.iface}'
CONF='${configPath}'
VERB=\${2:-}
case "$VERB" in
  up|down|status|reresolve) ;;
  *) echo "usage: $HELPER ${HELPER_VERBS.join('|')}" >&2; exit 2 ;;
esac

refuse() {
  echo "jett-tunnel: refusing to run as root: $1" >&2
  echo '  fix: ${HELPER_FIX}' >&2
  exit 126
}

# Walks a path from / one name at a time, following links: each folder, link and the file must be root's, and
# (links aside) not writable by group or others.
root_only() {
  local todo=$1 cur='' part info uid mode kind link hops=0 more=1
  while (( more )); do
    info=$('${p.stat}' -c '%u %a %F' -- "\${cur:-/}") || refuse "$1: \${cur:-/} cannot be read"
    read -r uid mode kind <<< "$info"
    [[ $uid == 0 ]] || refuse "$1: \${cur:-/} is owned by uid $uid, not root"
    if [[ $kind == 'symbolic link' ]]; then
      (( ++hops <= 40 )) || refuse "$1: too many symbolic links"
      link=$('${p.readlink}' -- "$cur")
      if [[ $link == /* ]]; then cur=''; else cur=\${cur%/*}; fi
      todo=$link/$todo
    else
      (( (8#$mode & 8#022) == 0 )) || refuse "$1: \${cur:-/} is writable by group or others (mode $mode)"
    fi
    more=0
    while [[ -n $todo ]]; do
      part=\${todo%%/*}
      if [[ $todo == */* ]]; then todo=\${todo#*/}; else todo=''; fi
      case $part in
        ''|.) ;;
        ..) cur=\${cur%/*} ;;
        *) cur=$cur/$part; more=1; break ;;
      esac
    done
  done
  [[ $kind == 'regular file' ]] || refuse "$1: \${cur:-/} is not a regular file"
}

# One stat over every folder on the way to each path (a fork per name would cost each status poll ~150 ms); a
# link anywhere sends every path through the full walk above, which follows it.
check_all() {
  local f p part uid mode kind name links=0
  local -a names=() parts
  local -A meta=()
  for f in "$@"; do
    names+=(/)
    p=''
    IFS=/ read -ra parts <<< "\${f#/}"
    for part in "\${parts[@]}"; do p=$p/$part; names+=("$p"); done
  done
  while IFS='|' read -r uid mode kind name; do
    meta[$name]="$uid|$mode|$kind"
    [[ $kind != 'symbolic link' ]] || links=1
  done < <('${p.stat}' -c '%u|%a|%F|%n' -- "\${names[@]}" 2>/dev/null || true)
  if (( links )); then
    for f in "$@"; do root_only "$f"; done
    return
  fi
  for f in "$@"; do
    p=''
    IFS=/ read -ra parts <<< "\${f#/}"
    for name in / "\${parts[@]}"; do
      if [[ $name != / ]]; then p=$p/$name; name=$p; fi
      [[ -n \${meta[$name]:-} ]] || refuse "$f: $name cannot be read"
      IFS='|' read -r uid mode kind <<< "\${meta[$name]}"
      [[ $uid == 0 ]] || refuse "$f: $name is owned by uid $uid, not root"
      (( (8#$mode & 8#022) == 0 )) || refuse "$f: $name is writable by group or others (mode $mode)"
    done
    [[ $kind == 'regular file' ]] || refuse "$f: $f is not a regular file"
  done
}

check_all "$HELPER" '${p.bash}' '${p.env}' '${p.stat}' '${p.readlink}' '${p.wgQuick}' '${p.wg}' "$CONF"

case "$VERB" in
  up) exec '${p.wgQuick}' up "$CONF" ;;
  down) exec '${p.wgQuick}' down "$CONF" ;;
  # Line 1 of the dump holds the private key: only the peer lines leave this script.
  status)
    '${p.wg}' show "$IFACE" dump | { IFS= read -r _ || true; while IFS= read -r line; do printf '%s\n' "$line"; done; } ;;
  reresolve)
    peers=$('${p.wg}' show "$IFACE" peers)
    exec '${p.wg}' set "$IFACE" peer "\${peers%%$'\n'*}" endpoint '${input.endpoint}' ;;
esac
`;
}

/**
 * Lets the user run the helper with exactly the four verbs and no other arguments. `status` runs every poll, so
 * it is kept out of syslog and PAM session logs; up, down and reresolve are still logged. env_reset is pinned for
 * these commands whatever the rest of sudoers says (the helper clears the environment itself as well).
 */
export function renderSudoers(user: string, helper = LINUX_HELPER_PATH): string {
  assertUserName(user);
  const cmds = HELPER_VERBS.map((v) => `${helper} ${v}`).join(', ');
  return [
    INSTALL_MARKER,
    `# Jett: lets ${user} bring the Jett tunnel up and down`,
    `Cmnd_Alias JETT_TUNNEL = ${cmds}`,
    `Cmnd_Alias JETT_TUNNEL_STATUS = ${helper} status`,
    'Defaults!JETT_TUNNEL env_reset, !setenv',
    'Defaults!JETT_TUNNEL_STATUS !syslog, !pam_session',
    `${user} ALL=(root) NOPASSWD: JETT_TUNNEL`,
    '',
  ].join('\n');
}

/** The three files of a Linux install, by what each is for. */
export interface LinuxInstallFiles {
  config: InstallFile;
  helper: InstallFile;
  sudoers: InstallFile;
}

export function linuxInstallFiles(input: LinuxInstallInput): LinuxInstallFiles {
  assertUserName(input.user);
  return {
    config: { path: input.configPath ?? wireguardConfigPath(input.iface), mode: 0o600, content: `${INSTALL_MARKER}\n${input.configText}` },
    helper: { path: input.helperPath ?? LINUX_HELPER_PATH, mode: 0o755, content: renderLinuxHelper(input) },
    sudoers: { path: SUDOERS_PATH, mode: 0o440, content: renderSudoers(input.user, input.helperPath ?? LINUX_HELPER_PATH) },
  };
}

/** Config first, sudoers last: the sudoers line never names a helper that is not there yet. */
export function inWriteOrder(files: LinuxInstallFiles): InstallFile[] {
  return [files.config, files.helper, files.sudoers];
}

/** The files that exist under `root` and do not carry Jett's marker: the install replaces them only with --force. */
export function foreignFiles(files: InstallFile[], root: string, fsx: Pick<typeof fs, 'lstatSync' | 'readFileSync'> = fs): string[] {
  const foreign: string[] = [];
  for (const f of files) {
    const target = path.join(root, f.path);
    let st;
    try {
      st = fsx.lstatSync(target);
    } catch {
      continue;
    }
    if (!st.isFile() || !writtenByJett(fsx.readFileSync(target, 'utf8'))) foreign.push(target);
  }
  return foreign;
}

/**
 * Before writing to the real system: every target folder (or its nearest existing parent) must be root's and not
 * writable by others, or a user could swap the helper after the install. /usr/local is group-writable (staff) on
 * some older Debian systems: the install then stops and says so rather than put a root helper there.
 */
export function assertTargetFolders(files: InstallFile[], fsx: TrustFs = fs): void {
  for (const f of files) {
    let dir = path.posix.dirname(f.path);
    for (;;) {
      try {
        fsx.lstatSync(dir);
        break;
      } catch {
        dir = path.posix.dirname(dir);
      }
    }
    assertRootOnly(dir, 'dir', fsx);
  }
}

/** After writing to the real system: each file, its folders and links, root's alone. */
export function assertInstalled(files: InstallFile[], fsx: TrustFs = fs): void {
  for (const f of files) assertRootOnly(f.path, f.mode & 0o100 ? 'program' : 'file', fsx);
}

function mkdirRootOnly(dir: string): void {
  if (fs.existsSync(dir)) return;
  mkdirRootOnly(path.dirname(dir));
  // The mode given to mkdir is cut by the umask; chmod sets it whatever the umask (002 would leave it g+w).
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chmodSync(dir, 0o755);
}

/**
 * Writes the files under `root` ('/' for real), each created with its mode at open time and moved into place, so
 * no file is ever readable by others or half-written.
 */
export function writeInstallFiles(files: InstallFile[], root: string): string[] {
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(root, f.path);
    mkdirRootOnly(path.dirname(target));
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

/**
 * `jett tunnel uninstall` on Linux: the sudoers line first (the user can no longer run the helper), then the helper,
 * then the config; each only when it carries Jett's marker. Returns the paths removed and those kept (not Jett's).
 */
export function removeLinuxInstall(iface: string, root: string, fsx: Pick<typeof fs, 'lstatSync' | 'readFileSync' | 'rmSync'> = fs): { removed: string[]; kept: string[] } {
  assertInterfaceName(iface);
  const removed: string[] = [];
  const kept: string[] = [];
  for (const p of [SUDOERS_PATH, LINUX_HELPER_PATH, wireguardConfigPath(iface)]) {
    const target = path.join(root, p);
    try {
      fsx.lstatSync(target);
    } catch {
      continue;
    }
    if (foreignFiles([{ path: p, mode: 0, content: '' }], root, fsx).length > 0) {
      kept.push(`${target} (not written by Jett)`);
      continue;
    }
    fsx.rmSync(target, { force: true });
    removed.push(target);
  }
  return { removed, kept };
}
