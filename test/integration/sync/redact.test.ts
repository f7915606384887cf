// Deletion end to end against a real PostgreSQL 15 with the server migrations applied: turns deleted while offline are
// gone locally at once and on the VPS after the link heals; seqs stay contiguous, nothing doubled or lost; a turn
// deleted before its push never crosses the wire with its text; a malformed tombstone is one rejected row.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { REDACT_KIND } from '../../../main/core/contracts/redaction.js';
import { batchRows } from '../../../main/core/outbox/store.js';
import { VoiceHistory } from '../../../main/core/voice/history.js';
import { VoiceStore } from '../../../main/core/voice/store.js';
import { voiceTurn } from '../../helpers/event-samples.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { describeWith } from '../../helpers/requirements.js';
import { makeDesk, needsPostgres, serverEvents, type Desk } from './fixture.js';

/** A loopback TCP relay to PostgreSQL that keeps every byte the desktop sends: what crossed the wire. */
async function startTap(target: { host: string; port: number }): Promise<{ port: number; sent: () => string; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (b) => chunks.push(Buffer.from(b)));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sent: () => Buffer.concat(chunks).toString('utf8'),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeWith(needsPostgres, 'deleting voice history, offline and online (real PostgreSQL 15)', () => {
  let pgc: TestPostgres;
  let proxy: FaultProxy | null = null;
  const desks: Desk[] = [];

  beforeAll(async () => {
    pgc = await startPostgres();
  });
  afterEach(async () => {
    for (const d of desks.splice(0)) await d.close();
    await proxy?.close();
    proxy = null;
  });
  afterAll(async () => {
    await pgc?.stop();
  });

  async function deskThroughProxy() {
    proxy = await startFaultProxy({ host: pgc.db.host, port: pgc.db.port });
    const p = proxy;
    const d = makeDesk({ pool: () => pgc.pool({ host: p.host, port: p.port }, { connectMs: 1000, queryMs: 5000 }), options: { pollMs: 3_600_000 } });
    desks.push(d);
    return withHistory(d);
  }

  function withHistory(d: Desk) {
    const store = new VoiceStore(d.local.db);
    const history = new VoiceHistory(d.local.db, d.outbox);
    const turn = (n: number, transcript: string) => {
      const record = { ...voiceTurn(`turn-${n}`, 900), transcript, reply: `answer about ${transcript}`, at: new Date(Date.UTC(2026, 10, 29, 10, 0, n)).toISOString() };
      store.save(record);
      return d.outbox.append('voice.turn', record);
    };
    return { d, history, turn };
  }

  /** Every local outbox row, whatever its state, in seq order. */
  const localRows = (d: Desk) => d.local.db.prepare('SELECT seq, event_id AS eventId, kind, payload FROM outbox ORDER BY seq').all() as { seq: number; eventId: string; kind: string; payload: string }[];

  async function expectInSync(d: Desk) {
    const server = await serverEvents(pgc, d.outbox.clientId);
    const local = localRows(d);
    // Contiguous from 1, the same events under the same seqs on both sides, each once.
    expect(server.map((r) => r.seq)).toEqual(local.map((_, i) => i + 1));
    expect(server.map((r) => [r.seq, r.eventId, r.kind])).toEqual(local.map((r) => [r.seq, r.eventId, r.kind]));
    expect(server.map((r) => r.payload)).toEqual(local.map((r) => JSON.parse(r.payload)));
    expect(d.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
    return server;
  }

  it('one turn deleted while offline: gone here at once, redacted on the VPS after reconnecting, seqs contiguous', async () => {
    const { d, history, turn } = await deskThroughProxy();
    turn(1, 'the weather tomorrow');
    turn(2, 'my door code is 8812');
    turn(3, 'the train to Leeds');
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 3 });
    expect(JSON.stringify(await serverEvents(pgc, d.outbox.clientId))).toContain('door code is 8812');

    proxy!.drop();
    const result = history.delete({ ids: ['turn-2'] });
    expect(result).toMatchObject({ outboxRows: 1, localRows: 1, tombstones: [4] });
    expect(history.list().map((t) => t.id)).toEqual(['turn-3', 'turn-1']);
    await expect(d.service.syncOnce()).rejects.toThrow();
    expect(d.outbox.counts().pending).toBe(1);

    proxy!.heal();
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 1, rejected: 0, lastSeq: 4 });
    const server = await expectInSync(d);
    expect(server[1]).toMatchObject({ seq: 2, kind: 'voice.turn', payload: { id: 'turn-2', redacted: true } });
    expect(server[3]).toMatchObject({ seq: 4, kind: REDACT_KIND, payload: { kind: 'voice.turn', ids: ['turn-2'], all: false, reason: 'user deleted' } });
    expect((server[0]!.payload as { transcript: string }).transcript).toBe('the weather tomorrow');
    const leaks = await pgc.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE payload::text LIKE '%8812%'`);
    expect(Number(leaks.rows[0]!.n)).toBe(0);
  });

  it('all turns deleted while offline: every earlier turn redacted on the VPS; a turn recorded after the deletion kept', async () => {
    const { d, history, turn } = await deskThroughProxy();
    for (let n = 1; n <= 4; n++) turn(n, `private thing ${n}`);
    d.outbox.append('note', { id: 'turn-1', text: 'another kind, kept' });
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 5 });
    proxy!.drop();
    turn(5, 'private thing 5, never pushed');
    expect(history.delete({ all: true })).toMatchObject({ all: true, outboxRows: 5, localRows: 5, tombstones: [7] });
    turn(8, 'asked after the deletion');
    expect(history.list().map((t) => t.transcript)).toEqual(['asked after the deletion']);
    await expect(d.service.syncOnce()).rejects.toThrow();

    proxy!.heal();
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 3, rejected: 0, lastSeq: 8 });
    const server = await expectInSync(d);
    expect(server.filter((r) => r.kind === 'voice.turn').map((r) => r.payload)).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => ({ id: `turn-${n}`, redacted: true })),
      expect.objectContaining({ id: 'turn-8', transcript: 'asked after the deletion' }),
    ]);
    expect(server.find((r) => r.kind === 'note')!.payload).toEqual({ id: 'turn-1', text: 'another kind, kept' });
    const leaks = await pgc.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE payload::text LIKE '%private thing%'`);
    expect(Number(leaks.rows[0]!.n)).toBe(0);
  });

  it('a turn deleted before it was pushed never crosses the wire with its text', async () => {
    const tap = await startTap({ host: pgc.db.host, port: pgc.db.port });
    try {
      const d = makeDesk({ pool: () => pgc.pool({ host: '127.0.0.1', port: tap.port }), options: { pollMs: 3_600_000 } });
      desks.push(d);
      const { history, turn } = withHistory(d);
      turn(1, 'a harmless question');
      turn(2, 'the safe combination is 31-17-45');
      history.delete({ ids: ['turn-2'] });
      expect(await d.service.syncOnce()).toMatchObject({ pushed: 3, rejected: 0 });
      expect(tap.sent()).toContain('a harmless question');
      expect(tap.sent()).not.toContain('31-17-45');
      const server = await expectInSync(d);
      expect(server.map((r) => r.kind)).toEqual(['voice.turn', 'voice.turn', REDACT_KIND]);
    } finally {
      await tap.close();
    }
  });

  it('a malformed tombstone is rejected as one row and the queue moves on; the events it named keep their text', async () => {
    const { d, turn } = await deskThroughProxy();
    turn(1, 'kept as it was');
    d.outbox.append(REDACT_KIND, { kind: 'voice.turn', ids: 'turn-1' });
    d.outbox.append(REDACT_KIND, { kind: REDACT_KIND, ids: [], all: true, reason: 'loop' });
    turn(4, 'after the bad ones');
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 2, rejected: 2, lastSeq: 4 });
    const server = await serverEvents(pgc, d.outbox.clientId);
    expect(server.map((r) => r.seq)).toEqual([1, 4]);
    expect((server[0]!.payload as { transcript: string }).transcript).toBe('kept as it was');
    const rejected = await pgc.query<{ seq: string; sqlstate: string; error: string }>('SELECT seq, sqlstate, error FROM events_rejected WHERE client_id = $1 ORDER BY seq', [d.outbox.clientId]);
    expect(rejected.rows.map((r) => [Number(r.seq), r.sqlstate])).toEqual([[2, '22023'], [3, '22023']]);
    expect(rejected.rows[0]!.error).toContain('event.redact: the payload needs kind');
    expect(batchRows(d.outbox.nextBatch({ maxRows: 10, maxBytes: 1 << 20 }))).toEqual([]);
  });

  it('a tombstone finds voice turns by id through the index of migration 0004, not by reading every event', async () => {
    const c = await pgc.admin();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL enable_seqscan = off');
      const plan = await c.query<{ 'QUERY PLAN': string }>(
        "EXPLAIN SELECT 1 FROM events e WHERE e.client_id = gen_random_uuid() AND e.kind = 'voice.turn' AND (e.payload ->> 'id') = ANY (ARRAY['turn-1']) AND e.seq < 10",
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using events_voice_turn_item|Bitmap Index Scan on events_voice_turn_item/);
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
  });

  it('a redaction of a row the VPS refused redacts its stored text too', async () => {
    const { d, history } = await deskThroughProxy();
    // jsonb refuses a NUL character: the VPS keeps the row verbatim in events_rejected.
    d.outbox.append('voice.turn', { ...voiceTurn('turn-1', 900), transcript: 'broken \u0000 and secret 5512' });
    expect(await d.service.syncOnce()).toMatchObject({ rejected: 1 });
    history.delete({ ids: ['turn-1'] });
    expect(await d.service.syncOnce()).toMatchObject({ pushed: 1, rejected: 0 });
    const rejected = await pgc.query<{ payload: string }>('SELECT payload FROM events_rejected WHERE client_id = $1', [d.outbox.clientId]);
    expect(rejected.rows.map((r) => JSON.parse(r.payload))).toEqual([{ id: 'turn-1', redacted: true }]);
  });
});
