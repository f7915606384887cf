// Pull of the VPS inbox: NOTIFY rings the bell, the poll and tunnel-up catch what it misses, a crash between storing
// and acknowledging only redelivers, and results go back through the outbox and close the request on the server.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { FailpointName } from '../../../main/core/sync/hooks.js';
import type { InboxRequest } from '../../../main/core/sync/inbox-store.js';
import { describeWith } from '../../helpers/requirements.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { makeDesk, needsPostgres, waitFor, type Desk, type DeskOptions } from './fixture.js';

describeWith(needsPostgres, 'sync pull (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  let desk: Desk | null = null;

  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterEach(async () => {
    await desk?.close();
    desk = null;
    await pgc.query('DELETE FROM desktop_inbox');
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  const open = (opts: Partial<DeskOptions>) => (desk = makeDesk({ pool: () => pgc.pool(), ...opts }));
  const queue = (requestId: string, kind = 'notify', payload: unknown = { title: 'Jett', body: 'hello' }) =>
    pgc.query('INSERT INTO desktop_inbox (request_id, kind, payload) VALUES ($1, $2, $3)', [requestId, kind, JSON.stringify(payload)]);
  const serverRow = async (requestId: string) =>
    (await pgc.query<{ state: string; attempts: number; result: unknown }>('SELECT state, attempts, result FROM desktop_inbox WHERE request_id = $1', [requestId])).rows[0];
  const listening = async () =>
    Number((await pgc.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'LISTEN jett_desktop_inbox'`)).rows[0]!.n) > 0;

  it('hears a queued request through NOTIFY, hands it to the handler once, and the result closes it on the server', async () => {
    const seen: InboxRequest[] = [];
    const d = open({
      handler: async (req) => {
        seen.push(req);
        return { ok: true, result: { shown: true } };
      },
      options: { pollMs: 3_600_000 },
    });
    const counts: number[] = [];
    d.bus.on('inbox.counts', (c) => counts.push(c.pending));
    d.service.start();
    await waitFor(listening, 'LISTEN');
    await queue('req-1', 'notify', { title: 'Build', body: 'green' });
    await waitFor(async () => (await serverRow('req-1'))?.state === 'answered', 'the request to be answered');
    expect(seen.map((r) => [r.requestId, r.kind, r.payload])).toEqual([['req-1', 'notify', { title: 'Build', body: 'green' }]]);
    expect(await serverRow('req-1')).toMatchObject({ state: 'answered', attempts: 1, result: { request_id: 'req-1', ok: true, result: { shown: true } } });
    const ev = await pgc.query<{ payload: unknown }>(`SELECT payload FROM events WHERE client_id = $1 AND kind = 'inbox.result'`, [d.outbox.clientId]);
    expect(ev.rows.map((r) => r.payload)).toEqual([{ request_id: 'req-1', ok: true, result: { shown: true } }]);
    expect(counts).toContain(1);
    expect(d.inbox.pending()).toBe(0);
  });

  it('answers a handler that throws with ok:false and the error, so the VPS learns it failed', async () => {
    const d = open({ handler: async () => Promise.reject(new Error('no speaker')), options: { pollMs: 3_600_000 } });
    await queue('req-fail', 'speak', { text: 'hi' });
    d.service.start();
    await waitFor(async () => (await serverRow('req-fail'))?.state === 'answered', 'the failed request to be answered');
    expect((await serverRow('req-fail'))!.result).toEqual({ request_id: 'req-fail', ok: false, error: 'no speaker' });
  });

  it('only redelivers after a crash between storing and acknowledging: stored once, claimed again after the lease', async () => {
    let crashes = 0;
    const hooks = {
      at(point: FailpointName) {
        if (point === 'pull.after-store' && crashes++ === 0) throw new Error('crash between store and ack');
      },
    };
    const d = open({ hooks, options: { pollMs: 300, leaseS: 1 } });
    await queue('req-2');
    d.service.start();
    await waitFor(async () => (await serverRow('req-2'))?.state === 'delivered', 'delivery after the lease expired', 15_000);
    expect((await serverRow('req-2'))!.attempts).toBe(2);
    expect(d.local.db.prepare('SELECT request_id FROM inbox').all()).toEqual([{ request_id: 'req-2' }]);
    expect(d.inbox.pending()).toBe(1);
  });

  it('catches a request whose notification never came, on the next poll', async () => {
    await pgc.query('ALTER TABLE desktop_inbox DISABLE TRIGGER desktop_inbox_notify');
    try {
      const d = open({ options: { pollMs: 300 } });
      d.service.start();
      // Past the pull that start() makes, so only the poll can find it.
      await new Promise((r) => setTimeout(r, 500));
      await queue('req-3');
      await waitFor(() => d.inbox.pending() === 1, 'the poll to pull the request');
      expect((await serverRow('req-3'))!.state).toBe('delivered');
    } finally {
      await pgc.query('ALTER TABLE desktop_inbox ENABLE TRIGGER desktop_inbox_notify');
    }
  });

  it('waits while the tunnel is down, and pulls at once when it comes up', async () => {
    const d = open({ options: { pollMs: 3_600_000 } });
    d.service.start();
    d.service.onTunnelDown();
    await queue('req-4');
    await new Promise((r) => setTimeout(r, 500));
    expect(d.inbox.pending()).toBe(0);
    expect((await serverRow('req-4'))!.state).toBe('queued');
    d.service.onTunnelUp();
    await waitFor(() => d.inbox.pending() === 1, 'the pull on tunnel-up');
  });
});
