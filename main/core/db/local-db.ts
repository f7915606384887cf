// Opens JETT_HOME/jett.db: refuses a corrupt or newer file without touching it, enforces WAL + synchronous=FULL, migrates.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { notAFile, openRegularFile } from '../fs/regular-file.js';
import { DatabaseError } from './errors.js';
import { loadMigrations, migrationsDir, type Migration } from './resources.js';

export type SqliteDb = Database.Database;

export interface LocalDb {
  readonly db: SqliteDb;
  readonly file: string;
  /** This desktop's identity towards the server, created with the database and never changed. */
  readonly clientId: string;
  readonly version: number;
  close(): void;
}

export interface OpenLocalDbOptions {
  migrations?: Migration[];
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const SYNCHRONOUS_FULL = 2;

function readHeader(fd: number): Buffer {
  const buf = Buffer.alloc(16);
  const n = fs.readSync(fd, buf, 0, 16, 0);
  return buf.subarray(0, n);
}

/** The error for a file that is not a usable Jett database, with the command that moves it aside. */
export function corrupt(file: string, why: string, cause?: unknown): DatabaseError {
  return new DatabaseError(
    `${file} is not a usable Jett database (${why}); it was left untouched`,
    `move it aside (e.g. \`mv ${file} ${file}.broken\`) to start a new outbox, or restore it from a backup`,
    { cause },
  );
}

/** Read-only checks on an existing file, so that a file we refuse is never modified. */
function checkExisting(file: string, fd: number, latest: number): void {
  const header = readHeader(fd);
  if (!header.equals(SQLITE_MAGIC)) throw corrupt(file, 'no SQLite header');
  let ro: SqliteDb | null = null;
  try {
    ro = new Database(file, { readonly: true, fileMustExist: true });
    const version = ro.pragma('user_version', { simple: true }) as number;
    if (version > latest) {
      throw new DatabaseError(
        `${file} has schema version ${version}, newer than this Jett understands (${latest}); it was left untouched`,
        'update Jett to the version that created this database, or move the file aside to start a new outbox',
      );
    }
    const check = ro.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw corrupt(file, `integrity check: ${check}`);
  } catch (err) {
    if (err instanceof DatabaseError) throw err;
    throw corrupt(file, (err as Error).message, err);
  } finally {
    ro?.close();
  }
}

function enforceDurability(db: SqliteDb, file: string): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
  db.pragma('synchronous = FULL');
  const sync = db.pragma('synchronous', { simple: true }) as number;
  if (mode !== 'wal' || sync !== SYNCHRONOUS_FULL) {
    throw new DatabaseError(
      `${file}: SQLite refused WAL with synchronous=FULL (got journal_mode=${mode}, synchronous=${sync}), so appends would not be durable`,
      'put JETT_HOME on a local disk that supports WAL (not a network share)',
    );
  }
}

function migrate(db: SqliteDb, migrations: Migration[]): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= version) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    version = m.version;
  }
  db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('client_id', ?)`).run(randomUUID());
  return version;
}

export function openLocalDb(file: string, opts: OpenLocalDbOptions = {}): LocalDb {
  const migrations = opts.migrations ?? loadMigrations(migrationsDir('local'));
  const latest = migrations.at(-1)?.version ?? 0;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let existing;
  try {
    existing = openRegularFile(file);
  } catch (err) {
    throw new DatabaseError(`cannot open ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check that the file and JETT_HOME belong to you', { cause: err });
  }
  if (existing !== null && existing.kind !== 'file') {
    throw new DatabaseError(
      `${notAFile(file, existing.kind)}; Jett keeps its outbox in a file of that name and left it untouched`,
      `move it aside (e.g. \`mv ${file} ${file}.${existing.kind === 'folder' ? 'folder' : 'moved'}\`), and Jett creates a new database there`,
    );
  }
  if (existing === null) {
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  } else {
    try {
      if (existing.size > 0) checkExisting(file, existing.fd, latest);
    } finally {
      fs.closeSync(existing.fd);
    }
  }

  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    enforceDurability(db, file);
    const version = migrate(db, migrations);
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'client_id'`).get() as { value: string };
    return { db, file, clientId: row.value, version, close: () => db.close() };
  } catch (err) {
    db.close();
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError(`${file}: cannot prepare the local database (${(err as Error).message})`, 'check free disk space and the folder permissions of JETT_HOME', { cause: err });
  }
}

/**
 * Opens the database to read the outbox's status, as `jett outbox status` does: read-only, without the integrity
 * check (quick_check reads every page: seconds with a million rows pending, where a status read touches a handful).
 * A file that is missing, not a file, not SQLite, from a newer Jett or at an older schema goes through openLocalDb
 * instead, which creates, refuses or migrates it; damage in the pages a read touches still fails that read.
 */
export function openLocalDbToRead(file: string, opts: OpenLocalDbOptions = {}): LocalDb {
  const latest = (opts.migrations ?? loadMigrations(migrationsDir('local'))).at(-1)?.version ?? 0;
  let existing;
  try {
    existing = openRegularFile(file);
  } catch {
    return openLocalDb(file, opts);
  }
  if (existing === null || existing.kind !== 'file') return openLocalDb(file, opts);
  let header: Buffer;
  try {
    header = readHeader(existing.fd);
  } finally {
    fs.closeSync(existing.fd);
  }
  if (!header.equals(SQLITE_MAGIC)) return openLocalDb(file, opts);
  let db: SqliteDb | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    const row = version === latest ? (db.prepare(`SELECT value FROM meta WHERE key = 'client_id'`).get() as { value: string } | undefined) : undefined;
    if (!row) {
      db.close();
      return openLocalDb(file, opts);
    }
    const ro = db;
    return { db: ro, file, clientId: row.value, version, close: () => ro.close() };
  } catch (err) {
    db?.close();
    throw corrupt(file, (err as Error).message, err);
  }
}
