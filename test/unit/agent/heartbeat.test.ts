// Heartbeats against a loopback receiver: sent at once on tunnel-up with the documented body; failures counted, never
// thrown; a refusal (4xx, 5xx) is a failure whose reason is the webhook's own message, sanitised, until a beat succeeds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatBodySchema, type HeartbeatBody } from '../../../main/core/contracts/heartbeat.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { HeartbeatSender } from '../../../main/core/heartbeat/sender.js';
import { REFUSAL_REASON_CHARS } from '../../../main/core/heartbeat/refusal.js';
import { statusLine } from '../../../main/cli/status-line.js';
import type { StatusSnapshot } from '../../../main/core/contracts/status.js';
import { snapshot as appSnapshot } from '../app/helpers.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { loopbackGuard } from '../../helpers/vps-guard.js';

const body: HeartbeatBody = {
  client_id: '0190f5a0-0000-7000-8000-000000000001',
  device: 'desk',
  app_version: '0.1.0',
  interval_s: 60,
  sent_at: '2026-11-27T00:00:00.000Z',
  tunnel: { state: 'up', handshake_age_s: 12, rx_bytes: 1, tx_bytes: 2 },
  outbox: { pending: 0, oldest_pending_age_s: null, dead: 0 },
  voice: { state: 'idle' },
};

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

async function receiver(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/heartbeat`;
}

function sender(url: string, extra: Partial<ConstructorParameters<typeof HeartbeatSender>[0]> = {}) {
  return new HeartbeatSender({ url, intervalS: 60, token: async () => 'hb-token-123456', body: () => body, bus: new EventBus(), logger: createLogger({ sink: () => {}, format: 'json' }), guard: loopbackGuard, ...extra });
}

describe('HeartbeatSender', () => {
  it('posts the body with its token at once on tunnel-up', async () => {
    const got: { auth?: string; body: unknown }[] = [];
    const url = await receiver((req, res) => {
      let data = '';
      req.on('data', (d: Buffer) => (data += d.toString()));
      req.on('end', () => {
        got.push({ auth: req.headers.authorization, body: JSON.parse(data) });
        res.end('{}');
      });
    });
    const hb = sender(url);
    hb.onTunnelUp();
    await hb.beat();
    await hb.stop();
    expect(got).toHaveLength(1);
    expect(got[0]!.auth).toBe('Bearer hb-token-123456');
    expect(HeartbeatBodySchema.parse(got[0]!.body)).toEqual(body);
    expect(hb.status()).toMatchObject({ failures: 0, lastSentAt: expect.any(String) });
  });

  it('counts an HTTP error, a refused connection and a receiver that never answers', async () => {
    const bus = new EventBus();
    const results: boolean[] = [];
    bus.on('heartbeat.result', (r) => results.push(r.ok));
    const failing = await receiver((_req, res) => res.writeHead(500).end());
    const silent = await receiver(() => {});
    await sender(failing, { bus }).beat();
    await sender('http://127.0.0.1:1/webhook/heartbeat', { bus }).beat();
    const hung = sender(silent, { bus, timeoutMs: 200 });
    await hung.beat();
    expect(results).toEqual([false, false, false]);
    expect(hung.status()).toMatchObject({ failures: 1, lastError: 'no answer within the timeout', lastSentAt: null });
  });

  it('shows a refused beat with the reason n8n gave, and the next accepted one clears it', async () => {
    // One webhook whose answers the test sets in turn, as n8n's would be: 200, a 400 naming the field, 401, 500, garbage.
    let answer: { status: number; type: string; body: Buffer | string } = { status: 200, type: 'application/json', body: '{"received_at":"2026-11-27T00:00:00Z"}' };
    const url = await receiver((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body));
    });
    const bus = new EventBus();
    const events: { ok: boolean; error: string | null }[] = [];
    bus.on('heartbeat.result', (r) => events.push({ ok: r.ok, error: r.error }));
    const hb = sender(url, { bus });
    const line = () => statusLine(snapshot(hb.status()), Date.parse('2026-11-27T00:00:10Z'));

    await hb.beat();
    expect(hb.status()).toMatchObject({ failures: 0, lastError: null });

    answer = { status: 400, type: 'application/json', body: JSON.stringify({ error: 'expected a whole number from 1 to 3600', field: 'interval_s' }) };
    await hb.beat();
    expect(hb.status()).toMatchObject({ failures: 1, lastError: 'the webhook answered HTTP 400: interval_s: expected a whole number from 1 to 3600' });
    expect(line()).toContain('heartbeat failing: the webhook answered HTTP 400: interval_s: expected a whole number from 1 to 3600');

    // n8n's own error shape ({code, message}) for a wrong token.
    answer = { status: 401, type: 'application/json', body: JSON.stringify({ code: 401, message: 'Authorization data is wrong!' }) };
    await hb.beat();
    expect(hb.status().lastError).toBe('the webhook answered HTTP 401: Authorization data is wrong!');

    // A 500 whose text echoes the request back: the token never reaches the status, the event or the log.
    answer = { status: 500, type: 'text/plain', body: `boom\u001b[2J\nauthorization: Bearer hb-token-123456 and again hb-token-123456 ${'x'.repeat(5000)}` };
    await hb.beat();
    const echoed = hb.status().lastError!;
    expect(echoed).toMatch(/^the webhook answered HTTP 500: boom /);
    expect(echoed).not.toContain('hb-token-123456');
    expect(echoed).not.toMatch(/[\u0000-\u001f]/);
    expect(echoed.length).toBeLessThanOrEqual('the webhook answered HTTP 500: '.length + REFUSAL_REASON_CHARS);
    expect(JSON.stringify(events)).not.toContain('hb-token-123456');

    // Binary garbage: the status code alone.
    answer = { status: 502, type: 'application/octet-stream', body: Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x80, 0x1b, 0x00]) };
    await hb.beat();
    expect(hb.status().lastError).toBe('the webhook answered HTTP 502');

    // A 200 again: the failure is over; the count of past failures stays.
    answer = { status: 200, type: 'application/json', body: '{}' };
    await hb.beat();
    expect(hb.status()).toMatchObject({ failures: 4, lastError: null, lastSentAt: expect.any(String) });
    expect(line()).not.toContain('failing');
    expect(events.map((e) => e.ok)).toEqual([true, false, false, false, false, true]);
  });
});

function snapshot(heartbeat: StatusSnapshot['heartbeat']): StatusSnapshot {
  return { ...appSnapshot({ tunnel: { state: 'up' } }), heartbeat };
}
