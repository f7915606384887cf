// The server schema on a real PostgreSQL: apply-migrations.sh (what the VPS install runs) applies it as the owner
// role, once; the desktop only checks its version, and a schema behind it stops the sync with the command to run.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PG_BIN_DIR } from '../../../main/harness/postgres/cluster.js';
import { loadMigrations, migrationsDir } from '../../../main/core/db/resources.js';
import { resourcePath } from '../../../main/core/resources.js';
import { OWNER_ROLE } from '../../../main/harness/postgres/provision.js';
import { checkServerSchema } from '../../../main/core/sync/schema-version.js';
import { describeWith } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeDesk, needsPostgres, serverEvents } from './fixture.js';

const files = loadMigrations(migrationsDir('server'));
const latest = files.at(-1)!;

describeWith(needsPostgres, 'server schema (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  const applyMigrations = (dir: string) =>
    execa('bash', [resourcePath('vps/apply-migrations.sh'), dir, `${PG_BIN_DIR}/psql`, '-h', pgc.cluster.socketDir, '-p', String(pgc.cluster.port), '-U', 'postgres', '-d', pgc.db.database], {
      reject: false,
      env: { PATH: `${PG_BIN_DIR}:/usr/bin:/bin` },
      extendEnv: false,
    });
  const asDesktop = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client(pgc.connection());
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };

  it('has every migration recorded, everything owned by the owner role, and applying again changes nothing', async () => {
    const versions = await pgc.query<{ version: number }>('SELECT version FROM jett_schema_migrations ORDER BY version');
    expect(versions.rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
    const owners = await pgc.query<{ owner: string }>(
      `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
       UNION SELECT DISTINCT pg_get_userbyid(p.proowner) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace`,
    );
    expect(owners.rows).toEqual([{ owner: OWNER_ROLE }]);
    const again = await applyMigrations(migrationsDir('server'));
    expect(again.exitCode).toBe(0);
    expect(again.stdout.trim().split('\n')).toEqual(files.map((f) => `${f.name}: already applied`));
    // Each file is idempotent too, as a psql run of the whole folder would need.
    const admin = await pgc.admin();
    try {
      await admin.query(`SET ROLE ${OWNER_ROLE}`);
      for (const f of files) await admin.query(f.sql);
    } finally {
      await admin.end();
    }
    expect(await asDesktop((c) => checkServerSchema(c))).toEqual({ server: latest.version, desktop: latest.version });
  });

  it('apply-migrations.sh refuses a migration that does not record itself, and rolls it back', async () => {
    const dir = tempDir('jett-migrations-');
    for (const f of files) fs.copyFileSync(f.file, path.join(dir, path.basename(f.file)));
    const bogus = `${String(latest.version + 1).padStart(4, '0')}_bogus`;
    fs.writeFileSync(path.join(dir, `${bogus}.sql`), 'CREATE TABLE bogus_table (x int);\n');
    const r = await applyMigrations(dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${bogus} did not record itself in jett_schema_migrations`);
    expect(r.stderr).toContain(`apply-migrations: ${bogus} failed`);
    expect((await pgc.query(`SELECT to_regclass('bogus_table') AS t`)).rows[0]!.t).toBeNull();
  });

  it('a desktop against a schema behind it: a clear error naming the script, and nothing synced', async () => {
    await pgc.query('DELETE FROM jett_schema_migrations WHERE version = $1', [latest.version]);
    const desk = makeDesk({ pool: () => pgc.pool() });
    try {
      await expect(asDesktop((c) => checkServerSchema(c))).rejects.toMatchObject({
        name: 'SyncError',
        message: expect.stringContaining(`schema is at version ${latest.version - 1} and this Jett needs ${latest.version} (missing ${latest.name})`),
        fix: expect.stringContaining('/opt/jett/apply-migrations.sh'),
      });
      desk.outbox.append('test.event', { n: 1 });
      await expect(desk.service.syncOnce()).rejects.toMatchObject({ name: 'SyncError', fix: expect.stringContaining('/opt/jett/install.sh') });
      expect(desk.outbox.counts(new Date()).pending).toBe(1);
      expect(await serverEvents(pgc, desk.outbox.clientId)).toEqual([]);
    } finally {
      await desk.close();
      await pgc.query(`INSERT INTO jett_schema_migrations (version, name, oldest_compatible) VALUES ($1, $2, 1)`, [latest.version, latest.name]);
    }
  });

  it('a desktop against a newer schema: proceeds when it says older desktops still work, refuses when not', async () => {
    const next = latest.version + 1;
    try {
      await pgc.query(`INSERT INTO jett_schema_migrations (version, name, oldest_compatible) VALUES ($1, 'future_additive', $2)`, [next, latest.version]);
      expect(await asDesktop((c) => checkServerSchema(c))).toEqual({ server: next, desktop: latest.version });
      await pgc.query(`UPDATE jett_schema_migrations SET name = 'future_breaking', oldest_compatible = NULL WHERE version = $1`, [next]);
      await expect(asDesktop((c) => checkServerSchema(c))).rejects.toMatchObject({
        message: expect.stringContaining('future_breaking needs a newer desktop'),
        fix: expect.stringContaining('update Jett on this desktop'),
      });
    } finally {
      await pgc.query('DELETE FROM jett_schema_migrations WHERE version = $1', [next]);
    }
  });

  it('a database without the schema, or a role that may not read its version: an error that says so', async () => {
    const admin = await pgc.admin();
    try {
      await admin.query('REVOKE SELECT ON jett_schema_migrations FROM jett_desktop');
      await expect(asDesktop((c) => checkServerSchema(c))).rejects.toMatchObject({ message: expect.stringContaining('may not read the schema version') });
      await admin.query('GRANT SELECT ON jett_schema_migrations TO jett_desktop');
      await admin.query('ALTER TABLE jett_schema_migrations RENAME TO jett_schema_migrations_away');
      await expect(asDesktop((c) => checkServerSchema(c))).rejects.toMatchObject({ message: expect.stringContaining('has no Jett schema') });
    } finally {
      await admin.query('ALTER TABLE IF EXISTS jett_schema_migrations_away RENAME TO jett_schema_migrations');
      await admin.end();
    }
  });
});
