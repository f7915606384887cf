// The VPS side of offline handling on a real PostgreSQL, driven the way the n8n workflows drive it: their queries,
// as n8n's own role (jett_n8n), on a database the VPS install's scripts made.
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { binary, describeWith } from '../../helpers/requirements.js';

interface PgNode { type: string; parameters: { query: string; options: { queryReplacement?: string } } }

/** The query of a workflow's Postgres node and its parameters, with n8n's `={{ expr }}` evaluated on `$json`. */
function workflowQuery(file: string, json: unknown): { text: string; values: unknown[] } {
  const wf = JSON.parse(fs.readFileSync(`resources/vps/n8n/${file}`, 'utf8')) as { nodes: PgNode[] };
  const node = wf.nodes.find((n) => n.type === 'n8n-nodes-base.postgres')!;
  const expr = node.parameters.options.queryReplacement;
  const values = expr ? (new Function('$json', `return (${expr.replace(/^=\{\{|\}\}$/g, '')});`)(json) as unknown[]) : [];
  return { text: node.parameters.query, values };
}

const CLIENT = '0190f5a0-0000-7000-8000-0000000000aa';

describeWith([binary('/usr/lib/postgresql/15/bin/postgres')], 'presence SQL on PostgreSQL 15', () => {
  let pgc: TestPostgres;
  let db: pg.Client;

  beforeAll(async () => {
    pgc = await startPostgres();
    db = new pg.Client(pgc.roles.n8n);
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await pgc?.stop();
  });

  it('records a heartbeat with the server clock, and the desktop is online', async () => {
    const body = { client_id: CLIENT, device: 'desk', app_version: '0.1.0', interval_s: 2, sent_at: '1999-01-01T00:00:00Z' };
    const q = workflowQuery('heartbeat.json', { body });
    const res = await db.query<{ received_at: Date }>(q.text, q.values);
    expect(Math.abs(res.rows[0]!.received_at.getTime() - Date.now())).toBeLessThan(60_000);
    const presence = await pgc.query('SELECT status, interval_s, device FROM desktop_presence WHERE client_id = $1', [CLIENT]);
    expect(presence.rows).toEqual([{ status: 'online', interval_s: 2, device: 'desk' }]);
  });

  it('says offline after three missed periods, and the detector reports each change once', async () => {
    const first = workflowQuery('offline-detector.json', {});
    expect((await db.query(first.text)).rows).toMatchObject([{ client_id: CLIENT, status: 'online' }]);
    expect((await db.query(first.text)).rows).toEqual([]);
    // 7 s ago with a 2 s period: past 3 periods.
    await pgc.query(`UPDATE desktop_heartbeats SET received_at = now() - interval '7 seconds' WHERE client_id = $1`, [CLIENT]);
    expect((await pgc.query('SELECT status FROM desktop_presence')).rows).toEqual([{ status: 'offline' }]);
    expect((await db.query(first.text)).rows).toMatchObject([{ client_id: CLIENT, status: 'offline', device: 'desk' }]);
    expect((await db.query(first.text)).rows).toEqual([]);
  });

  it('refuses a heartbeat without client_id or interval_s', async () => {
    const q = workflowQuery('heartbeat.json', { body: { device: 'x' } });
    await expect(db.query(q.text, q.values)).rejects.toThrow(/needs client_id/);
  });

  it('refuses a heartbeat period outside 1..3600 s with a clear error, and presence of the other desktops keeps working', async () => {
    const EVIL = '0190f5a0-0000-7000-8000-0000000000bb';
    // 2^31 - 1 used to be stored, and 3 * interval_s then overflowed in desktop_presence for every desktop.
    for (const interval_s of [2 ** 31 - 1, 2 ** 31, 2 ** 53, 0, -5, 1.5, 3601]) {
      const q = workflowQuery('heartbeat.json', { body: { client_id: EVIL, device: 'evil', interval_s } });
      await expect(db.query(q.text, q.values)).rejects.toThrow(/interval_s must be a whole number of seconds from 1 to 3600/);
    }
    // Not even the owner writing the table by hand gets one in.
    await expect(
      pgc.query(`INSERT INTO desktop_heartbeats (client_id, device, app_version, interval_s, body) VALUES ($1, 'x', 'x', $2, '{}')`, [EVIL, 2 ** 31 - 1]),
    ).rejects.toThrow(/desktop_heartbeats_interval_s_range/);
    // The bounds themselves are accepted; the detector and the view answer for everyone.
    const EDGE = '0190f5a0-0000-7000-8000-0000000000cc';
    const edge = workflowQuery('heartbeat.json', { body: { client_id: EDGE, device: 'edge', interval_s: 3600 } });
    await db.query(edge.text, edge.values);
    const back = workflowQuery('heartbeat.json', { body: { client_id: CLIENT, device: 'desk', interval_s: 1 } });
    await db.query(back.text, back.values);
    const detector = workflowQuery('offline-detector.json', {});
    const changes = await db.query<{ client_id: string; status: string }>(detector.text);
    expect(changes.rows.map((r) => [r.client_id, r.status]).sort()).toEqual([[CLIENT, 'online'], [EDGE, 'online']]);
    const presence = await pgc.query('SELECT client_id, interval_s, status FROM desktop_presence ORDER BY client_id');
    expect(presence.rows).toEqual([{ client_id: CLIENT, interval_s: 1, status: 'online' }, { client_id: EDGE, interval_s: 3600, status: 'online' }]);
  });

  it('queues a request for the desktop once per request_id, and notifies', async () => {
    const listener = new pg.Client(pgc.connection());
    const notes: string[] = [];
    await listener.connect();
    listener.on('notification', (n) => notes.push(n.payload ?? ''));
    await listener.query('LISTEN jett_desktop_inbox');
    const body = { kind: 'notify', payload: { title: 'Backup done' }, request_id: 'req-1' };
    const q = workflowQuery('queue-request.json', { body });
    expect((await db.query(q.text, q.values)).rows).toEqual([{ request_id: 'req-1' }]);
    await db.query(q.text, q.values);
    const rows = await pgc.query('SELECT kind, payload, state FROM desktop_inbox WHERE request_id = $1', ['req-1']);
    expect(rows.rows).toEqual([{ kind: 'notify', payload: { title: 'Backup done' }, state: 'queued' }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(notes).toContain('req-1');
    await listener.end();
    const noId = workflowQuery('queue-request.json', { body: { kind: 'ask', payload: { text: 'hi' } } });
    expect((await db.query<{ request_id: string }>(noId.text, noId.values)).rows[0]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const bad = workflowQuery('queue-request.json', { body: { kind: 'DROP TABLE', payload: {} } });
    await expect(db.query(bad.text, bad.values)).rejects.toThrow(/kind must be/);
  });
});
