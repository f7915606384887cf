// The health state machine on a fake clock with a fake probe: no false alarm on a healthy idle tunnel, Degraded
// after two failures, Lost after more, repairs with backoff, and every transition published with its reason.
import { beforeEach, describe, expect, it } from 'vitest';
import type { JettEvents } from '../../../main/core/contracts/events.js';
import { StatusSnapshotSchema } from '../../../main/core/contracts/status.js';
import { EventBus } from '../../../main/core/events/bus.js';
import type { InterfaceStatus, PeerStatus } from '../../../main/core/tunnel/dump.js';
import { TunnelMonitor, type MonitorOptions } from '../../../main/core/tunnel/health.js';
import type { ProbeResult } from '../../../main/core/tunnel/probe.js';
import { FakeTimers } from './fake-timers.js';

type StateEvent = JettEvents['tunnel.state'];

class FakeTunnel {
  present = true;
  /** Unix seconds of the last handshake; 0 = never. */
  handshake = 0;
  rx = 0;
  answering = true;
  probes = 0;
  reads = 0;
  constructor(private readonly timers: FakeTimers) {}

  status = async (): Promise<InterfaceStatus | null> => {
    this.reads += 1;
    if (!this.present) return null;
    const peer: PeerStatus = { publicKey: 'k', hasPresharedKey: false, endpoint: '192.0.2.2:51820', allowedIPs: ['198.18.0.2/32'], latestHandshake: this.handshake, rxBytes: this.rx, txBytes: this.rx * 2, keepalive: 25 };
    return { name: 'jett0', peers: [peer] };
  };

  probe = async (): Promise<ProbeResult> => {
    this.probes += 1;
    if (!this.answering) return { ok: false, rttMs: null, error: 'no answer from 10.0.0.2 within 1 s' };
    this.rx += 92;
    // Traffic re-handshakes a stale session; on the real pair the age still peaked at 130-145 s, so lag to 140 s.
    if (this.handshake === 0 || this.timers.now() / 1000 - this.handshake > 140) this.handshake = Math.floor(this.timers.now() / 1000);
    return { ok: true, rttMs: 0.5, error: null };
  };
}

describe('TunnelMonitor', () => {
  let timers: FakeTimers;
  let tunnel: FakeTunnel;
  let bus: EventBus;
  let events: StateEvent[];
  let repairs: string[];

  const make = (options: Partial<MonitorOptions> = {}) =>
    new TunnelMonitor({
      iface: 'jett0',
      status: tunnel.status,
      probe: tunnel.probe,
      bus,
      timers,
      repairs: { reresolve: async () => void repairs.push('reresolve'), restart: async () => void repairs.push('restart') },
      options,
    });

  beforeEach(() => {
    timers = new FakeTimers();
    tunnel = new FakeTunnel(timers);
    bus = new EventBus();
    events = [];
    repairs = [];
    bus.on('tunnel.state', (e) => events.push(e));
  });

  it('reads Down when the interface does not exist', async () => {
    tunnel.present = false;
    const m = make();
    expect(await m.tick()).toBe('down');
    expect(m.snapshot()).toEqual({ state: 'down', reason: 'interface jett0 is not up', handshakeAgeS: null, rxBytes: null, txBytes: null, probeRttMs: null, endpoint: null });
    expect(events).toEqual([]);
    expect(tunnel.probes).toBe(0);
  });

  it('goes Up when the probe answers, with a snapshot that fits the status contract', async () => {
    const m = make();
    expect(await m.tick()).toBe('up');
    expect(events).toEqual([{ from: 'down', to: 'up', reason: 'probe answered in 0.5 ms', at: new Date(timers.now()).toISOString() }]);
    // Counters are read before the probe, and again once statusEveryMs has passed: that read shows what the probes moved.
    expect(m.snapshot()).toMatchObject({ handshakeAgeS: null, rxBytes: 0 });
    await timers.advance(60_000);
    await m.tick();
    const snap = m.snapshot();
    expect(snap).toMatchObject({ state: 'up', handshakeAgeS: 60, rxBytes: 92, txBytes: 184, probeRttMs: 0.5, endpoint: '192.0.2.2:51820' });
    expect(StatusSnapshotSchema.shape.tunnel.parse(snap)).toEqual(snap);
  });

  it('while probes answer, reads the interface (a sudo call through the helper) once a minute, not every poll', async () => {
    const m = make();
    for (let i = 0; i < 24; i++) {
      await m.tick();
      await timers.advance(5000);
    }
    // 24 polls, at 0 to 115 s: every one probed, the status read at 0 and 60 s only; the poll at 120 s reads it again.
    expect([tunnel.probes, tunnel.reads]).toEqual([24, 2]);
    await m.tick();
    expect([tunnel.probes, tunnel.reads]).toEqual([25, 3]);
    expect(m.snapshot()).toMatchObject({ state: 'up', rxBytes: 24 * 92 });
  });

  it('reads the interface at once when a probe fails between reads, and judges with the handshake age as it is then', async () => {
    const m = make();
    await m.tick();
    await timers.advance(5000);
    tunnel.present = false;
    tunnel.answering = false;
    expect(await m.tick()).toBe('down');
    expect([tunnel.probes, tunnel.reads]).toEqual([2, 2]);
    expect(m.snapshot()).toMatchObject({ state: 'down', reason: 'interface jett0 is not up', rxBytes: null });
  });

  it('reads the interface again after a nudge (resume, network change, tunnel up or down)', async () => {
    const m = make();
    await m.tick();
    await timers.advance(5000);
    m.nudge('resume');
    await m.tick();
    expect(tunnel.reads).toBe(2);
  });

  it('shows Connecting until the first answer', async () => {
    tunnel.answering = false;
    const m = make();
    await m.tick();
    expect(events.map((e) => e.to)).toEqual(['connecting']);
    expect(events[0]!.reason).toMatch(/waiting for the first answer .*no handshake yet/);
    tunnel.answering = true;
    await m.tick();
    expect(events.map((e) => e.to)).toEqual(['connecting', 'up']);
  });

  it('stays Up after one failed probe, Degraded after two in a row, Lost after five', async () => {
    const m = make();
    await m.tick();
    tunnel.answering = false;
    await m.tick();
    expect(m.snapshot().state).toBe('up');
    await m.tick();
    expect(m.snapshot().state).toBe('degraded');
    expect(events.at(-1)!.reason).toMatch(/^2 probes in a row failed \(no answer from 10\.0\.0\.2 within 1 s\), last handshake \d+ s ago$/);
    await m.tick();
    await m.tick();
    expect(m.snapshot().state).toBe('degraded');
    await m.tick();
    expect(m.snapshot().state).toBe('lost');
    expect(m.snapshot().probeRttMs).toBeNull();
    tunnel.answering = true;
    await m.tick();
    expect(events.map((e) => `${e.from}->${e.to}`)).toEqual(['down->up', 'up->degraded', 'degraded->lost', 'lost->up']);
    expect(events.at(-1)!.reason).toBe('probe answered again in 0.5 ms after 5 failed');
  });

  it('never leaves Up on a healthy idle tunnel whose handshake ages to 145 s (keepalive 25 answers nothing)', async () => {
    const m = make();
    m.start();
    // 20 minutes, several rekeys: the age climbs to about 145 s before each.
    let maxAge = 0;
    for (let s = 0; s < 1200; s += 5) {
      await timers.advance(5000);
      maxAge = Math.max(maxAge, m.snapshot().handshakeAgeS ?? 0);
    }
    await m.stop();
    expect(maxAge).toBeGreaterThanOrEqual(140);
    expect(events.map((e) => e.to)).toEqual(['up']);
  });

  it('treats a handshake older than 180 s with a failed probe as Lost at once (the keys are dead)', async () => {
    const m = make();
    await m.tick();
    tunnel.handshake = Math.floor(timers.now() / 1000) - 200;
    tunnel.answering = false;
    await m.tick();
    expect(m.snapshot().state).toBe('lost');
    expect(events.at(-1)!.reason).toMatch(/last handshake 200 s ago \(session keys expired\)/);
  });

  it('polls every pollMs while healthy and retries after retryMs once a probe fails', async () => {
    const m = make({ pollMs: 5000, retryMs: 1000 });
    m.start();
    await timers.advance(0);
    expect(tunnel.probes).toBe(1);
    await timers.advance(20_000);
    expect(tunnel.probes).toBe(5);
    tunnel.answering = false;
    await timers.advance(5000);
    expect(tunnel.probes).toBe(6);
    await timers.advance(1000);
    expect(tunnel.probes).toBe(7);
    expect(m.snapshot().state).toBe('degraded');
    await m.stop();
    await timers.advance(60_000);
    expect(tunnel.probes).toBe(7);
  });

  it('checks at once when nudged (resume from sleep, network change)', async () => {
    const m = make({ pollMs: 60_000 });
    m.start();
    await timers.advance(0);
    expect(tunnel.probes).toBe(1);
    m.nudge('resume');
    await timers.settle();
    expect(tunnel.probes).toBe(2);
    await timers.advance(59_000);
    expect(tunnel.probes).toBe(2);
    await timers.advance(1000);
    expect(tunnel.probes).toBe(3);
    await m.stop();
  });

  it('repairs a lost tunnel: endpoint first, then restarts with growing backoff; a recovery resets it', async () => {
    const m = make({ pollMs: 1000, retryMs: 1000, lostAfter: 3, repairBackoffMs: [0, 5000, 10_000] });
    m.start();
    await timers.advance(0);
    tunnel.answering = false;
    await timers.advance(3000);
    expect(m.snapshot().state).toBe('lost');
    expect(repairs).toEqual(['reresolve']);
    await timers.advance(5000);
    expect(repairs).toEqual(['reresolve', 'restart']);
    await timers.advance(9000);
    expect(repairs).toEqual(['reresolve', 'restart']);
    await timers.advance(1000);
    expect(repairs).toEqual(['reresolve', 'restart', 'restart']);
    tunnel.answering = true;
    await timers.advance(1000);
    expect(m.snapshot().state).toBe('up');
    tunnel.answering = false;
    await timers.advance(3000);
    expect(repairs.slice(3)).toEqual(['reresolve']);
    await m.stop();
  });

  it('counts a probe that throws as a failure, and lets the probe decide when status cannot be read', async () => {
    const m = new TunnelMonitor({
      iface: 'jett0',
      status: async () => {
        throw new Error('wg show jett0 failed: Operation not permitted');
      },
      probe: async () => {
        throw new Error('spawn ping ENOENT');
      },
      bus,
      timers,
    });
    await m.tick();
    expect(m.snapshot().state).toBe('connecting');
    expect(m.snapshot().reason).toMatch(/spawn ping ENOENT/);
  });
});
