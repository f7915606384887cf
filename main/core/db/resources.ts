// Where the numbered SQL migrations live: resources/migrations/{local,server} beside main/ in the source tree and the app.
import fs from 'node:fs';
import path from 'node:path';
import { resourcePath } from '../resources.js';
import { DatabaseError } from './errors.js';

export type MigrationSet = 'local' | 'server';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
}

/** resources/migrations/SET (main/core/db in source, dist/core/db when built, the app's resources when packaged). */
export function migrationsDir(set: MigrationSet): string {
  return resourcePath(path.join('migrations', set));
}

/** The files NNNN_name.sql of a folder, in version order; a gap or a duplicate number is a packaging bug. */
export function loadMigrations(dir: string): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  return files.map((f, i) => {
    const version = Number(f.slice(0, 4));
    if (version !== i + 1) {
      throw new DatabaseError(
        `${dir}: migration ${f} breaks the sequence (expected ${String(i + 1).padStart(4, '0')}_...)`,
        'number the migration files 0001, 0002, ... with no gap or duplicate',
      );
    }
    const file = path.join(dir, f);
    return { version, name: f.replace(/\.sql$/, ''), file, sql: fs.readFileSync(file, 'utf8') };
  });
}
