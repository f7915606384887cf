// The control endpoint on a real Unix socket: owner-only, answers its methods, refuses hostile input, streams events.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlClient } from '../../../main/core/control/client.js';
import { ControlServer } from '../../../main/core/control/server.js';
import { CONTROL_MAX_APPEND, CONTROL_MAX_LINE_BYTES, OutboxAppendParamsSchema } from '../../../main/core/contracts/control.js';
import { JettError } from '../../../main/core/errors.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { tempDir } from '../../helpers/tmp.js';

const servers: ControlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(onFailure?: (err: Error) => void) {
  const sock = path.join(tempDir(), 'control.sock');
  const bus = new EventBus();
  const server = new ControlServer(
    sock,
    {
      status: async () => ({ tunnel: 'up' }),
      'sync.once': async () => ({ pushed: 3 }),
      'tunnel.up': async () => {
        throw new JettError('wg-quick up failed: interface name "jett0" is in use', 'run `jett tunnel down` first');
      },
      'tunnel.down': async () => ({}),
      'tunnel.nudge': async () => undefined,
      'voice.toggle': async () => undefined,
      'outbox.status': async () => ({ pending: 0 }),
      'outbox.append': async (params) => OutboxAppendParamsSchema.parse(params).payloads.length,
    },
    bus,
    createLogger({ sink: () => {}, format: 'json' }),
    onFailure,
  );
  await server.listen();
  servers.push(server);
  return { sock, bus, server };
}

function rawExchange(sock: string, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(sock, () => c.write(payload));
    let got = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => {
      got += d;
      if (got.includes('\n')) c.destroy();
    });
    c.on('close', () => resolve(got));
  });
}

describe.runIf(process.platform !== 'win32')('ControlServer and ControlClient', () => {
  it('serve on a socket only the owner may use', async () => {
    const { sock } = await start();
    expect(fs.statSync(sock).mode & 0o777).toBe(0o600);
  });

  it('answer a method, and turn an agent error into a JettError with its fix', async () => {
    const { sock } = await start();
    const client = (await ControlClient.connect(sock))!;
    expect(await client.call('status')).toEqual({ tunnel: 'up' });
    expect(await client.call('sync.once')).toEqual({ pushed: 3 });
    await expect(client.call('tunnel.up')).rejects.toMatchObject({ message: expect.stringContaining('in use'), fix: 'run `jett tunnel down` first' });
    client.close();
  });

  it('say null when no agent listens', async () => {
    expect(await ControlClient.connect(path.join(tempDir(), 'none.sock'))).toBeNull();
  });

  it('refuse malformed, unknown and oversized requests with a clear error', async () => {
    const { sock } = await start();
    expect(JSON.parse(await rawExchange(sock, 'not json\n'))).toMatchObject({ ok: false, error: { message: 'the request is not JSON' } });
    expect(JSON.parse(await rawExchange(sock, '{"id":7,"method":"rm -rf"}\n'))).toMatchObject({ id: 7, ok: false });
    expect(JSON.parse(await rawExchange(sock, '{"id":8,"method":"status","extra":{"__proto__":1}}\n'))).toMatchObject({ id: 8, ok: false });
    const huge = await rawExchange(sock, 'x'.repeat(CONTROL_MAX_LINE_BYTES + 10));
    expect(JSON.parse(huge)).toMatchObject({ ok: false, error: { message: expect.stringContaining('longer than') } });
  });

  it('pass params to the method, which refuses invalid ones with the path and the rule', async () => {
    const { sock } = await start();
    const client = (await ControlClient.connect(sock))!;
    expect(await client.call('outbox.append', { kind: 'note', payloads: [{ a: 1 }, { a: 2 }] })).toBe(2);
    await expect(client.call('outbox.append', { kind: 'DROP TABLE', payloads: [1] })).rejects.toThrow(/invalid params: kind: kind is a short lowercase name/);
    await expect(client.call('outbox.append', { kind: 'note', payloads: Array(CONTROL_MAX_APPEND + 1).fill(0) })).rejects.toThrow(/invalid params: payloads/);
    await expect(client.call('outbox.append', { kind: 'note', payloads: [1], admin: true })).rejects.toThrow(/invalid params/);
    client.close();
  });

  it('report a failure of the listening socket, and serve again after listen()', async () => {
    const failures: string[] = [];
    const { sock, server } = await start((err) => failures.push(err.message));
    (server as unknown as { server: net.Server }).server.emit('error', new Error('EMFILE: too many open files'));
    expect(failures).toEqual(['EMFILE: too many open files']);
    await server.listen();
    const client = (await ControlClient.connect(sock))!;
    expect(await client.call('status')).toEqual({ tunnel: 'up' });
    client.close();
  });

  it('stream bus events to a subscriber', async () => {
    const { sock, bus } = await start();
    const client = (await ControlClient.connect(sock))!;
    const got: { event: string; payload: unknown }[] = [];
    await client.subscribe((event, payload) => got.push({ event, payload }));
    bus.emit('tunnel.state', { from: 'up', to: 'degraded', reason: '2 probes failed', at: 'now' });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([{ event: 'tunnel.state', payload: { from: 'up', to: 'degraded', reason: '2 probes failed', at: 'now' } }]);
    client.close();
  });
});
