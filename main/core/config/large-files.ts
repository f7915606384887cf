// Once, on Windows: the database and the speech models of an earlier version move from %APPDATA%\Jett (roaming) to
// %LOCALAPPDATA%\Jett. Whatever cannot move (open in a running older agent, another volume) is used where it is.
import fs from 'node:fs';
import path from 'node:path';
import type { JettPaths } from './paths.js';

export interface MoveFs {
  existsSync(p: string): boolean;
  mkdirSync(p: string, opts: { recursive: true }): unknown;
  renameSync(from: string, to: string): void;
}

export interface LargeFilesOutcome {
  /** The paths to use: the new place, or the old one for what could not move. */
  paths: JettPaths;
  moved: string[];
  /** What stayed in the old place, and why (the error's code). */
  stayed: { what: string; code: string }[];
}

/**
 * The database moves with its -wal and -shm as one: all or none, since a database without its WAL loses its last
 * transactions. An open database cannot move on Windows (SQLite opens it without sharing delete), which is what
 * keeps this from moving it under a running agent.
 */
export function settleLargeFiles(paths: JettPaths, fsx: MoveFs = fs, platform: NodeJS.Platform = process.platform): LargeFilesOutcome {
  const p = platform === 'win32' ? path.win32 : path;
  const outcome: LargeFilesOutcome = { paths: { ...paths }, moved: [], stayed: [] };
  const oldDb = p.join(paths.home, 'jett.db');
  const oldModels = p.join(paths.home, 'models');
  if (oldDb === paths.database && oldModels === paths.models) return outcome;

  const moveAll = (what: string, pairs: [string, string][]): boolean => {
    const done: [string, string][] = [];
    try {
      fsx.mkdirSync(p.dirname(pairs[0]![1]), { recursive: true });
      for (const [from, to] of pairs) {
        if (!fsx.existsSync(from)) continue;
        fsx.renameSync(from, to);
        done.push([from, to]);
      }
      outcome.moved.push(what);
      return true;
    } catch (err) {
      for (const [from, to] of done.reverse()) fsx.renameSync(to, from);
      outcome.stayed.push({ what, code: (err as NodeJS.ErrnoException).code ?? 'unknown' });
      return false;
    }
  };

  if (oldDb !== paths.database && fsx.existsSync(oldDb) && !fsx.existsSync(paths.database)) {
    const ok = moveAll(oldDb, ['', '-wal', '-shm'].map((s) => [`${oldDb}${s}`, `${paths.database}${s}`]));
    if (!ok) outcome.paths.database = oldDb;
  }
  if (oldModels !== paths.models && fsx.existsSync(oldModels) && !fsx.existsSync(paths.models)) {
    if (!moveAll(oldModels, [[oldModels, paths.models]])) outcome.paths.models = oldModels;
  }
  return outcome;
}
