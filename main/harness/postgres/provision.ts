// Makes a Jett database on a private cluster exactly as the VPS install does: the bundle's roles script, then the
// bundle's apply-migrations.sh, both through psql as the superuser, so the tests and `jett demo` run the very scripts
// a VPS runs (migrations as the owner role, the desktop and n8n with their own limited roles).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import { PG_BIN_DIR, type PgCluster, type PgDatabase } from './cluster.js';
import { PgClusterError } from './errors.js';
import { migrationsDir } from '../../core/db/resources.js';
import { resolveBinary } from '../../core/process/binaries.js';
import { resourcePath } from '../../core/resources.js';

export interface ProvisionOptions {
  database?: string;
  /** The desktop's login role (config postgres.user). */
  user?: string;
}

export interface JettDatabase {
  /** As the desktop logs in: a member of jett_desktop. */
  desktop: PgDatabase;
  /** As n8n's "Jett PostgreSQL" credential logs in: jett_n8n. */
  n8n: PgDatabase;
  /** As the backup job logs in: jett_backup. */
  backup: PgDatabase;
  /** n8n's own role and database (`n8n`), for a real n8n's DB_POSTGRESDB_* settings. */
  n8nApp: PgDatabase;
}

/** The owner of the sync's schema; nobody logs in as it. */
export const OWNER_ROLE = 'jett_owner';

function password(): string {
  return randomBytes(18).toString('base64url');
}

/** Creates the roles and the database (defaults: jett/jett) and applies the server migrations as the owner role. */
export async function provisionJettDatabase(cluster: PgCluster, opts: ProvisionOptions = {}): Promise<JettDatabase> {
  const database = opts.database ?? 'jett';
  const user = opts.user ?? 'jett';
  const bash = resolveBinary('bash');
  const psql = path.join(PG_BIN_DIR, 'psql');
  if (!bash || !resolveBinary(psql)) throw new PgClusterError('bash or PostgreSQL 15 psql is missing', 'install them (`npm run setup:linux`)');
  const pw = { desktop: password(), n8n: password(), backup: password(), n8nApp: password() };
  // Over the owner-only socket, so this works even when the server listens inside another network namespace.
  const env = { PATH: `${PG_BIN_DIR}:/usr/bin:/bin`, PGHOST: cluster.socketDir, PGPORT: String(cluster.port), LC_ALL: 'C.UTF-8' };
  const run = async (what: string, args: string[], extra: Record<string, string> = {}) => {
    const r = await execa(bash, args, { reject: false, stdin: 'ignore', extendEnv: false, env: { ...env, ...extra } });
    if (r.exitCode !== 0) throw new PgClusterError(`${what} failed: ${(r.stderr || r.stdout).trim()}`, `see the cluster log in ${cluster.dir}`);
  };
  await run('the roles script (postgres/init/10-jett-roles.sh)', [resourcePath('vps/postgres/init/10-jett-roles.sh')], {
    POSTGRES_USER: 'postgres',
    POSTGRES_DB: 'postgres',
    JETT_DB_USER: user,
    JETT_DB_NAME: database,
    JETT_DB_PASSWORD: pw.desktop,
    N8N_DB_PASSWORD: pw.n8nApp,
    JETT_N8N_DB_PASSWORD: pw.n8n,
    JETT_BACKUP_DB_PASSWORD: pw.backup,
  });
  await run('apply-migrations.sh', [resourcePath('vps/apply-migrations.sh'), migrationsDir('server'), psql, '-U', 'postgres', '-d', database]);
  const as = (role: string, pass: string): PgDatabase => ({ host: cluster.host, port: cluster.port, database, user: role, password: pass });
  return { desktop: as(user, pw.desktop), n8n: as('jett_n8n', pw.n8n), backup: as('jett_backup', pw.backup), n8nApp: { ...as('n8n', pw.n8nApp), database: 'n8n' } };
}
