// Before it syncs, the desktop checks that the VPS schema is one it can work with. It never changes the schema: the
// VPS install applies the migrations as their owner role (resources/vps/apply-migrations.sh), and the desktop's role
// may only run the sync's functions and read jett_schema_migrations.
import type pg from 'pg';
import { loadMigrations, migrationsDir, type Migration } from '../db/resources.js';
import { SyncError } from './errors.js';

export interface SchemaVersion {
  /** The highest migration the VPS database has applied. */
  server: number;
  /** The highest migration this Jett ships. */
  desktop: number;
}

const APPLY_FIX =
  'update the VPS from this Jett version: `jett vps bundle --out FOLDER --force` into the folder you installed from (it keeps the passwords), ' +
  'copy it to /opt/jett as in the README ("VPS setup"), and run `sudo /opt/jett/install.sh` there, which applies the migrations with /opt/jett/apply-migrations.sh';

interface AppliedRow {
  version: number;
  name: string;
  /** From 0003 on: the oldest schema version a desktop may know and still work against this one. */
  oldest_compatible?: number | null;
}

async function appliedRows(client: pg.ClientBase): Promise<AppliedRow[]> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('jett_schema_migrations')::text AS t`);
  if (!exists.rows[0]?.t) {
    throw new SyncError('the VPS database has no Jett schema (no table jett_schema_migrations), so Jett syncs nothing', `check postgres.database (\`jett config list\`), then ${APPLY_FIX}`);
  }
  try {
    // As JSON, so that a server from before a column was added answers the same query.
    const r = await client.query<{ row: AppliedRow }>('SELECT to_jsonb(m) AS row FROM jett_schema_migrations m ORDER BY version');
    return r.rows.map((x) => x.row);
  } catch (err) {
    if ((err as { code?: unknown }).code !== '42501') throw err;
    throw new SyncError(`the desktop's database role may not read the schema version (${(err as Error).message}), so Jett syncs nothing`, APPLY_FIX, { cause: err });
  }
}

/**
 * Resolves when the VPS schema has every migration this Jett ships (and any newer one it has says desktops of this
 * version still work with it); otherwise throws a SyncError that says what to run where.
 */
export async function checkServerSchema(client: pg.ClientBase, migrations: Migration[] = loadMigrations(migrationsDir('server'))): Promise<SchemaVersion> {
  const rows = await appliedRows(client);
  const applied = new Set(rows.map((r) => r.version));
  const desktop = migrations.at(-1)?.version ?? 0;
  const server = Math.max(0, ...applied);
  const missing = migrations.filter((m) => !applied.has(m.version));
  if (missing.length > 0) {
    throw new SyncError(
      `the VPS database schema is at version ${server} and this Jett needs ${desktop} (missing ${missing.map((m) => m.name).join(', ')}), so Jett syncs nothing until the VPS is updated`,
      APPLY_FIX,
    );
  }
  const breaking = rows.filter((r) => r.version > desktop && (r.oldest_compatible ?? r.version) > desktop);
  if (breaking.length > 0) {
    throw new SyncError(
      `the VPS database schema is at version ${server}, newer than this Jett knows (${desktop}), and ${breaking.map((r) => r.name).join(', ')} needs a newer desktop, so Jett syncs nothing`,
      'update Jett on this desktop to the version whose bundle the VPS was installed from',
    );
  }
  return { server, desktop };
}
