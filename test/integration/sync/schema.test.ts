// The server migrations on a real PostgreSQL: they apply in order under Jett's applier, record themselves, and are
// safe to apply again (the VPS bundle may run them with psql first).
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadMigrations, migrationsDir } from '../../../main/core/db/resources.js';
import { applyServerMigrations } from '../../../main/core/sync/server-schema.js';
import { describeWith } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { needsPostgres } from './fixture.js';

describeWith(needsPostgres, 'server schema (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  it('has every migration recorded, the sync tables and functions, and re-applying changes nothing', async () => {
    const files = loadMigrations(migrationsDir('server'));
    const versions = await pgc.query<{ version: number }>('SELECT version FROM jett_schema_migrations ORDER BY version');
    expect(versions.rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
    const c = new pg.Client(pgc.connection());
    await c.connect();
    try {
      expect(await applyServerMigrations(c)).toEqual({ version: files.length, applied: [] });
      // As a psql run of the whole folder would do, on top of Jett's: idempotent.
      for (const f of files) await c.query(f.sql);
      const tables = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
      expect(tables.rows.map((r) => r.t)).toEqual(expect.arrayContaining(['desktop_inbox', 'events', 'events_rejected', 'jett_schema_migrations', 'sync_clients']));
      const fns = await c.query<{ f: string }>(`SELECT proname AS f FROM pg_proc WHERE proname LIKE 'jett_%' ORDER BY 1`);
      expect(fns.rows.map((r) => r.f)).toEqual(expect.arrayContaining(['jett_inbox_ack', 'jett_inbox_claim', 'jett_push']));
    } finally {
      await c.end();
    }
  });

  it('refuses to apply a migration that does not record itself, and rolls it back', async () => {
    const c = new pg.Client(pgc.connection());
    await c.connect();
    try {
      const real = loadMigrations(migrationsDir('server'));
      const bogus = { version: real.length + 1, name: '9999_bogus', file: '/dev/null', sql: 'CREATE TABLE bogus_table (x int);' };
      await expect(applyServerMigrations(c, [...real, bogus])).rejects.toMatchObject({ name: 'SyncError', message: expect.stringContaining('did not record itself') });
      expect((await c.query(`SELECT to_regclass('bogus_table') AS t`)).rows[0].t).toBeNull();
    } finally {
      await c.end();
    }
  });
});
