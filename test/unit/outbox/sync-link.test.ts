// The sync link's transition table: when pushes, pulls and LISTEN may run, and which events each state ignores.
import { describe, expect, it } from 'vitest';
import { canPush, isLive, isStarted, LINK_TRANSITIONS, nextLinkState, type LinkEvent, type LinkState } from '../../../main/core/sync/link.js';

const walk = (events: LinkEvent[], from: LinkState = 'off'): LinkState => events.reduce((s, e) => nextLinkState(s, e) ?? s, from);

describe('sync link transitions', () => {
  it('pushes only while up: a failed push waits its backoff, which only its timer or tunnel-up ends', () => {
    expect(walk(['start'])).toBe('up');
    expect(walk(['start', 'push-failed'])).toBe('backoff');
    expect(canPush('backoff')).toBe(false);
    expect(isLive('backoff')).toBe(true);
    expect(walk(['start', 'push-failed', 'backoff-over'])).toBe('up');
    expect(walk(['start', 'push-failed', 'tunnel-up'])).toBe('up');
  });

  it('tries nothing while the tunnel is down, and remembers a tunnel-down reported before start or across a restart', () => {
    expect(walk(['start', 'push-failed', 'tunnel-down'])).toBe('down');
    expect([canPush('down'), isLive('down'), isStarted('down')]).toEqual([false, false, true]);
    expect(walk(['tunnel-down', 'start'])).toBe('down');
    expect(walk(['start', 'tunnel-down', 'stop', 'start'])).toBe('down');
    expect(walk(['tunnel-down', 'tunnel-up', 'start'])).toBe('up');
  });

  it('ignores a second start, a stop when stopped, a failure while not pushing and a late backoff timer', () => {
    expect(nextLinkState('up', 'start')).toBeNull();
    expect(nextLinkState('off', 'stop')).toBeNull();
    expect(nextLinkState('down', 'push-failed')).toBeNull();
    expect(nextLinkState('backoff', 'push-failed')).toBeNull();
    expect(nextLinkState('down', 'backoff-over')).toBeNull();
    expect(nextLinkState('off', 'push-failed')).toBeNull();
  });

  it('stops from every started state, and nothing runs once stopped', () => {
    for (const s of ['up', 'backoff', 'down'] as const) expect(isStarted(nextLinkState(s, 'stop') ?? s)).toBe(false);
    for (const s of Object.keys(LINK_TRANSITIONS) as LinkState[]) if (!isStarted(s)) expect([canPush(s), isLive(s)]).toEqual([false, false]);
  });
});
