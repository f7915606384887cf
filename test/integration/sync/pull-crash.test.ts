// Crashes on the pull side: a child process pulling the VPS inbox is SIGKILLed after claiming requests and after
// storing them, before acknowledging; restarted, the desktop holds every request exactly once and acknowledges it.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import type { FailpointName } from '../../../main/core/sync/hooks.js';
import { runSyncChild } from '../../faults/harness.js';
import { describeWith } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { makeDesk, needsPostgres, tempDbFile, waitFor } from './fixture.js';

describeWith(needsPostgres, 'pull crash windows (child process, SIGKILL, real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  const localRequests = (file: string): string[] => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT request_id FROM inbox ORDER BY request_id').all() as { request_id: string }[]).map((r) => r.request_id);
    } finally {
      db.close();
    }
  };

  const windows: [FailpointName, number][] = [
    ['pull.after-claim', 0],
    ['pull.after-store', 3],
  ];
  for (const [point, storedBeforeKill] of windows) {
    it(`only redelivers after a SIGKILL at ${point}`, async () => {
      const file = tempDbFile();
      openLocalDb(file).close();
      const ids = ['a', 'b', 'c'].map((x) => `${point}-${x}`);
      for (const id of ids) await pgc.query(`INSERT INTO desktop_inbox (request_id, kind, payload) VALUES ($1, 'notify', '{}')`, [id]);

      const cfg = { db: file, pg: pgc.connection(), from: 0, count: 0, batchRows: 5000, pauseMs: 0, drainTimeoutMs: 20_000, leaseS: 1, waitInbox: ids.length, logFile: path.join(path.dirname(file), 'child.log') };
      const out = await runSyncChild(cfg, { failpoint: `${point}@1` }).done;
      expect(out).toMatchObject({ killed: true, failpoint: point });
      const states = await pgc.query<{ state: string }>('SELECT state FROM desktop_inbox WHERE request_id = ANY($1)', [ids]);
      expect(states.rows.map((r) => r.state)).toEqual(['leased', 'leased', 'leased']);
      expect(localRequests(file)).toHaveLength(storedBeforeKill);

      // Restarted on the same database: once the lease runs out, the requests come again and are acknowledged.
      const d = makeDesk({ pool: () => pgc.pool(), file, options: { pollMs: 300, leaseS: 1 } });
      try {
        d.service.start();
        await waitFor(async () => (await pgc.query(`SELECT 1 FROM desktop_inbox WHERE request_id = ANY($1) AND state = 'delivered'`, [ids])).rowCount === ids.length, 'delivery after the restart');
      } finally {
        await d.close();
      }
      expect(localRequests(file)).toEqual(ids);
      const attempts = await pgc.query<{ attempts: number }>('SELECT attempts FROM desktop_inbox WHERE request_id = ANY($1)', [ids]);
      expect(attempts.rows.map((r) => r.attempts)).toEqual([2, 2, 2]);
    }, 60_000);
  }
});
