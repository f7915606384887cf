// Attaching to an agent that already runs: the shell's handle over the real control endpoint (a Unix socket in a
// temp folder) reads status, forwards actions and nudges, and receives the agent's events.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachedHandle, type AgentHandle } from '../../../main/app/agent-handle.js';
import { ControlClient } from '../../../main/core/control/client.js';
import { ControlServer } from '../../../main/core/control/server.js';
import { JettError } from '../../../main/core/errors.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { EVENT_NAMES, EVENT_SAMPLES, voiceTurn } from '../../helpers/event-samples.js';
import { tempDir } from '../../helpers/tmp.js';
import { snapshot } from './helpers.js';

const SECRET = 'agent-handle-test-secret';
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function attach() {
  const sock = path.join(tempDir(), 'control.sock');
  const bus = new EventBus();
  const calls: string[] = [];
  const record =
    <T = undefined>(name: string, result?: T) =>
    async () => {
      calls.push(name);
      return result as T;
    };
  const server = new ControlServer({
    path: sock,
    secret: SECRET,
    handlers: {
      status: record('status', snapshot({ tunnel: { state: 'up', handshakeAgeS: 9 } })),
      'sync.once': record('sync.once', { pushed: 0, rejected: 0, pulled: 0, handled: 0, lastSeq: null }),
      'tunnel.up': record('tunnel.up'),
      'tunnel.down': async () => {
        throw new JettError('wg-quick down failed: jett0 is not a WireGuard interface', 'check `jett tunnel status`');
      },
      'tunnel.nudge': record('tunnel.nudge'),
      'voice.toggle': record('voice.toggle'),
      'voice.handsFree': record('voice.handsFree'),
      'voice.hold': record('voice.hold'),
      'outbox.status': record('outbox.status', { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null, sent: 0, lastError: null }),
      'outbox.append': record('outbox.append', { first: 1, last: 1 }),
      'config.reload': record('config.reload', { sections: ['heartbeat' as const], needsTunnelSetup: true }),
      'voice.history': async (query) => (calls.push(`voice.history(${query.search ?? ''},${query.limit})`), [voiceTurn('t1', 900)]),
      'voice.history.delete': async (what) => (calls.push(`voice.history.delete(${'all' in what ? 'all' : what.ids.join(',')})`), { ...EVENT_SAMPLES['events.redacted'], ids: 'all' in what ? [] : what.ids }),
      'voice.devices': record('voice.devices', { supported: true, devices: [{ name: 'default', description: 'Default' }], note: null }),
      'memory.list': async (query) => (calls.push(`memory.list(${query.search ?? ''},${query.limit})`), { items: [{ id: 'm1', at: '2026-11-29T10:00:00.000Z', text: 'The plumber comes on Tuesday.', kind: 'fact' as const, private: false }], search: { ready: true, model: 'all-minilm-l6-v2', reason: null } }),
      'memory.forget': async (what) => (calls.push(`memory.forget(${what.ids.join(',')})`), { forgotten: what.ids, missing: [] }),
    },
    bus,
    logger: createLogger({ sink: () => {}, format: 'json' }),
  });
  await server.listen();
  cleanup.push(() => server.close());
  const client = await ControlClient.connect(sock, SECRET);
  const handle: AgentHandle = await attachedHandle(client!);
  cleanup.push(() => handle.close());
  return { bus, calls, handle };
}

describe('attachedHandle', () => {
  it('reads the running agent\'s status', async () => {
    const { handle } = await attach();
    expect(handle.mode).toBe('attached');
    expect((await handle.status()).tunnel).toMatchObject({ state: 'up', handshakeAgeS: 9 });
  });

  it('forwards actions, and the agent\'s errors with their fix', async () => {
    const { handle, calls } = await attach();
    await handle.tunnelUp();
    await handle.voiceToggle();
    await handle.syncOnce();
    await handle.voiceHandsFree(true);
    await expect(handle.tunnelDown()).rejects.toMatchObject({ message: 'wg-quick down failed: jett0 is not a WireGuard interface', fix: 'check `jett tunnel status`' });
    expect(calls).toEqual(['tunnel.up', 'voice.toggle', 'sync.once', 'voice.handsFree']);
  });

  it('reaches the agent\'s voice history and microphones, the deletion\'s arguments checked by the agent first', async () => {
    const { handle, calls } = await attach();
    expect((await handle.voiceHistory({ search: 'calendar' })).map((t) => t.id)).toEqual(['t1']);
    expect(await handle.deleteVoiceHistory({ ids: ['t1'] })).toMatchObject({ ids: ['t1'], kind: 'voice.turn' });
    expect(await handle.deleteVoiceHistory({ all: true })).toMatchObject({ ids: [] });
    expect((await handle.voiceDevices()).devices).toEqual([{ name: 'default', description: 'Default' }]);
    // Neither ids nor all, or both: refused before the agent's handler runs.
    await expect(handle.deleteVoiceHistory({} as never)).rejects.toMatchObject({ fix: expect.any(String) });
    await expect(handle.deleteVoiceHistory({ ids: ['t1'], all: true } as never)).rejects.toMatchObject({ fix: expect.any(String) });
    expect(calls).toEqual(['voice.history(calendar,100)', 'voice.history.delete(t1)', 'voice.history.delete(all)', 'voice.devices']);
  });

  it('leaves the microphone test\'s audio in the app: an attached agent\'s model is its own, and the window says so', async () => {
    const { handle, calls } = await attach();
    expect(await handle.voiceTranscribe(new Int16Array(16_000))).toEqual({ unavailable: expect.stringMatching(/^the agent runs outside this app \(`jett agent`\)/) });
    expect(calls).toEqual([]);
  });

  it('reaches the agent\'s memory, a forget naming nothing refused by the agent first', async () => {
    const { handle, calls } = await attach();
    expect((await handle.memoryList({ search: 'plumber' })).items.map((m) => m.id)).toEqual(['m1']);
    expect(await handle.memoryForget({ ids: ['m1'] })).toEqual({ forgotten: ['m1'], missing: [] });
    await expect(handle.memoryForget({ ids: [] })).rejects.toMatchObject({ fix: expect.any(String) });
    expect(calls).toEqual(['memory.list(plumber,100)', 'memory.forget(m1)']);
  });

  it('nudges the tunnel probe on resume and network changes, not on suspend', async () => {
    const { handle, calls } = await attach();
    handle.systemEvent('suspend');
    handle.systemEvent('resume');
    handle.systemEvent('network-change');
    await handle.status();
    expect(calls.filter((c) => c === 'tunnel.nudge')).toHaveLength(2);
  });

  it('receives the agent\'s events', async () => {
    const { handle, bus } = await attach();
    const seen = new Promise((resolve) => handle.on('tunnel.state', resolve));
    bus.emit('tunnel.state', { from: 'up', to: 'lost', reason: 'no answer', at: '2026-11-27T10:00:00.000Z' });
    await expect(seen).resolves.toEqual({ from: 'up', to: 'lost', reason: 'no answer', at: '2026-11-27T10:00:00.000Z' });
  });

  it('receives every event of the map, voice turns included, each on its own name', async () => {
    const { handle, bus } = await attach();
    const seen: Array<{ event: string; payload: unknown }> = [];
    for (const name of EVENT_NAMES) handle.on(name, (payload) => void seen.push({ event: name, payload }));
    for (const name of EVENT_NAMES) bus.emit(name, EVENT_SAMPLES[name]);
    bus.emit('voice.turn', voiceTurn('t2', 950));
    // One round trip on the same connection: the events written before its answer have arrived.
    await handle.status();
    expect(seen).toEqual([...EVENT_NAMES.map((name) => ({ event: name, payload: EVENT_SAMPLES[name] })), { event: 'voice.turn', payload: voiceTurn('t2', 950) }]);
  });
});
