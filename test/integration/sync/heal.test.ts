// Link faults between the desktop and PostgreSQL through the fault proxy: after a cut heals the backlog drains with
// no new local write; a reset in the middle of a batch and a blackholed link lose nothing and apply nothing twice.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { StatusSnapshotSchema, type StatusSnapshot } from '../../../main/core/contracts/status.js';
import { describeWith } from '../../helpers/requirements.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { makeDesk, needsPostgres, serverEvents, waitFor, type Desk } from './fixture.js';

describeWith(needsPostgres, 'sync across link faults (real PostgreSQL 15, fault proxy)', () => {
  let pgc: TestPostgres;
  let proxy: FaultProxy;
  let desk: Desk | null = null;

  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterEach(async () => {
    await desk?.close();
    desk = null;
    await proxy?.close();
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  async function deskThroughProxy(queryMs = 5000) {
    proxy = await startFaultProxy({ host: pgc.db.host, port: pgc.db.port });
    desk = makeDesk({
      pool: () => pgc.pool({ host: proxy.host, port: proxy.port }, { connectMs: 1000, queryMs }),
      // The poll is an hour away, so only the backoff timer can be what retries.
      options: { backoffBaseMs: 100, backoffCapMs: 1000, pollMs: 3_600_000 },
    });
    return desk;
  }

  function appendMany(d: Desk, n: number, size = 100): string[] {
    return d.outbox.transaction(() => Array.from({ length: n }, (_, i) => d.outbox.append('test.event', { i, pad: 'q'.repeat(size) }).eventId));
  }

  async function expectExactlyOnce(d: Desk, ids: string[]) {
    const rows = await serverEvents(pgc, d.outbox.clientId);
    expect(rows.map((r) => r.eventId)).toEqual(ids);
    expect(d.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
  }

  it('drains the backlog after the link heals, with no new local write and no tunnel-up', async () => {
    const d = await deskThroughProxy();
    const counts: StatusSnapshot['outbox'][] = [];
    d.bus.on('outbox.counts', (c) => counts.push(StatusSnapshotSchema.shape.outbox.parse(c)));
    d.service.start();
    proxy.drop();
    const ids = appendMany(d, 500);
    await waitFor(() => d.outbox.detail().lastError !== null, 'a failed push');
    let writesAfterHeal = 0;
    d.outbox.onAppend(() => writesAfterHeal++);
    expect(d.outbox.counts().pending).toBe(500);
    proxy.heal();
    await waitFor(() => d.outbox.counts().pending === 0, 'the backlog to drain after the heal');
    expect(writesAfterHeal).toBe(0);
    await expectExactlyOnce(d, ids);
    // The tray and the window saw the backlog and then its end, through the bus.
    expect(counts.some((c) => c.pending === 500 && c.lastSuccessAt === null)).toBe(true);
    expect(counts.at(-1)).toMatchObject({ pending: 0, dead: 0, oldestPendingAgeS: null });
    expect(d.logs.some((l) => l.includes('push failed; will retry'))).toBe(true);
  });

  it('loses nothing and applies nothing twice when the connection is reset in the middle of a 1 MB batch', async () => {
    const d = await deskThroughProxy();
    const ids = appendMany(d, 3000, 300);
    proxy.resetAfterBytes(200_000);
    d.service.start();
    await waitFor(() => d.outbox.counts().pending === 0, 'the batch to go through after the reset');
    await expectExactlyOnce(d, ids);
    expect(d.logs.some((l) => l.includes('push failed') && /ECONNRESET|terminated/i.test(l))).toBe(true);
  });

  it('times out a blackholed push, and once packets flow again delivers every event exactly once', async () => {
    const d = await deskThroughProxy(1500);
    d.service.start();
    await waitFor(async () => (await serverEvents(pgc, d.outbox.clientId)).length === 0 && d.outbox.counts().pending === 0, 'an idle start');
    proxy.blackhole();
    const ids = appendMany(d, 2000);
    await waitFor(() => d.outbox.detail().lastError !== null, 'the blackholed push to time out');
    proxy.heal();
    await waitFor(() => d.outbox.counts().pending === 0, 'the drain after the blackhole');
    await expectExactlyOnce(d, ids);
  });

  it('cuts a push stuck in a dead link on tunnel-down, and on tunnel-up drains at once, exactly once', async () => {
    // A query timeout far beyond the test's wait: only the cut can end the stuck push.
    const d = await deskThroughProxy(600_000);
    d.service.start();
    // One push first, so the next one goes out on an open connection (as after hours of uptime), not a new one.
    const first = appendMany(d, 1);
    await waitFor(() => d.outbox.counts().pending === 0, 'the first push');
    proxy.blackhole();
    const ids = [...first, ...appendMany(d, 1000)];
    await new Promise((r) => setTimeout(r, 300));
    expect(d.outbox.detail().lastError).toBeNull();
    d.service.onTunnelDown();
    await waitFor(() => d.outbox.detail().lastError !== null, 'the stuck push to be cut');
    expect(d.outbox.detail().lastError).toMatch(/the tunnel went down/);
    proxy.heal();
    d.service.onTunnelUp();
    await waitFor(() => d.outbox.counts().pending === 0, 'the drain after tunnel-up');
    await expectExactlyOnce(d, ids);
  });
});
