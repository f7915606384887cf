// The agent as a whole, without a VPS: one per user, a status snapshot that adds up, the control endpoint, a clean stop.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../main/core/agent.js';
import type { VoiceFactory } from '../../../main/core/agent/voice-factory.js';
import type { VoiceTurnRecord } from '../../../main/core/contracts/voice.js';
import { AgentRunningError } from '../../../main/core/agent/instance-lock.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { StatusSnapshotSchema } from '../../../main/core/contracts/status.js';
import { ControlClient } from '../../../main/core/control/client.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { tempDir } from '../../helpers/tmp.js';

const running: Agent[] = [];
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
});

async function startAgent(home = tempDir(), voice?: VoiceFactory | null) {
  const runtime = openRuntime({ env: { JETT_HOME: home } });
  // No VPS here: nothing to connect to, so the agent only watches.
  const config = ConfigSchema.parse({ tunnel: { autoConnect: false }, postgres: { host: '127.0.0.1', port: 1 } });
  const agent = new Agent({ runtime, config, env: { ...process.env, JETT_HOME: home }, ...(voice === undefined ? {} : { voice }) });
  await agent.start();
  running.push(agent);
  return { agent, runtime, home };
}

describe.runIf(process.platform !== 'win32')('Agent', () => {
  it('keeps appended events durable and counts them in its snapshot', async () => {
    const { agent } = await startAgent();
    agent.append('transcript', { text: 'hello' });
    agent.append('transcript', { text: 'again' });
    const s = StatusSnapshotSchema.parse(agent.status());
    expect(s.outbox.pending).toBe(2);
    // No keys or peer in this config: not configured, never probed.
    expect(s.tunnel.state).toBe('unconfigured');
    expect(s.agent.pid).toBe(process.pid);
  });

  it('refuses a second agent for the same user, naming the first', async () => {
    const { home } = await startAgent();
    const runtime = openRuntime({ env: { JETT_HOME: home } });
    const second = new Agent({ runtime, config: ConfigSchema.parse({ tunnel: { autoConnect: false } }) });
    // The lock tells processes apart, not instances: make a live process (our parent) the holder.
    fs.writeFileSync(`${home}/agent.lock`, JSON.stringify({ pid: process.ppid, startedAt: 'earlier', kind: 'tray' }));
    await expect(second.start()).rejects.toThrow(AgentRunningError);
    await expect(second.start()).rejects.toThrow(`pid ${process.ppid}`);
  });

  it('answers status and outbox.status through its owner-only control endpoint', async () => {
    const { agent, runtime } = await startAgent();
    agent.append('note', { n: 1 });
    expect(fs.statSync(runtime.paths.controlSocket).mode & 0o777).toBe(0o600);
    const client = (await ControlClient.connectToAgent(runtime.paths))!;
    const status = StatusSnapshotSchema.parse(await client.call('status'));
    expect(status.outbox.pending).toBe(1);
    expect(await client.call('outbox.status')).toMatchObject({ pending: 1, dead: 0 });
    await expect(client.call('voice.toggle')).rejects.toThrow(/voice is not running/);
    client.close();
  });

  it('answers only a client that proves the token from JETT_HOME/control.token (0600), which never crosses the socket', async () => {
    const { runtime } = await startAgent();
    expect(fs.statSync(runtime.paths.controlToken).mode & 0o777).toBe(0o600);
    await expect(ControlClient.connect(runtime.paths.controlSocket, 'guessed')).rejects.toThrow(/did not prove it knows the control token/);
    const owner = (await ControlClient.connectToAgent(runtime.paths))!;
    expect(StatusSnapshotSchema.parse(await owner.call('status')).agent.pid).toBe(process.pid);
    owner.close();
  });

  it('appends a batch from another program in one transaction, or none of it', async () => {
    const { agent, runtime } = await startAgent();
    const client = (await ControlClient.connectToAgent(runtime.paths))!;
    expect(await client.call('outbox.append', { kind: 'automation.result', payloads: [{ ok: true }, { ok: false }] })).toEqual({ first: 1, last: 2 });
    // One payload over the outbox's 1 MiB limit fails the whole batch (directly: the socket's line limit is 1 MiB too).
    expect(() => agent.appendMany({ kind: 'note', payloads: [{ ok: 1 }, 'x'.repeat(1024 * 1024 + 1)] })).toThrow(/MiB/);
    expect(agent.status().outbox.pending).toBe(2);
    client.close();
  });

  it('keeps voice off, and says why, when no speech-to-text model is installed', async () => {
    const { agent } = await startAgent();
    expect(agent.status().voice.state).toBe('off');
    await expect(agent.voiceToggle()).rejects.toThrow(/voice is not running/);
  });

  it('drives the voice pipeline it is given, and sends each finished turn to the outbox', async () => {
    const turns: ((r: VoiceTurnRecord) => void)[] = [];
    let toggles = 0;
    const holds: boolean[] = [];
    const fake: VoiceFactory = async () => ({
      state: () => 'idle',
      hold: async (down) => void holds.push(down),
      bargeIn: () => ({ active: false, reason: 'a stand-in pipeline' }),
      toggle: async () => void toggles++,
      speak: async () => { throw new Error('unused'); },
      ask: async () => { throw new Error('unused'); },
      onTurn: (l) => (turns.push(l), () => undefined),
      stop: async () => undefined,
    });
    const { agent, runtime } = await startAgent(tempDir(), fake);
    const client = (await ControlClient.connectToAgent(runtime.paths))!;
    await client.call('voice.toggle');
    expect(toggles).toBe(1);
    // Hold-to-talk from the tray app through the control endpoint: the press, then the release.
    await client.call('voice.hold', { down: true });
    await client.call('voice.hold', { down: false });
    expect(holds).toEqual([true, false]);
    await expect(client.call('voice.hold', { down: 'yes' } as never)).rejects.toThrow();
    expect(agent.status().voice).toEqual({ state: 'idle', bargeIn: { active: false, reason: 'a stand-in pipeline' } });
    turns[0]!({ id: 't1' } as unknown as VoiceTurnRecord);
    expect(agent.status().outbox.pending).toBe(1);
    client.close();
  });

  it('transcribes the microphone test\'s audio with its pipeline\'s own model, and says why not when voice is off', async () => {
    const heard: number[] = [];
    const fake: VoiceFactory = async () => ({
      state: () => 'idle',
      hold: async () => undefined,
      bargeIn: () => ({ active: false, reason: 'a stand-in pipeline' }),
      toggle: async () => undefined,
      speak: async () => { throw new Error('unused'); },
      ask: async () => { throw new Error('unused'); },
      onTurn: () => () => undefined,
      transcribe: async (audio) => (heard.push(audio.length), { text: 'turn off the heating', model: 'whisper-base (cpu)' }),
      stop: async () => undefined,
    });
    const withVoice = await startAgent(tempDir(), fake);
    expect(await withVoice.agent.voiceTranscribe(new Int16Array(1600))).toEqual({ text: 'turn off the heating', model: 'whisper-base (cpu)' });
    expect(heard).toEqual([1600]);
    // Voice switched off: no model is loaded, and the reason is the one the status shows.
    const off = await startAgent(tempDir(), async ({ report }) => (report?.({ configured: false, reason: 'no speech-to-text model is installed', next: 'download whisper-base on the Models tab' }), null));
    expect(await off.agent.voiceTranscribe(new Int16Array(1600))).toEqual({ unavailable: 'no speech-to-text model is installed: download whisper-base on the Models tab' });
  });

  it('releases the lock and the socket when it stops, so the next start works', async () => {
    const { agent, home, runtime } = await startAgent();
    await agent.stop();
    running.splice(running.indexOf(agent), 1);
    expect(fs.existsSync(`${home}/agent.lock`)).toBe(false);
    expect(fs.existsSync(runtime.paths.controlSocket)).toBe(false);
    expect(fs.existsSync(runtime.paths.controlToken)).toBe(false);
    const again = await startAgent(home);
    expect(again.agent.status().outbox.pending).toBe(0);
  });

  it('refuses work before start and after stop with "not running" and how to start it, and reports itself down', async () => {
    const home = tempDir();
    const agent = new Agent({ runtime: openRuntime({ env: { JETT_HOME: home } }), config: ConfigSchema.parse({ tunnel: { autoConnect: false } }), env: { ...process.env, JETT_HOME: home }, voice: null });
    expect(() => agent.append('note', {})).toThrow(/the agent is not running/);
    await expect(agent.tunnelUp()).rejects.toThrow(/the agent is not running/);
    await expect(agent.syncOnce()).rejects.toThrow(/the agent is not running/);
    expect(StatusSnapshotSchema.parse(agent.status()).tunnel.reason).toBe('the agent is not running');
    await agent.start();
    agent.append('note', {});
    await agent.stop();
    expect(() => agent.appendMany({ kind: 'note', payloads: [1] })).toThrow(expect.objectContaining({ message: 'the agent is not running', fix: expect.stringContaining('`jett agent`') }));
    await expect(agent.tunnelDown()).rejects.toThrow(/the agent is not running/);
    expect(agent.clientId).toBeNull();
  });
});
