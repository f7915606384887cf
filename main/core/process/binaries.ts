// Resolves a program name to an absolute path, so every child process runs a known binary (never a shell lookup).
import fs from 'node:fs';
import path from 'node:path';

// sbin folders are often missing from a user's PATH, yet wg and wg-quick live there on some distributions.
const UNIX_EXTRA = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const WINDOWS_EXTRA = ['C:\\Program Files\\WireGuard'];

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  extraDirs?: string[];
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `name`, or null when it is nowhere on PATH or in the usual system folders. */
export function resolveBinary(name: string, opts: ResolveOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (p.isAbsolute(name)) return isExecutable(name, platform) ? name : null;
  const pathVar = env.PATH ?? env.Path ?? '';
  const dirs = [
    ...pathVar.split(platform === 'win32' ? ';' : ':').filter(Boolean),
    ...(opts.extraDirs ?? []),
    ...(platform === 'win32' ? WINDOWS_EXTRA : UNIX_EXTRA),
  ];
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, name + ext);
      if (isExecutable(candidate, platform)) return candidate;
    }
  }
  return null;
}
