// The stack's database roles on a real PostgreSQL 15, made by the VPS install's own scripts, attacked the way a
// stolen desktop or n8n password would be used: each role may run what its side runs and nothing else.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_BIN_DIR, startPgCluster, type PgCluster } from '../../../main/harness/postgres/cluster.js';
import { loadMigrations, migrationsDir } from '../../../main/core/db/resources.js';
import { OWNER_ROLE, provisionJettDatabase } from '../../../main/harness/postgres/provision.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';

const DENIED = /permission denied|must be owner/;

async function as<T>(conn: pg.ClientConfig, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(conn);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs each statement in its own connection and expects PostgreSQL to refuse it for want of rights. */
async function expectDenied(conn: pg.ClientConfig, statements: string[]): Promise<void> {
  for (const sql of statements) {
    await expect(as(conn, (c) => c.query(sql)), sql).rejects.toThrow(DENIED);
  }
}

/** One push of one event as the desktop sends it (seq 1 of a client). */
const push = (clientId: string = randomUUID()) =>
  `SELECT jett_push('${clientId}'::uuid, ARRAY[1]::bigint[], ARRAY['${randomUUID()}']::uuid[], ARRAY['test.event'], ARRAY['{}'], ARRAY[0]::double precision[])`;

describeWith([binary(`${PG_BIN_DIR}/postgres`), binary(`${PG_BIN_DIR}/psql`), binary('bash')], 'database roles (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  // Whatever a stolen password could try against the sync's data and schema.
  const tampering = [
    'CREATE TABLE planted (x int)',
    'CREATE TEMP TABLE planted (x int)',
    'CREATE FUNCTION jett_evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
    'CREATE VIEW planted AS SELECT 1 AS x',
    'DROP FUNCTION jett_push(uuid, bigint[], uuid[], text[], text[], double precision[])',
    'DROP TABLE events',
    'ALTER TABLE events ADD COLUMN planted int',
    'ALTER FUNCTION jett_record_heartbeat(jsonb) SECURITY INVOKER',
    'TRUNCATE desktop_inbox',
    'GRANT SELECT ON events TO PUBLIC',
    `SET ROLE ${OWNER_ROLE}`,
    'SELECT * FROM sync_clients',
    'SELECT * FROM events_rejected',
    'INSERT INTO events (client_id, seq, event_id, kind, payload, created_at) VALUES (gen_random_uuid(), 1, gen_random_uuid(), \'x\', \'{}\', now())',
    'UPDATE desktop_heartbeats SET interval_s = 1',
    'DELETE FROM desktop_presence_log',
  ];

  it('the desktop runs its functions and reads the schema version, and that is all', async () => {
    const desktop = pgc.connection();
    await as(desktop, async (c) => {
      expect((await c.query<{ r: { last_seq: number } }>(`${push()} AS r`)).rows[0]!.r.last_seq).toBe(1);
      expect((await c.query('SELECT * FROM jett_inbox_claim(10, 30)')).rows).toEqual([]);
      expect((await c.query('SELECT jett_inbox_ack(ARRAY[]::text[]) AS n')).rows).toEqual([{ n: 0 }]);
      expect((await c.query('SELECT max(version) AS v FROM jett_schema_migrations')).rows[0].v).toBeGreaterThan(0);
      await c.query('LISTEN jett_desktop_inbox');
    });
    await expectDenied(desktop, [
      ...tampering,
      'SELECT * FROM events',
      'SELECT * FROM desktop_inbox',
      'SELECT * FROM desktop_presence',
      'UPDATE desktop_inbox SET state = \'answered\'',
      'INSERT INTO jett_schema_migrations (version, name) VALUES (99, \'planted\')',
      // n8n's functions are not the desktop's.
      `SELECT jett_queue_request('notify', '{}'::jsonb)`,
      `SELECT jett_record_heartbeat('{"client_id": "${randomUUID()}", "interval_s": 60}'::jsonb)`,
      'SELECT * FROM jett_presence_changes()',
    ]);
    for (const database of ['postgres', 'template1', 'n8n']) {
      await expect(as({ ...desktop, database }, (c) => c.query('SELECT 1'))).rejects.toThrow(/permission denied for database/);
    }
  });

  it('n8n runs what its workflows run, and that is all', async () => {
    const n8n = pgc.roles.n8n;
    await as(n8n, async (c) => {
      await c.query(`SELECT jett_record_heartbeat($1::jsonb)`, [JSON.stringify({ client_id: randomUUID(), interval_s: 60 })]);
      await c.query('SELECT client_id, device, status, last_heartbeat FROM jett_presence_changes()');
      expect((await c.query(`SELECT jett_queue_request('notify', '{}'::jsonb, 'r-1') AS id`)).rows).toEqual([{ id: 'r-1' }]);
    });
    await expectDenied(n8n, [
      ...tampering,
      'SELECT * FROM events',
      'SELECT * FROM desktop_heartbeats',
      'SELECT * FROM jett_schema_migrations',
      // The desktop's functions are not n8n's: it cannot forge pushes or steal the desktop's requests.
      push(),
      'SELECT * FROM jett_inbox_claim(10, 30)',
      'SELECT jett_inbox_ack(ARRAY[\'r-1\'])',
    ]);
    await expect(as({ ...n8n, database: 'n8n' }, (c) => c.query('SELECT 1'))).rejects.toThrow(/permission denied for database/);
  });

  it('the backup role reads every table and changes nothing; the owner role cannot log in at all', async () => {
    const backup = pgc.roles.backup;
    await as(backup, async (c) => {
      expect(Number((await c.query('SELECT count(*) AS n FROM events')).rows[0].n)).toBeGreaterThan(0);
    });
    // (A GRANT by a role without the grant option only warns, and grants nothing.)
    await expectDenied(backup, tampering.filter((s) => !s.startsWith('SELECT') && !s.startsWith('GRANT')));
    await expectDenied(backup, [push()]);
    await expect(as({ ...pgc.db, user: OWNER_ROLE }, (c) => c.query('SELECT 1'))).rejects.toThrow(/not permitted to log in|password authentication failed/);
  });

  it('every function runs as its owner with a fixed search_path, and PUBLIC may execute none (a guard for new migrations)', async () => {
    const r = await pgc.query<{ proname: string; definer: boolean; config: string[] | null; public_exec: boolean }>(
      `SELECT proname, prosecdef AS definer, proconfig AS config, has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec
         FROM pg_proc p WHERE pronamespace = 'public'::regnamespace AND prokind = 'f' AND prorettype <> 'trigger'::regtype ORDER BY 1`,
    );
    expect(r.rows.length).toBeGreaterThan(0);
    for (const f of r.rows) expect(f, f.proname).toEqual({ proname: f.proname, definer: true, config: ['search_path=public, pg_temp'], public_exec: false });
  });

  it('every password is stored as a SCRAM verifier', async () => {
    const r = await pgc.query<{ rolname: string; scram: boolean }>(
      `SELECT rolname, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname IN ('jett', 'jett_n8n', 'jett_backup', 'n8n') ORDER BY 1`,
    );
    expect(r.rows).toEqual(['jett', 'jett_backup', 'jett_n8n', 'n8n'].map((rolname) => ({ rolname, scram: true })));
  });
});

describeWith([binary(`${PG_BIN_DIR}/postgres`), binary(`${PG_BIN_DIR}/psql`), binary('bash')], 'upgrading a VPS installed before the roles', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describe('the desktop role owned the database and had applied 0001 and 0002 itself', () => {
    it('the install\'s scripts pass everything to jett_owner, keep the data, and heal a heartbeat row that broke presence', async () => {
      const admin = await cluster.adminClient();
      try {
        // What the previous 10-jett-roles.sh and the desktop's own migration runner made.
        await admin.query(`CREATE ROLE jett LOGIN PASSWORD 'old-password'`);
        await admin.query('CREATE DATABASE jett OWNER jett');
      } finally {
        await admin.end();
      }
      const old = { host: cluster.host, port: cluster.port, user: 'jett', password: 'old-password', database: 'jett' };
      const clientId = randomUUID();
      await as(old, async (c) => {
        for (const m of loadMigrations(migrationsDir('server')).slice(0, 2)) await c.query(m.sql);
        await c.query(push(clientId));
        // The attack this release fixes: one row with a period near 2^31 ...
        await c.query(`SELECT jett_record_heartbeat($1::jsonb)`, [JSON.stringify({ client_id: randomUUID(), interval_s: 2 ** 31 - 1 })]);
        // ... and presence is broken for every desktop.
        await expect(c.query('SELECT * FROM desktop_presence')).rejects.toThrow(/integer out of range/);
      });

      const roles = await provisionJettDatabase(cluster);
      await as(roles.desktop, async (c) => {
        await expectDenied(roles.desktop, ['CREATE TABLE planted (x int)', 'DROP TABLE events', 'SELECT * FROM events']);
        expect((await c.query('SELECT max(version) AS v FROM jett_schema_migrations')).rows[0].v).toBe(loadMigrations(migrationsDir('server')).at(-1)!.version);
      });
      const admin2 = await cluster.adminClient('jett');
      try {
        expect((await admin2.query('SELECT client_id, last_seq FROM sync_clients')).rows).toEqual([{ client_id: clientId, last_seq: '1' }]);
        expect((await admin2.query('SELECT interval_s, status FROM desktop_presence')).rows).toEqual([{ interval_s: 3600, status: 'online' }]);
        const owners = await admin2.query(
          `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace
           UNION SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'jett'`,
        );
        expect(owners.rows).toEqual([{ owner: OWNER_ROLE }]);
      } finally {
        await admin2.end();
      }
    });
  });
});
