// Resolves a program name to an absolute path, so every child process runs a known binary (never a shell lookup).
import nodeFs from 'node:fs';
import path from 'node:path';

// sbin folders are often missing from a user's PATH, yet wg and wg-quick live there on some distributions.
const UNIX_EXTRA = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const WINDOWS_EXTRA = ['C:\\Program Files\\WireGuard'];
/**
 * Windows installers that do not put themselves on PATH, by the folder they create under Program Files:
 * SoX's installer makes a versioned folder (`sox-14-4-2`; its zip unpacks to `sox-14.4.2`), and eSpeak NG's MSI
 * installs into `eSpeak NG` with no PATH entry (espeak-ng/espeak-ng src/windows/installer/Product.wxs).
 */
const WINDOWS_INSTALL_FOLDERS: Record<string, RegExp> = {
  sox: /^sox([-.][\d.-]+)?$/i,
  'espeak-ng': /^espeak ng$/i,
};

/** The part of node:fs the lookup reads; tests pass a fake one holding a Windows tree. */
export interface BinaryFs {
  statSync(file: string): { isFile(): boolean };
  accessSync(file: string, mode?: number): void;
  readdirSync(dir: string): string[];
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  extraDirs?: string[];
  fs?: BinaryFs;
}

function isExecutable(file: string, platform: NodeJS.Platform, fs: BinaryFs): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(file, nodeFs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Windows environment names ignore case (`Path`, `ProgramFiles(x86)`); a plain object passed in does not. */
function winEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}

/** The install folders of `name` under both Program Files, the newest version first. */
export function windowsInstallDirs(name: string, env: NodeJS.ProcessEnv, fs: BinaryFs): string[] {
  const pattern = WINDOWS_INSTALL_FOLDERS[name.replace(/\.exe$/i, '').toLowerCase()];
  if (!pattern) return [];
  const roots = [...new Set(['ProgramFiles(x86)', 'ProgramFiles', 'ProgramW6432'].map((v) => winEnv(env, v)).filter((r): r is string => !!r))];
  const dirs: string[] = [];
  for (const root of roots) {
    let entries: string[];
    try {
      entries = fs.readdirSync(root);
    } catch {
      continue;
    }
    const found = entries.filter((e) => pattern.test(e)).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    dirs.push(...found.map((e) => path.win32.join(root, e)));
  }
  return dirs;
}

/** The absolute path of `name`, or null when it is nowhere on PATH or in the usual system folders. */
export function resolveBinary(name: string, opts: ResolveOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const fs = opts.fs ?? nodeFs;
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  if (p.isAbsolute(name)) return isExecutable(name, platform, fs) ? name : null;
  const pathVar = (win ? winEnv(env, 'PATH') : env.PATH) ?? '';
  const dirs = [
    ...pathVar.split(win ? ';' : ':').filter(Boolean),
    ...(opts.extraDirs ?? []),
    ...(win ? [...WINDOWS_EXTRA, ...windowsInstallDirs(name, env, fs)] : UNIX_EXTRA),
  ];
  const exts = win ? ['', ...(winEnv(env, 'PATHEXT') ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, name + ext);
      if (isExecutable(candidate, platform, fs)) return candidate;
    }
  }
  return null;
}
