// A service that throws is reported and restarted with growing backoff; the others keep running.
import { describe, expect, it } from 'vitest';
import { Supervisor, type Timers } from '../../../main/core/agent/supervisor.js';
import type { JettEvents } from '../../../main/core/contracts/events.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';

function manualTimers() {
  const queue: { fn: () => void; ms: number }[] = [];
  const timers: Timers = { setTimeout: (fn, ms) => queue.push({ fn, ms }), clearTimeout: () => {} };
  return { queue, timers };
}

describe('Supervisor', () => {
  it('restarts a failing service with doubling delays and reports each state', async () => {
    const bus = new EventBus();
    const states: JettEvents['service.state'][] = [];
    bus.on('service.state', (s) => states.push(s));
    const { queue, timers } = manualTimers();
    const sup = new Supervisor(bus, createLogger({ sink: () => {}, format: 'json' }), { baseMs: 1000, capMs: 3000, timers });
    let attempts = 0;
    sup.add({ name: 'flaky', start: async () => { if (++attempts < 4) throw new Error(`boom ${attempts}`); }, stop: async () => {} });
    let steadyStarted = false;
    sup.add({ name: 'steady', start: async () => { steadyStarted = true; }, stop: async () => {} });
    await sup.startAll();
    expect(steadyStarted).toBe(true);
    const delays: number[] = [];
    while (queue.length) {
      const next = queue.shift()!;
      delays.push(next.ms);
      next.fn();
      await new Promise((r) => setImmediate(r));
    }
    expect(delays).toEqual([1000, 2000, 3000]);
    expect(states.filter((s) => s.service === 'flaky').map((s) => s.state)).toEqual([
      'starting', 'failed', 'starting', 'failed', 'starting', 'failed', 'starting', 'running',
    ]);
    expect(states.find((s) => s.state === 'failed')?.error).toBe('boom 1');
  });

  it('restarts a service that reports it died, and stops all in reverse order', async () => {
    const bus = new EventBus();
    const { queue, timers } = manualTimers();
    const sup = new Supervisor(bus, createLogger({ sink: () => {}, format: 'json' }), { timers });
    const log: string[] = [];
    for (const name of ['a', 'b']) sup.add({ name, start: async () => void log.push(`start ${name}`), stop: async () => void log.push(`stop ${name}`) });
    await sup.startAll();
    sup.reportFailure('a', new Error('socket closed'));
    queue.shift()!.fn();
    await new Promise((r) => setImmediate(r));
    await sup.stopAll();
    expect(log).toEqual(['start a', 'start b', 'start a', 'stop b', 'stop a']);
  });

  it('rebuilds one service in place, leaves the others alone, and keeps the old one when the new cannot be built', async () => {
    const bus = new EventBus();
    const sup = new Supervisor(bus, createLogger({ sink: () => {}, format: 'json' }), manualTimers());
    const log: string[] = [];
    const service = (name: string) => ({ name: name.split(' ')[0]!, start: async () => void log.push(`start ${name}`), stop: async () => void log.push(`stop ${name}`) });
    sup.add(service('a old'));
    sup.add(service('b'));
    await sup.startAll();
    await sup.rebuild('a', async () => service('a new'));
    expect(log).toEqual(['start a old', 'start b', 'stop a old', 'start a new']);
    await expect(sup.rebuild('a', async () => {
      throw new Error('cannot build');
    })).rejects.toThrow('cannot build');
    expect(log.slice(4)).toEqual(['stop a new', 'start a new']);
    // A service not there yet (voice was off) is added and started.
    await sup.rebuild('c', async () => service('c'));
    await sup.stopAll();
    expect(log.slice(6)).toEqual(['start c', 'stop c', 'stop b', 'stop a new']);
  });
});
