// The short form of bench:agent's backlog, for CI: 20,000 pending events drained by the agent's sync in a child
// process, through the latency proxy, to a real PostgreSQL. It checks correctness only (every event once, in order,
// the status counts right before and after); the timings and the RSS are the benchmark's, never asserted here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { buildBacklog, checkServer, drainInChild, measureStatus } from '../../bench/backlog.js';
import { startProxy } from '../../bench/sync-parts.js';
import { describeWith } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { needsPostgres } from './fixture.js';

const EVENTS = 20_000;

describeWith(needsPostgres, 'a backlog drained by the agent sync in its own process (bench:agent short form, real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  let dir: string;

  beforeAll(async () => {
    pgc = await startPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-backlog-'));
  });
  afterAll(async () => {
    await pgc?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every pending event exactly once and in order, and the status counts follow', async () => {
    const database = path.join(dir, 'jett.db');
    const clientId = buildBacklog(database, EVENTS);
    expect(measureStatus(database, 3).pending).toBe(EVENTS);

    const proxy = await startProxy({ host: pgc.db.host, port: pgc.db.port }, 2);
    let drain;
    try {
      drain = await drainInChild(database, pgc.connection({ host: '127.0.0.1', port: proxy.port }));
    } finally {
      proxy.stop();
    }
    expect(drain.pushed).toBe(EVENTS);
    expect(await checkServer(pgc, clientId, EVENTS)).toEqual({ rows: EVENTS, lost: 0, duplicated: 0, reordered: 0, rejected: 0 });

    const local = openLocalDb(database);
    try {
      expect(new Outbox(local).detail()).toMatchObject({ pending: 0, sent: EVENTS, dead: 0, oldestPendingAgeS: null });
    } finally {
      local.close();
    }
  });
});
