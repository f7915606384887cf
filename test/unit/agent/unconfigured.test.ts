// An agent on an empty JETT_HOME: each service reads "not configured" with its next step, and nothing is probed,
// connected to, retried or warned about; built again with its settings, the same service runs.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent } from '../../../main/core/agent.js';
import { ConfigSchema, type ConfigInput } from '../../../main/core/contracts/config.js';
import type { JettEvents } from '../../../main/core/contracts/events.js';
import { StatusSnapshotSchema } from '../../../main/core/contracts/status.js';
import { openRuntime, type Runtime } from '../../../main/core/runtime.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import type { ProcessRunner } from '../../../main/core/tunnel/runner.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Records every program the agent runs; `ip route get` answers that the VPS address goes through `lo`. */
function recordingRunner() {
  const calls: string[] = [];
  const runner: ProcessRunner = {
    async run(file, args) {
      calls.push([file, ...args].join(' '));
      if (args.includes('route')) return { exitCode: 0, stdout: JSON.stringify([{ dst: '127.0.0.1', dev: 'lo' }]), stderr: '' };
      return { exitCode: 1, stdout: '', stderr: 'not in this test' };
    },
  };
  return { runner, calls };
}

/** A TCP listener standing in for PostgreSQL: it only counts the connections it receives. */
async function tcpRecorder() {
  const seen: string[] = [];
  // Recorded, then closed at once: the client sees a failure straight away instead of waiting for its timeout.
  const server = net.createServer((s) => {
    seen.push(`${s.remoteAddress}:${s.remotePort}`);
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, seen };
}

async function webhookRecorder() {
  const auth: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    auth.push(req.headers.authorization);
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/heartbeat`, auth };
}

interface World {
  home: string;
  runtime: Runtime;
  pgPort: number;
  hookUrl: string;
}

async function world(): Promise<World & { pg: Awaited<ReturnType<typeof tcpRecorder>>; hook: Awaited<ReturnType<typeof webhookRecorder>> }> {
  const home = tempDir();
  const runtime = openRuntime({ env: { JETT_HOME: home, JETT_SECRET_STORE: 'file' } });
  const pg = await tcpRecorder();
  const hook = await webhookRecorder();
  return { home, runtime, pgPort: pg.port, hookUrl: hook.url, pg, hook };
}

async function startAgent(w: World, tunnel: ConfigInput['tunnel'] = {}) {
  const { runner, calls } = recordingRunner();
  // The tunnel "interface" is lo, so the route guard lets the loopback stand-ins through once a service is set up.
  const config = ConfigSchema.parse({
    tunnel: { interface: 'lo', peerAddress: '127.0.0.1', autoConnect: true, ...tunnel },
    postgres: { host: '127.0.0.1', port: w.pgPort },
    heartbeat: { url: w.hookUrl },
    models: { dir: tempDir() },
  });
  const agent = new Agent({ runtime: w.runtime, config, env: { ...process.env, JETT_HOME: w.home, JETT_SECRET_STORE: 'file' }, runner });
  const events: { name: keyof JettEvents; payload: unknown }[] = [];
  for (const name of ['tunnel.state', 'notification', 'heartbeat.result'] as const) agent.bus.on(name, (payload) => events.push({ name, payload }));
  await agent.start();
  closers.push(() => agent.stop());
  return { agent, calls, events };
}

/** Lets every timer and promise the start queued run (the sync's first push round, a beat) before asserting none happened. */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe.runIf(process.platform === 'linux')('an agent with nothing configured', () => {
  it('reads "not configured" with the next step for each service, and runs, probes and connects to nothing', async () => {
    const w = await world();
    const { agent, calls, events } = await startAgent(w);
    agent.append('note', { text: 'kept for later' });
    agent.append('note', { text: 'and this' });
    // What a tunnel-up would set off (a sync push, a heartbeat), driven by hand: still nothing may be tried.
    agent.bus.emit('tunnel.state', { from: 'down', to: 'up', reason: 'test', at: new Date().toISOString() });
    agent.systemEvent('network-change');
    await settle();

    const s = StatusSnapshotSchema.parse(agent.status());
    expect(s.tunnel.state).toBe('unconfigured');
    expect(s.tunnel.reason).toContain('this desktop has no WireGuard key yet');
    expect(s.setup?.tunnel).toMatchObject({ configured: false, next: expect.stringContaining('jett keys generate') });
    expect(s.setup?.tunnel.next).toContain('Settings > Tunnel');
    expect(s.setup?.sync).toMatchObject({ configured: false, reason: expect.stringContaining('postgres.password'), next: expect.stringContaining('jett secret set postgres.password') });
    expect(s.setup?.heartbeat).toMatchObject({ configured: false, reason: expect.stringContaining('heartbeat.token'), next: expect.stringContaining('jett secret set heartbeat.token') });
    expect(s.setup?.voice).toMatchObject({ configured: false, reason: expect.stringMatching(/whisper-base .*kokoro-82m/), next: expect.stringContaining('jett models pull whisper-base') });
    // Appends are durable and wait; the heartbeat counted nothing.
    expect(s.outbox.pending).toBe(2);
    expect(s.heartbeat).toEqual({ lastSentAt: null, failures: 0, lastError: null });

    expect(calls).toEqual([]);
    expect(w.pg.seen).toHaveLength(0);
    expect(w.hook.auth).toHaveLength(0);
    const states = events.filter((e) => e.name === 'tunnel.state').map((e) => (e.payload as JettEvents['tunnel.state']).to);
    expect(states).not.toContain('lost');
    expect(states).not.toContain('connecting');
    expect(states).toContain('unconfigured');
    expect(events.filter((e) => e.name !== 'tunnel.state')).toEqual([]);
  });

  it('answers tunnel.up and sync.once with what is missing and the next step', async () => {
    const w = await world();
    const { agent, calls } = await startAgent(w, { peerPublicKey: generateKeyPair().publicKey });
    await expect(agent.tunnelUp()).rejects.toThrow(/the tunnel is not configured \(missing this desktop's WireGuard key, the VPS endpoint \(tunnel.endpoint\)\)/);
    await expect(agent.tunnelUp()).rejects.toMatchObject({ fix: expect.stringContaining('jett keys generate') });
    await expect(agent.syncOnce()).rejects.toThrow(/the sync is not configured: no database password yet/);
    expect(calls).toEqual([]);
    expect(w.pg.seen).toHaveLength(0);
  });

  it('names the peer as the next step once the keys exist', async () => {
    const w = await world();
    await w.runtime.secrets.set('tunnel.privateKey', generateKeyPair().privateKey);
    const { agent, calls } = await startAgent(w);
    expect(agent.status().tunnel.state).toBe('unconfigured');
    expect(agent.status().setup?.tunnel).toMatchObject({ reason: expect.stringContaining('the VPS peer is not set'), next: expect.stringContaining('jett tunnel peer') });
    expect(calls).toEqual([]);
  });

  // Watching a configured tunnel reads it with `wg`, which a machine without wireguard-tools does not have.
  describeWith([binary('wg')], 'with WireGuard installed', () => {
    it('watches, syncs and beats once its settings exist (built again with them)', async () => {
      const w = await world();
      await w.runtime.secrets.set('tunnel.privateKey', generateKeyPair().privateKey);
      await w.runtime.secrets.set('postgres.password', 'pg-password-for-the-test');
      await w.runtime.secrets.set('heartbeat.token', 'hb-token-for-the-test');
      const { agent, calls } = await startAgent(w, { peerPublicKey: generateKeyPair().publicKey, endpoint: '127.0.0.1:51820', autoConnect: false });
      const s = agent.status();
      expect(s.setup?.tunnel.configured).toBe(true);
      expect(s.setup?.sync.configured).toBe(true);
      expect(s.setup?.heartbeat.configured).toBe(true);
      // The monitor reads the interface (wg through the runner) instead of standing still.
      await vi.waitFor(() => expect(calls.some((c) => c.includes('wg'))).toBe(true));
      expect(agent.status().tunnel.state).not.toBe('unconfigured');
      agent.bus.emit('tunnel.state', { from: 'down', to: 'up', reason: 'test', at: new Date().toISOString() });
      // The sync connects to the stand-in PostgreSQL and the heartbeat reaches the webhook with its token.
      await vi.waitFor(() => expect(w.pg.seen.length).toBeGreaterThan(0), { timeout: 5000 });
      await vi.waitFor(() => expect(w.hook.auth).toContain('Bearer hb-token-for-the-test'), { timeout: 5000 });
    });
  });
});
