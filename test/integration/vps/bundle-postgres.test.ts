// The bundle's database scripts on a real PostgreSQL 15: the role script and the migration script (as the owner role,
// which the desktop's schema check then accepts). The encrypted backups have their own test (backup-encrypted.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PG_BIN_DIR, startPgCluster, type PgCluster } from '../../../main/core/db/pg-cluster.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { checkServerSchema } from '../../../main/core/sync/schema-version.js';
import { parseEnvFile } from '../../../main/core/vps/env-files.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeBundle, type MadeBundle } from './make-bundle.js';

describeWith([binary(`${PG_BIN_DIR}/postgres`), binary('psql'), binary('bash')], 'bundle database scripts on PostgreSQL 15', () => {
  let cluster: PgCluster;
  let bundle: MadeBundle;
  let pgEnv: Map<string, string>;
  const PATH = `${PG_BIN_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`;

  beforeAll(async () => {
    cluster = await startPgCluster();
    bundle = await makeBundle();
    pgEnv = parseEnvFile(fs.readFileSync(path.join(bundle.dir, 'env/postgres.env'), 'utf8'));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const socketEnv = () => ({ PATH, PGHOST: cluster.socketDir, PGPORT: String(cluster.port) });
  const tcpClient = (user: string, password: string, database: string) => new pg.Client({ host: cluster.host, port: cluster.port, user, password, database });

  const roles = () =>
    execa('bash', [path.join(bundle.dir, 'postgres/init/10-jett-roles.sh')], {
      reject: false,
      env: { ...socketEnv(), POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres', ...Object.fromEntries(pgEnv) },
    });

  it('postgres/init makes the roles with the bundle\'s passwords, the database owned by jett_owner, and runs again cleanly', async () => {
    for (let run = 0; run < 2; run++) {
      const r = await roles();
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    }
    // The desktop's stored password is the one the VPS role got.
    const stored = await new FileSecretStore(path.join(bundle.home, 'secrets.json')).get('postgres.password');
    expect(stored).toBe(pgEnv.get('JETT_DB_PASSWORD'));
    const jett = tcpClient('jett', stored!, 'jett');
    await jett.connect();
    expect((await jett.query('SELECT current_user AS u')).rows).toEqual([{ u: 'jett' }]);
    await jett.end();
    const wrong = tcpClient('jett', 'not-the-password', 'jett');
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    const n8nIntoJett = tcpClient('n8n', pgEnv.get('N8N_DB_PASSWORD')!, 'jett');
    await expect(n8nIntoJett.connect()).rejects.toThrow(/permission denied for database/);
    const workflows = tcpClient('jett_n8n', pgEnv.get('JETT_N8N_DB_PASSWORD')!, 'jett');
    await workflows.connect();
    await workflows.end();
    const admin = await cluster.adminClient();
    try {
      const owners = await admin.query("SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname IN ('jett', 'n8n') ORDER BY 1");
      expect(owners.rows).toEqual([{ datname: 'jett', owner: 'jett_owner' }, { datname: 'n8n', owner: 'n8n' }]);
    } finally {
      await admin.end();
    }
  });

  it('apply-migrations.sh applies the schema once, as the owner role, and the desktop\'s check accepts it', async () => {
    const run = () =>
      execa('bash', [path.join(bundle.dir, 'apply-migrations.sh'), path.join(bundle.dir, 'migrations'), 'psql', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', '-d', 'jett'], {
        reject: false,
        env: { PATH },
      });
    const files = fs.readdirSync(path.join(bundle.dir, 'migrations')).filter((f) => f.endsWith('.sql')).sort();
    expect(files.length).toBeGreaterThan(0);
    const first = await run();
    expect(first.exitCode).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual(files.map((f) => `${f.replace(/\.sql$/, '')}: applied`));
    const second = await run();
    expect(second.exitCode).toBe(0);
    expect(second.stdout.trim().split('\n')).toEqual(files.map((f) => `${f.replace(/\.sql$/, '')}: already applied`));

    const jett = tcpClient('jett', pgEnv.get('JETT_DB_PASSWORD')!, 'jett');
    await jett.connect();
    try {
      const owners = await jett.query<{ tableowner: string }>("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'");
      expect(owners.rows).toEqual([{ tableowner: 'jett_owner' }]);
      expect(await checkServerSchema(jett)).toEqual({ server: files.length, desktop: files.length });
    } finally {
      await jett.end();
    }
  });

  it('apply-migrations.sh stops at a failing migration and leaves it unrecorded', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '0042_broken.sql'), 'CREATE TABLE broken_one (id int);\nSELECT no_such_function();\n');
    const r = await execa('bash', [path.join(bundle.dir, 'apply-migrations.sh'), dir, 'psql', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', '-d', 'jett'], { reject: false, env: { PATH } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('apply-migrations: 0042_broken failed');
    const admin = await cluster.adminClient('jett');
    try {
      expect((await admin.query("SELECT to_regclass('broken_one') AS t")).rows).toEqual([{ t: null }]);
    } finally {
      await admin.end();
    }
  });
});
