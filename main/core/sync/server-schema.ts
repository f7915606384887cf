// Applies resources/migrations/server to the VPS PostgreSQL, in order, each in its own transaction, under a lock.
import type pg from 'pg';
import { loadMigrations, migrationsDir, type Migration } from '../db/resources.js';
import { SyncError } from './errors.js';

// Any constant works; it only has to be the same for every applier so two desktops never migrate at once.
const MIGRATION_LOCK = 0x6a657474;

export interface SchemaResult {
  version: number;
  applied: number[];
}

async function appliedVersions(client: pg.ClientBase): Promise<Set<number>> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('jett_schema_migrations')::text AS t`);
  if (!exists.rows[0]?.t) return new Set();
  const rows = await client.query<{ version: number }>('SELECT version FROM jett_schema_migrations');
  return new Set(rows.rows.map((r) => r.version));
}

export async function applyServerMigrations(client: pg.ClientBase, migrations: Migration[] = loadMigrations(migrationsDir('server'))): Promise<SchemaResult> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    const done = await appliedVersions(client);
    const known = migrations.at(-1)?.version ?? 0;
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        const rec = await client.query('SELECT 1 FROM jett_schema_migrations WHERE version = $1', [m.version]);
        if (rec.rowCount !== 1) throw new SyncError(`server migration ${m.name} did not record itself in jett_schema_migrations`, `end ${m.file} with its INSERT INTO jett_schema_migrations`);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (err instanceof SyncError) throw err;
        throw new SyncError(
          `server migration ${m.name} failed: ${(err as Error).message}`,
          'the database user must own the database (the VPS bundle creates it so); check the PostgreSQL log on the VPS',
          { cause: err },
        );
      }
    }
    return { version: Math.max(known, ...done), applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
