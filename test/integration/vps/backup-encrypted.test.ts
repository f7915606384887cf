// The bundle's backup and restore for real: backup.sh with a real PostgreSQL 15 set up by the bundle's own roles and
// migration scripts and guarded by its pg_hba.conf (pg_dump runs as the read-only role jett_backup, its password
// from the postgres service's env file), real age and tar, and a loopback Qdrant that follows its snapshot API; only
// `docker compose` is a stub that runs the command here as the image's user with the service's environment. Every
// file it writes is age-encrypted (no plaintext of any part in it), decrypts with the key the bundle made on the
// desktop and with no other, and restore.sh puts each part back from the decrypted stream.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PG_BIN_DIR, startPgCluster, type PgCluster } from '../../../main/core/db/pg-cluster.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { generateAgeKeyPair } from '../../../main/core/vps/age-keys.js';
import { parseEnvFile } from '../../../main/core/vps/env-files.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeBundle, type MadeBundle } from './make-bundle.js';

const MARK = `plaintext-${randomBytes(6).toString('hex')}`;
const MARKS = { pg: `PG-${MARK}`, n8nDb: `N8NDB-${MARK}`, qdrant: `QDRANT-${MARK}`, portainer: `PORTAINER-${MARK}`, n8n: `N8N-${MARK}` };

/** A loopback Qdrant: one collection, the snapshot endpoints backup.sh and restore.sh call, the api-key header checked. */
function fakeQdrant(apiKey: string) {
  const seen: string[] = [];
  const uploads: Buffer[] = [];
  const snapshots = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(`${req.method} ${url.pathname}`);
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: body, status: 'ok', time: 0.001 }));
      if (req.headers['api-key'] !== apiKey) return res.writeHead(401).end('{"status":{"error":"Must provide an API key or an Authorization bearer token"}}');
      const m = /^\/collections\/memories\/snapshots(?:\/(.+))?$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === '/collections') return json({ collections: [{ name: 'memories' }] });
      if (m && req.method === 'POST' && m[1] === undefined) {
        const name = `memories-${snapshots.size}.snapshot`;
        snapshots.add(name);
        return json({ name, creation_time: '2026-01-01T03:00:00', size: 64, checksum: null });
      }
      if (m && req.method === 'POST' && m[1] === 'upload') {
        uploads.push(Buffer.concat(chunks));
        return json(true);
      }
      if (m && m[1] && snapshots.has(m[1]) && req.method === 'GET') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(`snapshot tar of memories: ${MARKS.qdrant}`);
      if (m && m[1] && snapshots.has(m[1]) && req.method === 'DELETE') {
        snapshots.delete(m[1]);
        return json(true);
      }
      res.writeHead(404).end('{"status":{"error":"Not found"}}');
    });
  });
  return { server, seen, uploads, snapshots };
}

describeWith([root, binary('age'), binary('curl'), binary('tar'), binary('bash'), binary('runuser'), binary(`${PG_BIN_DIR}/postgres`), binary('psql')], 'encrypted backups: backup.sh and restore.sh for real', () => {
  let cluster: PgCluster;
  let bundle: MadeBundle;
  let qdrant: ReturnType<typeof fakeQdrant>;
  let env: Record<string, string>;
  let pgEnv: Map<string, string>;
  /** A superuser session opened before the bundle's pg_hba.conf took over; it outlives the switch. */
  let admin: pg.Client;
  let stamp: string;
  const backups = () => path.join(bundle.dir, 'data', 'backups');
  const identity = () => path.join(bundle.home, 'backup-identity.txt');
  const calls = () => fs.readFileSync(path.join(env.PATH!.split(':')[0]!, 'calls.log'), 'utf8');
  const asBackupRole = (database: string, password = pgEnv.get('JETT_BACKUP_DB_PASSWORD')!) =>
    new pg.Client({ host: cluster.socketDir, port: cluster.port, user: 'jett_backup', password, database });

  beforeAll(async () => {
    cluster = await startPgCluster();
    bundle = await makeBundle();
    pgEnv = parseEnvFile(fs.readFileSync(path.join(bundle.dir, 'env/postgres.env'), 'utf8'));
    // The roles and the schema as the VPS gets them (and provision.ts does for the other tests): the bundle's roles
    // script with the passwords of env/postgres.env, then its migrations as the owner role.
    const socketEnv = { PATH: `${PG_BIN_DIR}:/usr/bin:/bin`, PGHOST: cluster.socketDir, PGPORT: String(cluster.port) };
    const roles = await execa(resolveBinary('bash')!, [path.join(bundle.dir, 'postgres/init/10-jett-roles.sh')], {
      reject: false,
      extendEnv: false,
      env: { ...socketEnv, POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres', ...Object.fromEntries(pgEnv) },
    });
    expect(roles.stderr).toBe('');
    const migrate = await execa(resolveBinary('bash')!, [path.join(bundle.dir, 'apply-migrations.sh'), path.join(bundle.dir, 'migrations'), 'psql', '-U', 'postgres', '-d', 'jett'], {
      reject: false,
      extendEnv: false,
      env: socketEnv,
    });
    expect(migrate.exitCode).toBe(0);

    const jett = await cluster.adminClient('jett');
    await jett.query('SET ROLE jett_owner');
    await jett.query('CREATE TABLE notes (t text)');
    await jett.query('INSERT INTO notes VALUES ($1)', [MARKS.pg]);
    await jett.end();
    // A table of n8n's own: the backup role reads it through pg_read_all_data, not as its owner.
    const n8n = await cluster.adminClient('n8n');
    await n8n.query('SET ROLE n8n');
    await n8n.query('CREATE TABLE workflow_entity (name text)');
    await n8n.query('INSERT INTO workflow_entity VALUES ($1)', [MARKS.n8nDb]);
    await n8n.end();

    admin = await cluster.adminClient('jett');
    // From here on every new connection goes through the bundle's pg_hba.conf: the superuser only as the server's
    // own uid (peer), jett_backup on the socket with its password.
    fs.copyFileSync(path.join(bundle.dir, 'postgres/pg_hba.conf'), path.join(cluster.dir, 'data', 'pg_hba.conf'));
    await admin.query('SELECT pg_reload_conf()');

    for (const [dir, file, text] of [['portainer', 'portainer.db', MARKS.portainer], ['n8n', 'config', MARKS.n8n]] as const) {
      fs.mkdirSync(path.join(bundle.dir, 'data', dir), { recursive: true });
      fs.writeFileSync(path.join(bundle.dir, 'data', dir, file), text);
    }
    const apiKey = parseEnvFile(fs.readFileSync(path.join(bundle.dir, 'env/qdrant.env'), 'utf8')).get('QDRANT__SERVICE__API_KEY')!;
    qdrant = fakeQdrant(apiKey);
    await new Promise<void>((r) => qdrant.server.listen(0, '127.0.0.1', r));

    // `docker compose exec -T postgres CMD...` runs CMD here against the test cluster as docker would in the
    // container: as the image's postgres user, in /, with the service's environment (its env_file, env/postgres.env).
    // Other compose calls are only logged.
    const bin = tempDir('jett-backup-bin-');
    fs.writeFileSync(
      path.join(bin, 'docker'),
      [
        '#!/bin/bash',
        `echo "docker $*" >>"${bin}/calls.log"`,
        'if [[ $1 == compose && $2 == exec && $3 == -T && $4 == postgres ]]; then',
        '  shift 4',
        '  while IFS= read -r line; do',
        '    if [[ $line =~ ^[A-Z_][A-Z0-9_]*= ]]; then export "$line"; fi',
        '  done <env/postgres.env',
        '  cd /',
        `  exec ${resolveBinary('runuser')!} -u postgres -- "$@"`,
        'fi',
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    env = {
      PATH: `${bin}:${PG_BIN_DIR}:/usr/sbin:/usr/bin:/sbin:/bin`,
      PGHOST: cluster.socketDir,
      PGPORT: String(cluster.port),
      QDRANT_URL: `http://127.0.0.1:${(qdrant.server.address() as AddressInfo).port}`,
    };
  }, 60_000);
  afterAll(async () => {
    qdrant?.server.close();
    await admin?.end();
    await cluster?.stop();
  });

  const run = (script: string, args: string[], input?: Buffer) =>
    execa(resolveBinary('bash')!, [path.join(bundle.dir, script), ...args], { reject: false, env, extendEnv: false, ...(input === undefined ? {} : { input }), encoding: 'utf8' });
  const decrypt = (file: string, key = identity()) => execa(resolveBinary('age')!, ['--decrypt', '--identity', key, file], { reject: false, encoding: 'buffer' });

  it('backup.sh writes every part encrypted, and nothing of it in plaintext; old runs past retention go', async () => {
    const old = path.join(backups(), '20200101T000000Z');
    fs.mkdirSync(old, { recursive: true });
    const past = Date.now() / 1000 - 20 * 86400;
    fs.utimesSync(old, past, past);

    const r = await run('backup/backup.sh', []);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const runs = fs.readdirSync(backups());
    expect(runs).toHaveLength(1);
    stamp = runs[0]!;
    expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
    const dir = path.join(backups(), stamp);
    expect(fs.readdirSync(dir).sort()).toEqual(['files.tar.age', 'postgres-jett.dump.age', 'postgres-n8n.dump.age', 'qdrant-memories.snapshot.age']);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(dir)) {
      const bytes = fs.readFileSync(path.join(dir, f));
      expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
      expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
      for (const mark of Object.values(MARKS)) expect(bytes.includes(mark)).toBe(false);
      expect(bytes.includes(MARK)).toBe(false);
    }
    // Qdrant: snapshot made, downloaded, and deleted from the VPS again; every call carried the API key.
    expect(qdrant.seen).toEqual(['GET /collections', 'POST /collections/memories/snapshots', 'GET /collections/memories/snapshots/memories-0.snapshot', 'DELETE /collections/memories/snapshots/memories-0.snapshot']);
    expect(qdrant.snapshots.size).toBe(0);
    // Portainer was stopped for the copy of its database and started again.
    expect(calls()).toContain('docker compose stop portainer\ndocker compose start portainer\n');
    // pg_dump ran as jett_backup; its password was expanded inside the "container", never on a host command line.
    expect(calls()).toContain('docker compose exec -T postgres sh -c export PGPASSWORD="$JETT_BACKUP_DB_PASSWORD"; exec pg_dump -U jett_backup');
    const passwords = [...pgEnv].filter(([k]) => k.endsWith('_PASSWORD')).map(([, v]) => v);
    expect(passwords).toHaveLength(5);
    for (const password of passwords) expect(calls()).not.toContain(password);
    expect(fs.existsSync(old)).toBe(false);
  });

  it('each part decrypts with the desktop\'s key, and with no other key', async () => {
    const dir = path.join(backups(), stamp);
    const dump = await decrypt(path.join(dir, 'postgres-jett.dump.age'));
    expect(dump.exitCode).toBe(0);
    // A custom-format dump is compressed, so its row shows only once restored (next test).
    expect(Buffer.from(dump.stdout).subarray(0, 5).toString()).toBe('PGDMP');
    expect(Buffer.from((await decrypt(path.join(dir, 'qdrant-memories.snapshot.age'))).stdout).toString()).toContain(MARKS.qdrant);
    const files = path.join(tempDir(), 'files.tar');
    fs.writeFileSync(files, (await decrypt(path.join(dir, 'files.tar.age'))).stdout);
    const list = await execa(resolveBinary('tar')!, ['-tf', files]);
    expect(list.stdout.split('\n').sort()).toEqual(['n8n/', 'n8n/config', 'portainer/', 'portainer/portainer.db']);

    // The n8n database's dump holds n8n's own table, read by jett_backup without owning it.
    const n8nDump = path.join(tempDir(), 'n8n.dump');
    fs.writeFileSync(n8nDump, (await decrypt(path.join(dir, 'postgres-n8n.dump.age'))).stdout);
    const n8nSql = await execa(path.join(PG_BIN_DIR, 'pg_restore'), ['--data-only', '-f', '-', n8nDump]);
    expect(n8nSql.stdout).toContain(MARKS.n8nDb);

    const other = path.join(tempDir(), 'other.txt');
    fs.writeFileSync(other, `${generateAgeKeyPair().identity}\n`, { mode: 0o600 });
    const wrong = await decrypt(path.join(dir, 'postgres-jett.dump.age'), other);
    expect(wrong.exitCode).not.toBe(0);
    expect(Buffer.from(wrong.stderr).toString()).toMatch(/no identity matched any of the recipients/);
  });

  it('restore.sh takes the decrypted streams: the database, the Qdrant collection and the data folders come back', async () => {
    const dir = path.join(backups(), stamp);
    const plain = async (f: string) => Buffer.from((await decrypt(path.join(dir, f))).stdout);

    await admin.query('DELETE FROM notes');
    const pgRestore = await run('restore.sh', ['postgres', 'jett', '-'], await plain('postgres-jett.dump.age'));
    expect(pgRestore.stderr).toBe('');
    expect(pgRestore.exitCode).toBe(0);
    expect((await admin.query<{ t: string }>('SELECT t FROM notes')).rows).toEqual([{ t: MARKS.pg }]);
    // Restored as the owner role, so the desktop's and n8n's grants still apply to what comes back.
    expect((await admin.query("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")).rows).toEqual([{ tableowner: 'jett_owner' }]);

    const q = await run('restore.sh', ['qdrant', 'memories', '-'], await plain('qdrant-memories.snapshot.age'));
    expect(q.exitCode).toBe(0);
    expect(qdrant.uploads).toHaveLength(1);
    expect(qdrant.uploads[0]!.toString()).toContain(MARKS.qdrant);
    expect(qdrant.uploads[0]!.toString()).toContain('name="snapshot"');

    fs.writeFileSync(path.join(bundle.dir, 'data/portainer/portainer.db'), 'changed since the backup');
    const f = await run('restore.sh', ['files', '-'], await plain('files.tar.age'));
    expect(f.exitCode).toBe(0);
    expect(fs.readFileSync(path.join(bundle.dir, 'data/portainer/portainer.db'), 'utf8')).toBe(MARKS.portainer);
    const aside = fs.readdirSync(path.join(bundle.dir, 'data')).find((d) => d.startsWith('before-restore-'))!;
    expect(fs.readFileSync(path.join(bundle.dir, 'data', aside, 'portainer/portainer.db'), 'utf8')).toBe('changed since the backup');
  });

  it('restore.sh refuses a file that is still encrypted, and says where to decrypt it', async () => {
    const r = await run('restore.sh', ['postgres', 'jett', path.join(backups(), stamp, 'postgres-jett.dump.age')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('is still encrypted: decrypt it where its key is');
  });

  it('the backup role reads both databases and can change nothing in them; a wrong password gets it nowhere', async () => {
    const jett = asBackupRole('jett');
    await jett.connect();
    try {
      expect((await jett.query('SELECT t FROM notes')).rows).toEqual([{ t: MARKS.pg }]);
      for (const write of ["INSERT INTO notes VALUES ('x')", 'DELETE FROM notes', 'CREATE TABLE planted (t text)', 'DROP TABLE notes']) {
        await expect(jett.query(write)).rejects.toThrow(/permission denied|must be owner/);
      }
    } finally {
      await jett.end();
    }
    const n8n = asBackupRole('n8n');
    await n8n.connect();
    try {
      expect((await n8n.query('SELECT name FROM workflow_entity')).rows).toEqual([{ name: MARKS.n8nDb }]);
      await expect(n8n.query("UPDATE workflow_entity SET name = 'x'")).rejects.toThrow(/permission denied/);
    } finally {
      await n8n.end();
    }
    expect((await admin.query('SELECT count(*)::int AS n FROM notes')).rows).toEqual([{ n: 1 }]);
    await expect(asBackupRole('jett', 'not-its-password').connect()).rejects.toThrow(/password authentication failed for user "jett_backup"/);
  });

  it('backup.sh with a password the server does not take fails, says so, and keeps the earlier runs', async () => {
    const file = path.join(bundle.dir, 'env/postgres.env');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.replace(/^JETT_BACKUP_DB_PASSWORD=.*$/m, 'JETT_BACKUP_DB_PASSWORD=not-its-password'));
    try {
      const r = await run('backup/backup.sh', []);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/password authentication failed for user "jett_backup"/);
      expect(r.stderr).toContain('backup: error: pg_dump of jett failed; the earlier backups are kept');
      expect(fs.readdirSync(backups())).toEqual([stamp]);
    } finally {
      fs.writeFileSync(file, good);
    }
  });
});
