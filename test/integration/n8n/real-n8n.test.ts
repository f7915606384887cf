// The VPS workflows in the real n8n (tools/n8n, `npm run setup:n8n`) on the real PostgreSQL, set up by the bundle's
// own n8n-setup.sh as install.sh runs it: credentials and workflows imported, activated, the owner created. Then the
// desktop's side of it: the agent's heartbeat sender accepted with the token and refused without, the offline
// detector flipping presence, a queued request pulled over sync and answered, refused bodies answered 4xx.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBus } from '../../../main/core/events/bus.js';
import { HeartbeatSender } from '../../../main/core/heartbeat/sender.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { generatePassword } from '../../../main/core/vps/env-files.js';
import { N8N_CREDENTIAL_IDS } from '../../../main/core/vps/n8n-workflows.js';
import { PG_BIN_DIR } from '../../../main/harness/postgres/cluster.js';
import { startN8n, type N8nServer } from '../../../main/harness/n8n/server.js';
import type { InboxRequest } from '../../../main/core/sync/inbox-store.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { binary, describeWith, n8nInstalled } from '../../helpers/requirements.js';
import { loopbackGuard } from '../../helpers/vps-guard.js';
import { statusLine } from '../../../main/cli/status-line.js';
import { snapshot as appSnapshot } from '../../unit/app/helpers.js';
import { makeDesk, waitFor, type Desk } from '../sync/fixture.js';

const CLIENT = '0190f5a0-0000-7000-8000-0000000000aa';

describeWith([binary(path.join(PG_BIN_DIR, 'initdb')), binary(path.join(PG_BIN_DIR, 'pg_ctl')), n8nInstalled], 'the VPS workflows in the real n8n 1.121.3', () => {
  let pgc: TestPostgres;
  let n8n: N8nServer;
  let desk: Desk | null = null;
  const token = generatePassword();

  beforeAll(async () => {
    pgc = await startPostgres();
    // The detector every second and a 1 s heartbeat: offline 3 s after the last beat, seen within a second.
    n8n = await startN8n({ db: pgc.roles, token, detectorEveryS: 1 });
  }, 300_000);
  afterAll(async () => {
    await desk?.close();
    await n8n?.stop();
    await pgc?.stop();
  });

  const post = async (webhook: string, body: unknown, auth: string | null = `Bearer ${token}`) => {
    const r = await fetch(`${n8n.url}/webhook/${webhook}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: the test says so through `json` staying null.
    }
    return { status: r.status, json, text };
  };
  const n8nDb = async <R,>(sql: string): Promise<R[]> => {
    const c = await pgc.cluster.adminClient('n8n');
    try {
      return (await c.query(sql)).rows as R[];
    } finally {
      await c.end();
    }
  };
  const beats = async () => Number((await pgc.query<{ n: string }>('SELECT coalesce(sum(beats), 0) AS n FROM desktop_heartbeats')).rows[0]!.n);

  it('install.sh\'s steps: the credentials under the ids the workflows name (encrypted), every workflow imported and active', async () => {
    expect(n8n.setupLog.join('\n')).toContain('credentials imported; 3 workflows imported and active');
    const creds = await n8nDb<{ id: string; type: string; data: string }>('SELECT id, type, data FROM credentials_entity ORDER BY id');
    expect(creds.map((c) => [c.id, c.type])).toEqual([
      [N8N_CREDENTIAL_IDS.desktopToken, 'httpHeaderAuth'],
      [N8N_CREDENTIAL_IDS.postgres, 'postgres'],
    ]);
    for (const c of creds) {
      expect(c.data).not.toContain(token);
      expect(c.data).not.toContain(pgc.roles.n8n.password);
    }
    const workflows = await n8nDb<{ id: string; active: boolean; versionId: string }>('SELECT id, active, "versionId" FROM workflow_entity ORDER BY id');
    expect(workflows).toEqual(n8n.workflows.map((w) => ({ id: w.id, active: true, versionId: JSON.parse(w.text).versionId as string })).sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('the owner account exists with the generated password, and a first visitor cannot claim it', async () => {
    const claim = await fetch(`${n8n.url}/rest/owner/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'visitor@example.org', firstName: 'A', lastName: 'Visitor', password: 'Visitor12345' }),
    });
    expect(claim.status).toBe(400);
    expect(await claim.text()).toContain('Instance owner already setup');
    const login = (password: string) =>
      fetch(`${n8n.url}/rest/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emailOrLdapLoginId: n8n.owner.email, password }) });
    expect((await login(n8n.owner.password)).status).toBe(200);
    expect((await login('Visitor12345')).status).toBe(401);
    expect(await n8nDb<{ email: string }>(`SELECT u.email FROM "user" u WHERE u."roleSlug" = 'global:owner'`)).toEqual([{ email: 'owner@jett.internal' }]);
  });

  it('the agent\'s heartbeat is accepted with the token; without it, or with a wrong one, refused and not recorded', async () => {
    const sender = (tok: string | null) =>
      new HeartbeatSender({
        url: `${n8n.url}/webhook/heartbeat`,
        intervalS: 1,
        token: async () => tok,
        body: () => ({
          client_id: CLIENT,
          device: 'desk',
          app_version: '0.1.0',
          interval_s: 1,
          sent_at: new Date().toISOString(),
          tunnel: { state: 'up', handshake_age_s: 3, rx_bytes: 10, tx_bytes: 20 },
          outbox: { pending: 0, oldest_pending_age_s: null, dead: 0 },
          voice: { state: 'idle' },
        }),
        bus: new EventBus(),
        logger: createLogger({ sink: () => undefined, format: 'json' }),
        guard: loopbackGuard,
      });
    const good = sender(token);
    await good.beat();
    expect(good.status()).toMatchObject({ failures: 0, lastError: null });
    expect((await pgc.query('SELECT device, interval_s, beats FROM desktop_heartbeats WHERE client_id = $1', [CLIENT])).rows).toEqual([{ device: 'desk', interval_s: 1, beats: '1' }]);
    for (const tok of [null, 'wrong-token']) {
      const bad = sender(tok);
      await bad.beat();
      expect(bad.status()).toMatchObject({ failures: 1, lastError: expect.stringMatching(/HTTP 40[13]/) });
    }
    expect(await beats()).toBe(1);
    // n8n's own answer, before the workflow runs: it names the header, in plain text (n8n has no setting for it).
    for (const auth of [null, 'Bearer wrong-token', `Basic ${token}`]) {
      for (const hook of ['heartbeat', 'desktop-request']) {
        const r = await post(hook, { client_id: CLIENT, interval_s: 1, kind: 'notify' }, auth);
        expect([hook, auth, r.status, r.text]).toEqual([hook, auth, 403, 'Authorization data is wrong!']);
      }
    }
    expect(await beats()).toBe(1);
    expect((await pgc.query('SELECT count(*)::int AS n FROM desktop_inbox')).rows).toEqual([{ n: 0 }]);
  });

  it('refused bodies get a 4xx and a JSON error naming the field, and change nothing', async () => {
    const before = await beats();
    const cases: [string, unknown, string][] = [
      ['heartbeat', { x: 1 }, 'client_id'],
      ['heartbeat', { client_id: 'not-a-uuid', interval_s: 60 }, 'client_id'],
      ['heartbeat', { client_id: CLIENT, interval_s: 0 }, 'interval_s'],
      ['heartbeat', { client_id: CLIENT, interval_s: 'soon' }, 'interval_s'],
      ['heartbeat', [1, 2], 'client_id'],
      ['desktop-request', { x: 1 }, 'kind'],
      ['desktop-request', { kind: 'DROP TABLE', payload: {} }, 'kind'],
    ];
    for (const [hook, body, field] of cases) {
      const r = await post(hook, body);
      expect({ hook, body, status: r.status }).toEqual({ hook, body, status: 400 });
      expect(r.json).toEqual({ error: expect.stringContaining(field), field });
    }
    // Not JSON at all: n8n's body parser refuses it before the workflow, with a JSON answer and no stack trace.
    const notJson = await post('heartbeat', 'not json');
    expect([notJson.status, notJson.json]).toEqual([422, expect.objectContaining({ message: 'Failed to parse request body' })]);
    expect(notJson.text).not.toContain('stacktrace');
    expect(await beats()).toBe(before);
    expect((await pgc.query('SELECT count(*)::int AS n FROM desktop_inbox')).rows).toEqual([{ n: 0 }]);
  });

  it('a failure of the server itself is a 5xx that names no field, so the sender knows it is not its body', async () => {
    await pgc.query('REVOKE EXECUTE ON FUNCTION jett_queue_request(text, jsonb, text) FROM jett_n8n');
    try {
      const r = await post('desktop-request', { kind: 'notify', payload: {} });
      expect([r.status, r.json]).toEqual([500, { error: expect.stringContaining('permission denied for function jett_queue_request'), field: null }]);
    } finally {
      await pgc.query('GRANT EXECUTE ON FUNCTION jett_queue_request(text, jsonb, text) TO jett_n8n');
    }
    expect((await pgc.query('SELECT count(*)::int AS n FROM desktop_inbox')).rows).toEqual([{ n: 0 }]);
  });

  it('the desktop shows n8n\'s refusal with its reason (the field for a refused body, the server\'s error for a 5xx) until a beat is accepted', async () => {
    // Its own client, so the detector's log of CLIENT below stays as that test expects.
    const other = '0190f5a0-0000-7000-8000-0000000000bb';
    let intervalS = 5000;
    const sender = new HeartbeatSender({
      url: `${n8n.url}/webhook/heartbeat`,
      intervalS: 60,
      token: async () => token,
      body: () => ({ client_id: other, device: 'desk-2', app_version: '0.1.0', interval_s: intervalS, sent_at: new Date().toISOString(), tunnel: { state: 'up', handshake_age_s: 3, rx_bytes: 10, tx_bytes: 20 }, outbox: { pending: 0, oldest_pending_age_s: null, dead: 0 }, voice: { state: 'idle' } }),
      bus: new EventBus(),
      logger: createLogger({ sink: () => undefined, format: 'json' }),
      guard: loopbackGuard,
    });
    const line = () => statusLine({ ...appSnapshot({ tunnel: { state: 'up' } }), heartbeat: sender.status() });
    await sender.beat();
    const refused = 'the webhook answered HTTP 400: interval_s must be a whole number of seconds from 1 to 3600, not 5000';
    expect(sender.status()).toMatchObject({ failures: 1, lastSentAt: null, lastError: refused });
    expect(line()).toContain(`heartbeat failing: ${refused}`);
    await pgc.query('REVOKE EXECUTE ON FUNCTION jett_record_heartbeat(jsonb) FROM jett_n8n');
    try {
      intervalS = 60;
      await sender.beat();
      expect(sender.status().lastError).toMatch(/^the webhook answered HTTP 500: permission denied for function jett_record_heartbeat/);
    } finally {
      await pgc.query('GRANT EXECUTE ON FUNCTION jett_record_heartbeat(jsonb) TO jett_n8n');
    }
    await sender.beat();
    expect(sender.status()).toMatchObject({ failures: 2, lastError: null, lastSentAt: expect.any(String) });
    expect(line()).not.toContain('failing');
    expect(JSON.stringify(sender.status())).not.toContain(token);
  });

  it('the offline detector marks the desktop offline after missed heartbeats, and online again at the next one', async () => {
    const log = async () => (await pgc.query<{ status: string }>('SELECT status FROM desktop_presence_log WHERE client_id = $1 ORDER BY id', [CLIENT])).rows.map((r) => r.status);
    await waitFor(async () => (await log()).includes('offline'), 'n8n\'s detector to log the desktop offline', 60_000);
    expect(await log()).toEqual(['online', 'offline']);
    expect((await post('heartbeat', { client_id: CLIENT, device: 'desk', app_version: '0.1.0', interval_s: 1 })).status).toBe(200);
    await waitFor(async () => (await log()).length === 3, 'n8n\'s detector to log the desktop back online', 60_000);
    expect(await log()).toEqual(['online', 'offline', 'online']);
  });

  it('a request queued through the webhook is pulled by the desktop over sync, handled once and answered', async () => {
    const seen: InboxRequest[] = [];
    desk = makeDesk({
      pool: () => pgc.pool(),
      handler: async (req) => {
        seen.push(req);
        return { ok: true, result: { shown: true } };
      },
      options: { pollMs: 500 },
    });
    desk.service.start();
    const r = await post('desktop-request', { kind: 'notify', payload: { title: 'Backup done' }, request_id: 'req-n8n-1' });
    expect([r.status, r.json]).toEqual([202, { request_id: 'req-n8n-1' }]);
    const row = async () => (await pgc.query<{ state: string; result: unknown }>('SELECT state, result FROM desktop_inbox WHERE request_id = $1', ['req-n8n-1'])).rows[0];
    await waitFor(async () => (await row())?.state === 'answered', 'the desktop to answer the request');
    expect(seen.map((s) => [s.requestId, s.kind, s.payload])).toEqual([['req-n8n-1', 'notify', { title: 'Backup done' }]]);
    expect(await row()).toEqual({ state: 'answered', result: { request_id: 'req-n8n-1', ok: true, result: { shown: true } } });
    // The same request_id again is queued once, and a request without one gets an id from the server.
    expect((await post('desktop-request', { kind: 'notify', payload: { title: 'Backup done' }, request_id: 'req-n8n-1' })).status).toBe(202);
    const noId = await post('desktop-request', { kind: 'speak', payload: { text: 'hi' } });
    expect([noId.status, noId.json]).toEqual([202, { request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect((await pgc.query('SELECT count(*)::int AS n FROM desktop_inbox')).rows).toEqual([{ n: 2 }]);
  });
});
