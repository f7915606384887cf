// Heartbeats against a loopback receiver: sent at once on tunnel-up with the documented body; failures counted, never thrown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatBodySchema, type HeartbeatBody } from '../../../main/core/contracts/heartbeat.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { HeartbeatSender } from '../../../main/core/heartbeat/sender.js';
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
});
