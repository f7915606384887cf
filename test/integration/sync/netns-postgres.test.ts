// The PostgreSQL harness inside a network namespace, bound to the VPS's address there, as `jett demo` runs it: the
// desktop namespace reaches it over the underlay, the root namespace does not, and admin works over the socket.
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { PG_BIN_DIR } from '../../../main/harness/postgres/cluster.js';
import { createNetnsPair, UNDERLAY } from '../../helpers/netns.js';
import { startPostgres } from '../../helpers/postgres.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { needsPostgres } from './fixture.js';

describeWith([root, binary('ip'), ...needsPostgres], 'PostgreSQL in a network namespace', () => {
  it('listens on the VPS address inside its namespace only, with the Jett schema applied', async () => {
    const pair = await createNetnsPair({ prefix: 'jq' });
    try {
      const pgc = await startPostgres({ netns: pair.ns.vps, host: UNDERLAY.vps, allowFrom: [`${UNDERLAY.desktop}/32`] });
      try {
        expect(pgc.db.host).toBe(UNDERLAY.vps);
        const psql = path.join(PG_BIN_DIR, 'psql');
        const args = ['-h', UNDERLAY.vps, '-p', String(pgc.db.port), '-U', pgc.db.user, '-d', pgc.db.database, '-At', '-c'];
        const env = { PGPASSWORD: pgc.db.password, PGCONNECT_TIMEOUT: '5' };
        const addr = await pair.exec('desktop', psql, [...args, 'SELECT inet_server_addr()'], { env });
        expect(addr.stdout.trim()).toBe(UNDERLAY.vps);
        const tables = await pair.exec('desktop', psql, [...args, `SELECT count(*) FROM jett_schema_migrations WHERE version = 1`], { env });
        expect(tables.stdout.trim()).toBe('1');
        // Nothing listens on that port in the root namespace.
        const outside = new pg.Client({ ...pgc.connection({ host: '127.0.0.1' }), connectionTimeoutMillis: 2000 });
        await expect(outside.connect()).rejects.toThrow(/ECONNREFUSED|timeout/);
        await outside.end().catch(() => undefined);
      } finally {
        await pgc.stop();
      }
    } finally {
      await pair.destroy();
    }
  }, 60_000);
});
