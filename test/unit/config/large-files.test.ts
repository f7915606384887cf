// Moving an earlier version's database and models to the local data folder, once: all of the database or none of
// it (its WAL holds the last transactions), nothing over what is already there, and the old place used for
// whatever could not move (Windows refuses to rename a database an older agent still has open).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settleLargeFiles, type MoveFs } from '../../../main/core/config/large-files.js';
import { jettPaths } from '../../../main/core/config/paths.js';
import { tempDir } from '../../helpers/tmp.js';

function oldInstall() {
  const home = tempDir();
  const data = path.join(tempDir(), 'Local', 'Jett');
  fs.writeFileSync(path.join(home, 'jett.db'), 'db');
  fs.writeFileSync(path.join(home, 'jett.db-wal'), 'wal');
  fs.writeFileSync(path.join(home, 'jett.db-shm'), 'shm');
  fs.mkdirSync(path.join(home, 'models', 'whisper-base'), { recursive: true });
  fs.writeFileSync(path.join(home, 'models', 'whisper-base', 'model.onnx'), 'weights');
  fs.writeFileSync(path.join(home, 'config.json'), '{}');
  return { home, data, paths: jettPaths(home, 'linux', undefined, data) };
}

/** The real file system, except that renaming `held` fails as Windows fails on a file another process has open. */
function holding(held: string): MoveFs {
  return {
    existsSync: fs.existsSync,
    mkdirSync: (p, o) => fs.mkdirSync(p, o),
    renameSync: (from, to) => {
      if (from === held) throw Object.assign(new Error(`EBUSY: resource busy or locked, rename '${from}'`), { code: 'EBUSY' });
      fs.renameSync(from, to);
    },
  };
}

describe('settleLargeFiles', () => {
  it('moves the database with its WAL and the models once, and leaves config where it is', () => {
    const { home, data, paths } = oldInstall();
    const first = settleLargeFiles(paths, fs, 'linux');
    expect(first.paths).toEqual(paths);
    expect(first.stayed).toEqual([]);
    expect(fs.readFileSync(path.join(data, 'jett.db-wal'), 'utf8')).toBe('wal');
    expect(fs.readFileSync(path.join(data, 'models', 'whisper-base', 'model.onnx'), 'utf8')).toBe('weights');
    expect(fs.readdirSync(home).sort()).toEqual(['config.json']);
    // Nothing left to move: a second start changes nothing.
    expect(settleLargeFiles(paths, fs, 'linux')).toEqual({ paths, moved: [], stayed: [] });
  });

  it('leaves a database an older agent has open where it is, and uses it there', () => {
    const { home, paths } = oldInstall();
    const r = settleLargeFiles(paths, holding(path.join(home, 'jett.db')), 'linux');
    expect(r.paths.database).toBe(path.join(home, 'jett.db'));
    expect(r.stayed).toEqual([{ what: path.join(home, 'jett.db'), code: 'EBUSY' }]);
    expect(fs.readFileSync(path.join(home, 'jett.db-wal'), 'utf8')).toBe('wal');
    // The models were free to move.
    expect(r.paths.models).toBe(paths.models);
  });

  it('puts the database back when its WAL cannot follow: never one without the other', () => {
    const { home, data, paths } = oldInstall();
    const r = settleLargeFiles(paths, holding(path.join(home, 'jett.db-wal')), 'linux');
    expect(r.paths.database).toBe(path.join(home, 'jett.db'));
    expect(fs.readFileSync(path.join(home, 'jett.db'), 'utf8')).toBe('db');
    expect(fs.existsSync(path.join(data, 'jett.db'))).toBe(false);
  });

  it('never moves over a database already in the new place', () => {
    const { home, data, paths } = oldInstall();
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'jett.db'), 'newer');
    const r = settleLargeFiles(paths, fs, 'linux');
    expect(r.paths.database).toBe(path.join(data, 'jett.db'));
    expect(fs.readFileSync(path.join(data, 'jett.db'), 'utf8')).toBe('newer');
    expect(fs.readFileSync(path.join(home, 'jett.db'), 'utf8')).toBe('db');
  });

  it('does nothing where the data home is JETT_HOME itself (Linux, or JETT_HOME set)', () => {
    const { home } = oldInstall();
    const paths = jettPaths(home, 'linux');
    expect(settleLargeFiles(paths, fs, 'linux')).toEqual({ paths, moved: [], stayed: [] });
    expect(fs.existsSync(path.join(home, 'jett.db'))).toBe(true);
  });
});
