// A tunnel never set up, on a fake clock: the monitor says "not configured" with the next step, and for as long as
// time runs it reads no interface, sends no probe, tries no repair and raises no "lost".
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JettEvents } from '../../../main/core/contracts/events.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { TunnelMonitor } from '../../../main/core/tunnel/health.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { tunnelReadiness } from '../../../main/core/tunnel/readiness.js';
import { loadCatalogue } from '../../../main/core/voice/models/catalogue.js';
import { voiceReadiness } from '../../../main/core/voice/models/readiness.js';
import { syncReadiness } from '../../../main/core/sync/readiness.js';
import { heartbeatReadiness } from '../../../main/core/heartbeat/sender.js';
import { tempDir } from '../../helpers/tmp.js';
import { FakeTimers } from './fake-timers.js';

const secretsOf = (values: Record<string, string>) => ({ get: async (name: string) => values[name] ?? null });

describe('a tunnel monitor without keys, peer or endpoint', () => {
  it('reports not configured once and never reads, probes or repairs, however long it runs and however often nudged', async () => {
    const timers = new FakeTimers();
    const bus = new EventBus();
    const events: JettEvents['tunnel.state'][] = [];
    bus.on('tunnel.state', (e) => events.push(e));
    const ran: string[] = [];
    const settings = ConfigSchema.parse({}).tunnel;
    const m = new TunnelMonitor({
      iface: 'jett0',
      status: async () => (ran.push('status'), null),
      probe: async () => (ran.push('probe'), { ok: false, rttMs: null, error: 'no answer' }),
      readiness: () => tunnelReadiness(settings, secretsOf({})),
      repairs: { reresolve: async () => void ran.push('reresolve'), restart: async () => void ran.push('restart') },
      bus,
      timers,
    });
    m.start();
    await timers.advance(3_600_000);
    m.nudge('resume');
    m.nudge('network-change');
    await timers.advance(60_000);
    await m.stop();
    expect(ran).toEqual([]);
    expect(events.map((e) => e.to)).toEqual(['unconfigured']);
    expect(m.snapshot().state).toBe('unconfigured');
    expect(m.snapshot().reason).toMatch(/^this desktop has no WireGuard key yet \(missing .*\): run `jett keys generate`/);
  });

  it('looks again after an explicit Connect, and watches once the settings are complete', async () => {
    const timers = new FakeTimers();
    const ran: string[] = [];
    let configured = false;
    const m = new TunnelMonitor({
      iface: 'jett0',
      status: async () => (ran.push('status'), null),
      probe: async () => (ran.push('probe'), { ok: true, rttMs: 1, error: null }),
      readiness: async () => (configured ? { configured: true, reason: 'peer', next: null } : { configured: false, reason: 'no key', next: 'run `jett keys generate`' }),
      bus: new EventBus(),
      timers,
    });
    expect(await m.tick()).toBe('unconfigured');
    configured = true;
    // Without a recheck the first answer stands (a monitor decides when it is built).
    expect(await m.tick()).toBe('unconfigured');
    m.recheck('tunnel up requested');
    await timers.advance(1000);
    expect(ran).toContain('status');
    expect(m.snapshot().state).toBe('down');
    await m.stop();
  });

  it('names the peer next once the key exists, and is configured with key, peer and endpoint', async () => {
    const key = { 'tunnel.privateKey': generateKeyPair().privateKey };
    const bare = ConfigSchema.parse({}).tunnel;
    expect(await tunnelReadiness(bare, secretsOf(key))).toMatchObject({ configured: false, reason: 'the VPS peer is not set (missing the VPS public key (tunnel.peerPublicKey), the VPS endpoint (tunnel.endpoint))', next: expect.stringContaining('jett tunnel peer') });
    const full = ConfigSchema.parse({ tunnel: { peerPublicKey: generateKeyPair().publicKey, endpoint: 'vps.example.org:51820' } }).tunnel;
    expect(await tunnelReadiness(full, secretsOf(key))).toEqual({ configured: true, reason: 'peer vps.example.org:51820', next: null });
  });
});

describe('the other services\' readiness', () => {
  const config = ConfigSchema.parse({});

  it('sync: not configured without postgres.password, configured with it (the password never in the answer)', async () => {
    expect(await syncReadiness(config.postgres, secretsOf({}))).toMatchObject({ configured: false, next: expect.stringContaining('jett secret set postgres.password') });
    const ok = await syncReadiness(config.postgres, secretsOf({ 'postgres.password': 'pw-secret-123' }));
    expect(ok).toEqual({ configured: true, reason: 'jett@10.0.0.2:5432/jett', next: null });
    expect(JSON.stringify(ok)).not.toContain('pw-secret-123');
  });

  it('heartbeat: not configured without heartbeat.token', async () => {
    expect(await heartbeatReadiness(config.heartbeat.url, async () => null)).toMatchObject({ configured: false, reason: 'no heartbeat token yet (secret heartbeat.token)' });
    expect(await heartbeatReadiness(config.heartbeat.url, async () => 'tok')).toMatchObject({ configured: true, next: null });
  });

  it('voice: names each missing model and how to get it; only a missing speech-to-text model stops it', () => {
    const catalogue = loadCatalogue();
    const dir = tempDir();
    expect(voiceReadiness(config, dir, catalogue)).toEqual({
      configured: false,
      reason: `speech models not downloaded: whisper-base (speech-to-text) and kokoro-82m (text-to-speech), in ${dir}`,
      next: 'download them on the Models screen (Pull), or run `jett models pull whisper-base` and `jett models pull kokoro-82m`',
    });
    fs.mkdirSync(path.join(dir, 'whisper-base'));
    fs.writeFileSync(path.join(dir, 'whisper-base', 'config.json'), '{"model_type":"whisper"}');
    expect(voiceReadiness(config, dir, catalogue)).toEqual({
      configured: true,
      reason: 'kokoro-82m (text-to-speech) is not downloaded: replies use espeak-ng',
      next: 'download it on the Models screen (Pull), or run `jett models pull kokoro-82m`',
    });
    fs.mkdirSync(path.join(dir, 'kokoro-82m'));
    fs.writeFileSync(path.join(dir, 'kokoro-82m', 'config.json'), '{}');
    expect(voiceReadiness(config, dir, catalogue)).toMatchObject({ configured: true, next: null });
  });
});
