// The fault proxy itself, against a loopback echo server: it must inject exactly the faults the sync tests rely on.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';

describe('fault proxy', () => {
  let echo: net.Server;
  let port: number;
  const proxies: FaultProxy[] = [];

  beforeAll(async () => {
    // The proxy resets its upstream side too: the echo server sees ECONNRESET, which is expected here.
    echo = net.createServer((s) => s.on('error', () => undefined).pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    port = (echo.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  const proxy = async (latencyMs = 0) => {
    const p = await startFaultProxy({ host: '127.0.0.1', port }, { latencyMs });
    proxies.push(p);
    return p;
  };

  /** Connects, sends `text`, and resolves with what comes back or how the connection ended. */
  function roundTrip(p: FaultProxy, text: string, waitMs = 2000): Promise<{ data: string; ended: string }> {
    return new Promise((resolve) => {
      const s = net.connect(p.port, p.host);
      let data = '';
      const done = (ended: string) => {
        clearTimeout(timer);
        s.destroy();
        resolve({ data, ended });
      };
      const timer = setTimeout(() => done('silence'), waitMs);
      s.on('data', (d: Buffer) => {
        data += d.toString();
        if (data.length >= text.length) done('echoed');
      });
      s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      s.on('close', () => done('closed'));
      s.write(text);
    });
  }

  it('passes bytes both ways unchanged', async () => {
    expect(await roundTrip(await proxy(), 'hello')).toEqual({ data: 'hello', ended: 'echoed' });
  });

  it('adds its latency in each direction, in order', async () => {
    const p = await proxy(40);
    const t = Date.now();
    const r = await roundTrip(p, 'abc'.repeat(1000));
    expect(r.data).toBe('abc'.repeat(1000));
    expect(Date.now() - t).toBeGreaterThanOrEqual(80);
  });

  it('refuses connections with a reset while dropped, and passes again once healed', async () => {
    const p = await proxy();
    p.drop();
    const r = await roundTrip(p, 'x');
    expect(r.data).toBe('');
    expect(['ECONNRESET', 'closed']).toContain(r.ended);
    p.heal();
    expect((await roundTrip(p, 'y')).ended).toBe('echoed');
  });

  it('answers nothing while blackholed, then delivers what was held once healed', async () => {
    const p = await proxy();
    p.blackhole();
    const pending = roundTrip(p, 'held', 3000);
    await new Promise((r) => setTimeout(r, 300));
    p.heal();
    expect(await pending).toEqual({ data: 'held', ended: 'echoed' });
    p.blackhole();
    expect((await roundTrip(p, 'lost', 300)).ended).toBe('silence');
  });

  it('resets the connection that carries the given number of bytes, once', async () => {
    const p = await proxy();
    p.resetAfterBytes(10);
    const r = await roundTrip(p, 'x'.repeat(100));
    expect(r.ended).toMatch(/ECONNRESET|closed/);
    expect(r.data.length).toBeLessThan(100);
    expect((await roundTrip(p, 'again')).ended).toBe('echoed');
  });
});
