// `jett outbox status|retry-dead` and `jett sync once` as a user runs them, against a real PostgreSQL, with the
// password in the secret store and the server in config postgres.*. `sync once` reaches the database only through
// the tunnel (the CLI always checks the route), so its push runs in a namespace pair with WireGuard up.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OutboxStatusSchema, RetryDeadResultSchema } from '../../../main/core/contracts/outbox.js';
import { SyncOnceResultSchema } from '../../../main/core/contracts/sync.js';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import { loadMigrations, migrationsDir } from '../../../main/core/db/resources.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { jett } from '../../helpers/cli.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair, type VpsTunnel } from '../../helpers/netns.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/tmp.js';
import { needsPostgres } from './fixture.js';

const appendTo = (home: string, items: unknown[]) => {
  const local = openLocalDb(path.join(home, 'jett.db'));
  try {
    const outbox = new Outbox(local);
    return items.map((p) => outbox.append('test.event', p));
  } finally {
    local.close();
  }
};

describeWith(needsPostgres, 'jett outbox / jett sync (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  let home: string;

  beforeAll(async () => {
    pgc = await startPostgres();
    home = tempDir('jett-cli-sync-');
    for (const [k, v] of [
      ['postgres.host', pgc.db.host],
      ['postgres.port', String(pgc.db.port)],
      ['postgres.database', pgc.db.database],
      ['postgres.user', pgc.db.user],
    ] as const) {
      expect((await jett(['config', 'set', k, v], { home })).code).toBe(0);
    }
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  const appendSome = (items: unknown[]) => appendTo(home, items);

  it('shows an empty outbox, then what waits, as JSON that matches its schema', async () => {
    const empty = await jett(['outbox', 'status', '--json'], { home });
    expect(empty.code).toBe(0);
    expect(OutboxStatusSchema.parse(JSON.parse(empty.stdout))).toMatchObject({ pending: 0, dead: 0, sent: 0, lastSuccessAt: null, inboxPending: 0 });
    expect(fs.statSync(path.join(home, 'jett.db')).mode & 0o077).toBe(0);
    appendSome([{ i: 1 }, { i: 2 }, { text: 'bad \u0000' }]);
    const s = OutboxStatusSchema.parse(JSON.parse((await jett(['outbox', 'status', '--json'], { home })).stdout));
    expect(s.pending).toBe(3);
    expect(s.oldestPendingAgeS).not.toBeNull();
    const text = await jett(['outbox', 'status'], { home });
    expect(text.stdout).toMatch(/pending\s+3/);
  });

  it('refuses `sync once` without the password secret, with the command that sets it', async () => {
    const r = await jett(['sync', 'once'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('postgres.password');
    expect(r.stderr).toContain('jett secret set postgres.password');
  });

  it('refuses `sync once` to a database that is not behind the tunnel (here: loopback), naming the fix', async () => {
    expect((await jett(['secret', 'set', 'postgres.password'], { home, stdin: pgc.db.password })).code).toBe(0);
    const r = await jett(['sync', 'once'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the tunnel is down (interface jett0 does not exist), so Jett does not connect to the VPS database at ${pgc.db.host}`);
    expect(r.stderr).toContain('jett tunnel up');
    expect((await pgc.query('SELECT 1 FROM events')).rowCount).toBe(0);
  });

  it('syncs nothing against a VPS schema behind this Jett, and says what to run on the VPS', async () => {
    const latest = loadMigrations(migrationsDir('server')).at(-1)!;
    await pgc.query('DELETE FROM jett_schema_migrations WHERE version = $1', [latest.version]);
    try {
      const before = (await pgc.query('SELECT 1 FROM events')).rowCount;
      appendSome([{ after: 'behind' }]);
      const r = await jett(['sync', 'once'], { home });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`schema is at version ${latest.version - 1} and this Jett needs ${latest.version}`);
      expect(r.stderr).toContain('/opt/jett/apply-migrations.sh');
      expect((await pgc.query('SELECT 1 FROM events')).rowCount).toBe(before);
      const status = OutboxStatusSchema.parse(JSON.parse((await jett(['outbox', 'status', '--json'], { home })).stdout));
      expect(status.pending).toBeGreaterThan(0);
      expect(status.lastError).toContain(`this Jett needs ${latest.version}`);
    } finally {
      await pgc.query(`INSERT INTO jett_schema_migrations (version, name, oldest_compatible) VALUES ($1, $2, 1)`, [latest.version, latest.name]);
    }
  });

  it('reports a corrupt database with the file name and a fix, exit code 1, and leaves the file alone', async () => {
    const bad = tempDir('jett-cli-bad-');
    fs.writeFileSync(path.join(bad, 'jett.db'), 'garbage');
    const r = await jett(['outbox', 'status'], { home: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DatabaseError');
    expect(r.stderr).toContain('fix:');
    expect(fs.readFileSync(path.join(bad, 'jett.db'), 'utf8')).toBe('garbage');
  });
});

describeWith([root, binary('ip'), binary('wg-quick'), binary('wireguard-go'), ...needsPostgres], 'jett sync once through a real WireGuard tunnel', () => {
  let pair: NetnsPair;
  let vps: VpsTunnel;
  let pgc: TestPostgres;
  let home: string;
  const syncOnce = () => pair.runner('desktop').run(process.execPath, [path.resolve('bin/jett.mjs'), 'sync', 'once', '--json'], { env: { JETT_HOME: home }, timeoutMs: 60_000 });

  beforeAll(async () => {
    pair = await createNetnsPair({ prefix: 'jc' });
    vps = await startVpsTunnel(pair);
    await pair.wgQuickUp('desktop', vps.desktopIface, vps.desktopConfigText);
    pgc = await startPostgres({ netns: pair.ns.vps, host: TUNNEL.vps, allowFrom: [`${TUNNEL.desktop}/32`] });
    home = tempDir('jett-cli-tunnel-');
    for (const [k, v] of [
      ['tunnel.interface', vps.desktopIface],
      ['postgres.host', TUNNEL.vps],
      ['postgres.port', String(pgc.db.port)],
      ['postgres.database', pgc.db.database],
      ['postgres.user', pgc.db.user],
    ] as const) {
      expect((await jett(['config', 'set', k, v], { home })).code).toBe(0);
    }
    expect((await jett(['secret', 'set', 'postgres.password'], { home, stdin: pgc.db.password })).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await pgc?.stop();
    await pair?.destroy();
  });

  it('pushes everything with `sync once`, then re-queues the rejected row with `retry-dead`', async () => {
    appendTo(home, [{ i: 1 }, { i: 2 }, { text: 'bad \u0000' }]);
    const r = await syncOnce();
    expect(r.stderr).toBe('');
    expect(SyncOnceResultSchema.parse(JSON.parse(r.stdout))).toEqual({ pushed: 2, rejected: 1, pulled: 0, handled: 0, lastSeq: 3, pending: 0, dead: 1 });
    const s = OutboxStatusSchema.parse(JSON.parse((await jett(['outbox', 'status', '--json'], { home })).stdout));
    expect(s).toMatchObject({ pending: 0, dead: 1, sent: 2 });
    expect(s.lastSuccessAt).not.toBeNull();
    expect((await pgc.query('SELECT 1 FROM events')).rowCount).toBe(2);
    const retry = await jett(['outbox', 'retry-dead', '--json'], { home });
    expect(RetryDeadResultSchema.parse(JSON.parse(retry.stdout))).toEqual({ requeued: 1 });
    expect(OutboxStatusSchema.parse(JSON.parse((await jett(['outbox', 'status', '--json'], { home })).stdout))).toMatchObject({ pending: 1, dead: 0 });
    // The password never shows in what the user sees or in the log.
    const log = fs.readFileSync(path.join(home, 'logs', 'jett.log'), 'utf8');
    expect(log).not.toContain(pgc.db.password);
  }, 120_000);

  it('refuses again once the tunnel is taken down, and the rows wait in the outbox', async () => {
    await pair.wgQuickDown('desktop', vps.desktopIface);
    appendTo(home, [{ i: 4 }]);
    const r = await syncOnce();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`the tunnel is down (interface ${vps.desktopIface} does not exist)`);
    expect(OutboxStatusSchema.parse(JSON.parse((await jett(['outbox', 'status', '--json'], { home })).stdout)).pending).toBe(2);
  }, 60_000);
});
