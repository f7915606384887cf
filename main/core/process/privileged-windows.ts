// Finds the programs an administrator's Jett runs on Windows: wireguard.exe and wg.exe only in the real
// "X:\Program Files\WireGuard", sc.exe, net.exe, reg.exe and icacls.exe only in "X:\Windows\System32",
// powershell.exe only in its System32 folder; never through PATH.
//
// What Node cannot check here: Windows ACLs. fs.stat's mode bits say nothing about who may write a file or its
// folder, so Jett relies on where the files are (Program Files and System32 are writable by Administrators,
// SYSTEM and TrustedInstaller only, unless an administrator changed their ACLs) and checks what it can read: the
// folder comes from the environment but must be a drive-root "Program Files" / "Windows", and the program must be
// a plain file (no link or junction on the way: its real path is the path itself).
import path from 'node:path';
import { UnsafeProgramError } from './privileged.js';

export interface WinTrustFs {
  lstatSync(p: string): { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean };
  realpathSync: { native(p: string): string };
}

const IN_WIREGUARD = ['wireguard.exe', 'wg.exe'];
const IN_SYSTEM32 = ['sc.exe', 'net.exe', 'reg.exe', 'icacls.exe'];
const POWERSHELL = 'powershell.exe';

/** The 64-bit Program Files folder (ProgramW6432 first: a 32-bit process sees "Program Files (x86)" in ProgramFiles). */
export function programFilesDir(env: NodeJS.ProcessEnv): string {
  const dir = env.ProgramW6432 ?? env.ProgramFiles ?? '';
  if (!/^[A-Za-z]:\\Program Files$/i.test(dir)) {
    throw new UnsafeProgramError(`ProgramFiles is ${JSON.stringify(dir.slice(0, 80))}, not a drive's "Program Files" folder`, 'run `jett tunnel install` from a normal administrator terminal (ProgramFiles=C:\\Program Files)');
  }
  return dir;
}

/** Where the tunnel service reads its config: the real ProgramData (Administrators and SYSTEM may write it). */
export function programDataDir(env: NodeJS.ProcessEnv): string {
  const dir = env.ProgramData ?? '';
  if (!/^[A-Za-z]:\\ProgramData$/i.test(dir)) {
    throw new UnsafeProgramError(`ProgramData is ${JSON.stringify(dir.slice(0, 80))}, not a drive's "ProgramData" folder`, 'run `jett tunnel install` from a normal administrator terminal (ProgramData=C:\\ProgramData)');
  }
  return dir;
}

export function system32Dir(env: NodeJS.ProcessEnv): string {
  const root = env.SystemRoot ?? env.windir ?? '';
  if (!/^[A-Za-z]:\\Windows$/i.test(root)) {
    throw new UnsafeProgramError(`SystemRoot is ${JSON.stringify(root.slice(0, 80))}, not a drive's "Windows" folder`, 'run `jett tunnel install` from a normal administrator terminal (SystemRoot=C:\\Windows)');
  }
  return path.win32.join(root, 'System32');
}

/** The absolute path of `name` in its one allowed folder, after the checks Node can make (see the header). */
export function resolveWindowsPrivileged(name: string, env: NodeJS.ProcessEnv, fsx: WinTrustFs): string {
  if (!IN_WIREGUARD.includes(name) && !IN_SYSTEM32.includes(name) && name !== POWERSHELL) throw new UnsafeProgramError(`${JSON.stringify(name)} is not one of the programs Jett runs as administrator`, 'report this as a bug in Jett');
  const dir = IN_WIREGUARD.includes(name)
    ? path.win32.join(programFilesDir(env), 'WireGuard')
    : name === POWERSHELL ? path.win32.join(system32Dir(env), 'WindowsPowerShell', 'v1.0') : system32Dir(env);
  const file = path.win32.join(dir, name);
  const fix = IN_WIREGUARD.includes(name)
    ? 'install WireGuard for Windows from wireguard.com/install (it goes to Program Files\\WireGuard); a copy elsewhere or on PATH is never used'
    : `${name} ships with Windows in System32: check the Windows installation (\`sfc /scannow\`)`;
  let st;
  try {
    st = fsx.lstatSync(file);
  } catch {
    throw new UnsafeProgramError(`${file} does not exist`, fix);
  }
  if (st.isSymbolicLink() || !st.isFile()) throw new UnsafeProgramError(`${file} is not a plain file`, fix);
  let real: string;
  try {
    real = fsx.realpathSync.native(file);
  } catch {
    throw new UnsafeProgramError(`${file} cannot be read`, fix);
  }
  // A junction or link anywhere on the way shows as a different real path.
  if (real.toLowerCase() !== file.toLowerCase()) throw new UnsafeProgramError(`${file} leads to ${real} through a link or junction`, fix);
  return file;
}

/**
 * The folder Jett keeps the service's config in must be a real folder, not a link or junction a user made before
 * the install (ProgramData lets users create folders); its ACL is then set by icacls (windowsConfigDirCommands).
 */
export function assertPlainWindowsDir(dir: string, fsx: WinTrustFs): void {
  const fix = `remove ${dir} (it was not made by Jett's install) and run \`jett tunnel install\` again as administrator`;
  const st = fsx.lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new UnsafeProgramError(`${dir} is not a plain folder`, fix);
  const real = fsx.realpathSync.native(dir);
  if (real.toLowerCase() !== dir.toLowerCase()) throw new UnsafeProgramError(`${dir} leads to ${real} through a link or junction`, fix);
}
