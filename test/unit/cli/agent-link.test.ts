// With an agent running, `jett status` and `jett tunnel status` answer from it; without one they say so or probe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../main/core/agent.js';
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
});
