// OS events to the agent: suspend, resume (and unlock), and network changes seen by comparing addresses.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchSystemEvents } from '../../../main/app/system-events.js';
import type { SystemEventKind } from '../../../main/app/agent-handle.js';

function rig() {
  const power = new EventEmitter();
  const seen: SystemEventKind[] = [];
  const state = { online: true, sig: 'eth0=192.0.2.10' };
  let tick: () => void = () => {};
  const stop = watchSystemEvents({
    powerMonitor: power,
    isOnline: () => state.online,
    networkSignature: () => state.sig,
    onEvent: (k) => seen.push(k),
    setInterval: (fn) => {
      tick = fn;
      return 1;
    },
    clearInterval: () => {
      tick = () => {};
    },
  });
  return { power, seen, state, tick: () => tick(), stop };
}

describe('watchSystemEvents', () => {
  it('passes suspend, resume and unlock on', () => {
    const r = rig();
    r.power.emit('suspend');
    r.power.emit('resume');
    r.power.emit('unlock-screen');
    expect(r.seen).toEqual(['suspend', 'resume', 'resume']);
  });

  it('reports a network change once per change, not on every poll', () => {
    const r = rig();
    r.tick();
    r.tick();
    expect(r.seen).toEqual([]);
    r.state.sig = 'wlan0=192.0.2.77';
    r.tick();
    r.tick();
    r.state.online = false;
    r.tick();
    expect(r.seen).toEqual(['network-change', 'network-change']);
  });

  it('stops listening', () => {
    const r = rig();
    r.stop();
    r.power.emit('resume');
    r.state.sig = 'other';
    r.tick();
    expect(r.seen).toEqual([]);
    expect(r.power.listenerCount('resume')).toBe(0);
  });
});
