// With an agent running, `jett status` and `jett tunnel status` answer from it; without one they say so or probe;
// with an impostor at the agent's endpoint they refuse it and say so.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../main/core/agent.js';
import { newNonce } from '../../../main/core/control/handshake.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { AgentStatusOutputSchema } from '../../../main/core/contracts/status.js';
import { TunnelStatusSchema } from '../../../main/core/contracts/tunnel.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

describe.runIf(process.platform !== 'win32')('jett commands and a running agent', () => {
  const home = tempDir();
  let agent: Agent;

  beforeAll(async () => {
    const runtime = openRuntime({ env: { JETT_HOME: home } });
    agent = new Agent({ runtime, config: ConfigSchema.parse({ tunnel: { autoConnect: false } }), voice: null });
    await agent.start();
    agent.append('note', { text: 'from the running agent' });
  });
  afterAll(() => agent.stop());

  it('jett status shows the running agent, from its own snapshot', async () => {
    const res = await jett(['status', '--json'], { home });
    const out = AgentStatusOutputSchema.parse(JSON.parse(res.stdout));
    expect(out.running).toBe(true);
    expect(out.status?.outbox.pending).toBe(1);
    expect(res.code).toBe(0);
    expect((await jett(['status'], { home })).stdout).toMatch(/outbox 1 pending/);
  });

  it('jett status says what is not configured yet and the next step, before the status line', async () => {
    const text = (await jett(['status'], { home })).stdout;
    expect(text).toMatch(/^tunnel not configured — this desktop has no WireGuard key yet .*\n {2}next: run `jett keys generate`/m);
    expect(text).toMatch(/^sync not configured — no database password yet .*\n {2}next: .*`jett secret set postgres.password`/m);
    expect(text).toMatch(/^heartbeat not configured — no heartbeat token yet/m);
    expect(text).toMatch(/^jett \S+ \| tunnel not configured \| outbox 1 pending/m);
    const json = AgentStatusOutputSchema.parse(JSON.parse((await jett(['status', '--json'], { home })).stdout));
    expect(json.status?.setup?.tunnel.configured).toBe(false);
  });

  it('jett tunnel status reports the running monitor instead of probing on its own', async () => {
    const res = await jett(['tunnel', 'status', '--json'], { home });
    const s = TunnelStatusSchema.parse(JSON.parse(res.stdout));
    expect(s.interface).toBe('jett0');
    expect(s.state).toBe(agent.status().tunnel.state);
    expect(s.reason).toBe(agent.status().tunnel.reason);
  });

  it('jett status says no agent runs, and exits 1, in an empty JETT_HOME', async () => {
    const res = await jett(['status'], { home: tempDir() });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('no Jett agent is running');
  });

  it('jett status refuses an endpoint that cannot prove the token, sends it nothing, and does not fall back', async () => {
    const other = tempDir();
    fs.writeFileSync(path.join(other, 'control.token'), 'the-users-real-token-0123456789', { mode: 0o600 });
    const received: string[] = [];
    // Someone else took the endpoint's name: it answers like an agent, with a proof it had to make up.
    const impostor = net.createServer((s) => {
      s.write(`${JSON.stringify({ hello: 'jett-control/1', nonce: newNonce() })}\n`);
      s.on('data', (d) => {
        received.push(d.toString());
        s.write(`${JSON.stringify({ proof: 'c'.repeat(64) })}\n`);
      });
    });
    await new Promise<void>((r) => impostor.listen(path.join(other, 'control.sock'), () => r()));
    try {
      const res = await jett(['status'], { home: other });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/ControlAuthError: the process serving .* could not prove it knows the control token/);
      expect(res.stdout).not.toContain('no Jett agent is running');
      expect(received.join('')).not.toContain('the-users-real-token');
      expect(received.join('')).not.toContain('method');
    } finally {
      await new Promise<void>((r) => impostor.close(() => r()));
    }
  });
});
