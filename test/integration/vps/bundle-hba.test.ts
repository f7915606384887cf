// The bundle's pg_hba.conf on a real PostgreSQL 15 listening on the VPS address inside a namespace pair: the
// superuser is refused over TCP from the desktop and from the VPS's own networks even with its right password; each
// role gets in only from where it connects on a real VPS; local connections are the superuser's, as its own uid,
// and the backup role's, with its password.
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PG_BIN_DIR } from '../../../main/core/db/pg-cluster.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { createNetnsPair, UNDERLAY, type NetnsPair } from '../../helpers/netns.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { makeBundle } from './make-bundle.js';

const PSQL = path.join(PG_BIN_DIR, 'psql');
const SUPERUSER_PASSWORD = 'the-right-superuser-password';

describeWith([root, binary('ip'), binary('runuser'), binary(PSQL), binary(`${PG_BIN_DIR}/postgres`)], 'the bundle\'s pg_hba.conf (PostgreSQL 15 in a namespace pair)', () => {
  let pair: NetnsPair;
  let pgc: TestPostgres;
  let admin: pg.Client;

  beforeAll(async () => {
    pair = await createNetnsPair({ prefix: 'jh' });
    // The desktop's tunnel address is the desktop namespace's address, so the hba lines name it.
    const bundle = await makeBundle({ 'tunnel.address': `${UNDERLAY.desktop}/${UNDERLAY.prefix}`, 'tunnel.peerAddress': UNDERLAY.vps });
    pgc = await startPostgres({ netns: pair.ns.vps, host: UNDERLAY.vps, allowFrom: [`${UNDERLAY.desktop}/32`] });
    admin = await pgc.admin();
    await admin.query(`ALTER ROLE postgres PASSWORD '${SUPERUSER_PASSWORD}'`);
    // The session opened above stays; every new connection from here on goes through the bundle's file.
    fs.copyFileSync(path.join(bundle.dir, 'postgres/pg_hba.conf'), path.join(pgc.cluster.dir, 'data', 'pg_hba.conf'));
    await admin.query('SELECT pg_reload_conf()');
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await pgc?.stop();
    await pair?.destroy();
  });

  const psql = (side: 'desktop' | 'vps', user: string, password: string, host: string = UNDERLAY.vps) =>
    pair.runner(side).run(PSQL, ['-h', host, '-p', String(pgc.db.port), '-U', user, '-d', pgc.db.database, '-XAtc', 'SELECT current_user'], {
      env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '5', PATH: '/usr/bin:/bin' },
    });
  const refused = (user: string, from: string) => new RegExp(`pg_hba.conf rejects connection for host "${from.replace(/\./g, '\\.')}", user "${user}"|no pg_hba.conf entry for host "${from.replace(/\./g, '\\.')}", user "${user}"`);

  it('parses without an error, and SCRAM is the only password method', async () => {
    const rules = await admin.query<{ error: string | null; auth_method: string }>('SELECT error, auth_method FROM pg_hba_file_rules');
    expect(rules.rows.filter((r) => r.error !== null)).toEqual([]);
    expect([...new Set(rules.rows.map((r) => r.auth_method))].sort()).toEqual(['peer', 'reject', 'scram-sha-256']);
  });

  it('refuses the superuser over TCP from the desktop and from the VPS side, with its right password', async () => {
    for (const [side, from] of [['desktop', UNDERLAY.desktop], ['vps', UNDERLAY.vps]] as const) {
      const r = await psql(side, 'postgres', SUPERUSER_PASSWORD);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(refused('postgres', from));
    }
  });

  it('lets the desktop role in from the desktop\'s tunnel address only, and no other role from there', async () => {
    const ok = await psql('desktop', pgc.db.user, pgc.db.password);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe(pgc.db.user);
    for (const role of [pgc.roles.n8n, pgc.roles.backup]) {
      const r = await psql('desktop', role.user, role.password);
      expect(r.stderr).toMatch(refused(role.user, UNDERLAY.desktop));
    }
    // From the VPS's own networks, the desktop's password is worth nothing.
    expect((await psql('vps', pgc.db.user, pgc.db.password)).stderr).toMatch(refused(pgc.db.user, UNDERLAY.vps));
  });

  it('lets n8n\'s role in from the networks the server is on (its containers\' networks on a VPS), and not the backup\'s', async () => {
    const n8n = await psql('vps', pgc.roles.n8n.user, pgc.roles.n8n.password);
    expect(n8n.stderr).toBe('');
    expect(n8n.stdout.trim()).toBe(pgc.roles.n8n.user);
    // The backups run pg_dump inside the postgres container, on its socket: over TCP the backup role is refused.
    const backup = await psql('vps', pgc.roles.backup.user, pgc.roles.backup.password);
    expect(backup.stderr).toMatch(refused(pgc.roles.backup.user, UNDERLAY.vps));
  });

  it('takes local connections from the superuser as the server\'s own uid, and from the backup role with its password', async () => {
    const socket = pgc.cluster.socketDir;
    const asRoot = await psql('vps', 'postgres', SUPERUSER_PASSWORD, socket);
    expect(asRoot.stderr).toMatch(/Peer authentication failed for user "postgres"/);
    const desktopLocal = await psql('vps', pgc.db.user, pgc.db.password, socket);
    expect(desktopLocal.stderr).toMatch(/no pg_hba.conf entry for host "\[local\]", user "jett"/);
    const n8nLocal = await psql('vps', pgc.roles.n8n.user, pgc.roles.n8n.password, socket);
    expect(n8nLocal.stderr).toMatch(/no pg_hba.conf entry for host "\[local\]", user "jett_n8n"/);
    const backup = await psql('vps', pgc.roles.backup.user, pgc.roles.backup.password, socket);
    expect(backup.stderr).toBe('');
    expect(backup.stdout.trim()).toBe('jett_backup');
    const backupWrong = await psql('vps', pgc.roles.backup.user, SUPERUSER_PASSWORD, socket);
    expect(backupWrong.stderr).toMatch(/password authentication failed for user "jett_backup"/);
    const runuser = resolveBinary('runuser')!;
    const asPostgres = await pair.runner('vps').run(runuser, ['-u', 'postgres', '--', PSQL, '-h', socket, '-p', String(pgc.db.port), '-U', 'postgres', '-d', pgc.db.database, '-XAtc', 'SELECT current_user'], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(asPostgres.stderr).toBe('');
    expect(asPostgres.stdout.trim()).toBe('postgres');
  });
});
