// The one registry of what a process must not leave behind: its exit hook is installed once and releases only what
// was not stopped cleanly, a resource that is already gone does not keep the others alive, stopAll stops by kind.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LiveResources } from '../../../main/core/process/live-resources.js';

function fakeProcess() {
  const proc = new EventEmitter();
  return { proc, exit: () => proc.emit('exit', 0), hooks: () => proc.listenerCount('exit') };
}

describe('LiveResources', () => {
  it('at exit releases what is still registered, once, and leaves a forgotten one alone', () => {
    const { proc, exit, hooks } = fakeProcess();
    const live = new LiveResources(proc);
    const released: string[] = [];
    const a = live.add({ kind: 'child', pid: 11, release: () => void released.push('a') });
    live.add({ kind: 'child', pid: 12, release: () => void released.push('b') });
    live.add({ kind: 'pair', release: () => void released.push('c') });
    expect(hooks()).toBe(1);
    expect(live.list('child').map((r) => r.pid)).toEqual([11, 12]);
    a.forget();
    exit();
    expect(released).toEqual(['b', 'c']);
    expect(live.list()).toEqual([]);
  });

  it('keeps releasing after one that throws (already gone)', () => {
    const { proc, exit } = fakeProcess();
    const live = new LiveResources(proc);
    const released: string[] = [];
    live.add({ kind: 'child', release: () => { throw new Error('ESRCH'); } });
    live.add({ kind: 'child', release: () => void released.push('second') });
    exit();
    expect(released).toEqual(['second']);
  });

  it('stopAll stops one kind the clean way, releases those without a stop, and leaves other kinds', async () => {
    const { proc } = fakeProcess();
    const live = new LiveResources(proc);
    const done: string[] = [];
    live.add({ kind: 'pair', release: () => void done.push('released p1'), stop: async () => void done.push('stopped p1') });
    live.add({ kind: 'pair', release: () => void done.push('released p2') });
    live.add({ kind: 'child', release: () => void done.push('released child') });
    await live.stopAll('pair');
    expect(done).toEqual(['stopped p1', 'released p2']);
    expect(live.list().map((r) => r.kind)).toEqual(['child']);
  });
});
