// Deletes JETT_HOME (and on Windows the local data folder) when the user chose to, and only a folder that is Jett's:
// never the user's home, a folder above it, or a filesystem root, whatever JETT_HOME says.
import fs from 'node:fs';
import path from 'node:path';
import type { UninstallLeft } from '../contracts/uninstall.js';

/** Names Jett writes in JETT_HOME: a folder holding one of them (and not refused below) is Jett's. */
const JETT_FILES = ['config.json', 'secret-store.json', 'secrets.json', 'jett.db', 'models', 'logs', 'control.token'];

/** Why `dir` must not be deleted whole, or null when it may. */
export function refuseDelete(dir: string, userHome: string): string | null {
  const d = path.resolve(dir);
  const home = path.resolve(userHome);
  if (d === path.parse(d).root) return 'it is a filesystem root';
  if (d === home || home.startsWith(`${d}${path.sep}`)) return 'it is your home folder or holds it';
  let names: string[];
  try {
    names = fs.readdirSync(d);
  } catch {
    return null;
  }
  if (names.length > 0 && !names.some((n) => JETT_FILES.includes(n))) return `none of ${JETT_FILES.join(', ')} is in it, so it may not be Jett's`;
  return null;
}

/** Removes each folder that exists and may be removed; a refused one is left, with why and what to do. */
export function deleteData(dirs: string[], userHome: string): { removed: string[]; left: UninstallLeft[] } {
  const removed: string[] = [];
  const left: UninstallLeft[] = [];
  for (const dir of [...new Set(dirs.map((d) => path.resolve(d)))]) {
    if (!fs.existsSync(dir)) continue;
    const why = refuseDelete(dir, userHome);
    if (why) {
      left.push({ what: `${dir} (not deleted: ${why})`, fix: `look inside and delete what is Jett's yourself; JETT_HOME should be a folder of its own` });
      continue;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return { removed, left };
}
