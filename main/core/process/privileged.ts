// Finds the programs that run as root (wg-quick, wg, bash, visudo, ...) in the fixed system folders only, and
// refuses any program, folder or link on the way to it that someone other than root could change.
import fs from 'node:fs';
import { JettError } from '../errors.js';

export class UnsafeProgramError extends JettError {}

/** Where a privileged program may come from: never PATH, never /usr/local (often writable by group staff). */
export const SYSTEM_DIRS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'] as const;

/** The PATH every privileged child gets: the same folders, root-owned on every distribution. */
export const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface TrustStat {
  uid: number;
  mode: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** The part of node:fs the checks read; tests pass a fake tree. */
export interface TrustFs {
  lstatSync(p: string): TrustStat;
  readlinkSync(p: string): string;
}

const MAX_LINKS = 40;

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function unsafe(target: string, what: string, why: string): UnsafeProgramError {
  const fix = what === target
    ? `only root may be able to change it: \`sudo chown root:root ${what} && sudo chmod go-w ${what}\`, or reinstall the package it came from`
    : `only root may be able to change ${what}: \`sudo chown root:root ${what} && sudo chmod go-w ${what}\` (or remove the link), then run this again`;
  return new UnsafeProgramError(`${target} is not safe to use as root: ${what} ${why}`, fix);
}

function lstat(fsx: TrustFs, target: string, p: string): TrustStat {
  try {
    return fsx.lstatSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UnsafeProgramError(`${target} is not usable: ${p} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`}`, 'install the package that provides it, or run `jett doctor`');
  }
}

/**
 * Walks `target` from / one name at a time, following every symbolic link, and checks each folder, each link and
 * the final entry: owned by root and (links aside, whose own mode means nothing) not writable by group or others.
 * Returns the real path. `kind` is what the final entry must be: an executable program, a data file, a folder.
 */
export function assertRootOnly(target: string, kind: 'program' | 'file' | 'dir' = 'program', fsx: TrustFs = fs): string {
  if (!target.startsWith('/')) throw new UnsafeProgramError(`${target} is not an absolute path`, 'report this as a bug in Jett');
  const check = (p: string, st: TrustStat) => {
    if (st.uid !== 0) throw unsafe(target, p, `is owned by uid ${st.uid}, not root`);
    if (!st.isSymbolicLink() && (st.mode & 0o022) !== 0) throw unsafe(target, p, `is writable by group or others (mode ${octal(st.mode)})`);
  };
  check('/', lstat(fsx, target, '/'));
  let cur = '';
  let todo = target.split('/');
  let links = 0;
  let last: TrustStat | null = null;
  while (todo.length > 0) {
    const name = todo.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      cur = cur.slice(0, cur.lastIndexOf('/'));
      continue;
    }
    const p = `${cur}/${name}`;
    const st = lstat(fsx, target, p);
    check(p, st);
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw unsafe(target, p, 'goes through too many symbolic links');
      const link = fsx.readlinkSync(p);
      if (link.startsWith('/')) cur = '';
      todo = [...link.split('/'), ...todo];
      last = null;
      continue;
    }
    if (todo.some((n) => n !== '' && n !== '.') && !st.isDirectory()) throw unsafe(target, p, 'is not a folder');
    cur = p;
    last = st;
  }
  const real = cur || '/';
  const final = last ?? lstat(fsx, target, real);
  if (kind === 'program' && !(final.isFile() && (final.mode & 0o100) !== 0)) throw unsafe(target, real, 'is not an executable file');
  if (kind === 'file' && !final.isFile()) throw unsafe(target, real, 'is not a regular file');
  if (kind === 'dir' && !final.isDirectory()) throw unsafe(target, real, 'is not a folder');
  return real;
}

/**
 * The absolute path of a program that will run as root: the first of the system folders that holds it, after
 * checking it and every folder and link on the way. Null when none holds it; an error when the one found is unsafe
 * (it is not skipped for a later folder: something is wrong with the system and the user should know).
 */
export function resolvePrivileged(name: string, fsx: TrustFs = fs): string | null {
  if (!/^[A-Za-z0-9._+-]+$/.test(name)) throw new UnsafeProgramError(`${JSON.stringify(name)} is not a plain program name`, 'report this as a bug in Jett');
  for (const dir of SYSTEM_DIRS) {
    const candidate = `${dir}/${name}`;
    try {
      fsx.lstatSync(candidate);
    } catch {
      continue;
    }
    assertRootOnly(candidate, 'program', fsx);
    return candidate;
  }
  return null;
}
