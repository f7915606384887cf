// A fake Windows disk and environment for the program lookup (main/core/process/binaries.ts) in unit tests.
import type { BinaryFs } from '../../main/core/process/binaries.js';

/** A Windows disk holding exactly `files` (absolute paths); folder names compare without case, as NTFS does. */
export function windowsDisk(files: string[]): BinaryFs {
  const norm = (p: string) => p.replace(/\\+$/, '').toLowerCase();
  const set = new Set(files.map(norm));
  const missing = (p: string) => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return {
    statSync(file) {
      if (!set.has(norm(file))) throw missing(file);
      return { isFile: () => true };
    },
    accessSync() {},
    readdirSync(dir) {
      const prefix = `${norm(dir)}\\`;
      const names = files.filter((f) => norm(f).startsWith(prefix)).map((f) => f.slice(prefix.length).split('\\')[0] as string);
      if (names.length === 0) throw missing(dir);
      return [...new Set(names)];
    },
  };
}

// The variables Windows sets for a 64-bit process (Microsoft: "WOW64 Implementation Details", environment variables).
export const windowsEnv = { Path: 'C:\\Windows\\system32;C:\\Windows', PATHEXT: '.COM;.EXE;.BAT;.CMD', ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)', ProgramW6432: 'C:\\Program Files' };
// The folder SoX 14.4.2's Windows installer (sox-14.4.2-win32.exe) proposes, as issue 19 reports it; eSpeak NG's MSI installs into "eSpeak NG" (espeak-ng src/windows/installer/Product.wxs).
export const SOX = 'C:\\Program Files (x86)\\sox-14-4-2\\sox.exe';
export const ESPEAK = 'C:\\Program Files\\eSpeak NG\\espeak-ng.exe';

