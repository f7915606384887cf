// Notifications on health changes only: lost, recovered, backlog sent after an offline spell; silence otherwise.
import { describe, expect, it } from 'vitest';
import { HealthNotifier } from '../../../main/app/notifications.js';
import { snapshot } from './helpers.js';

const up = (pending = 0) => snapshot({ tunnel: { state: 'up' }, outbox: { pending } });
const lost = (pending = 0) => snapshot({ tunnel: { state: 'lost', reason: 'the VPS stopped answering probes' }, outbox: { pending } });

describe('HealthNotifier', () => {
  it('is silent while nothing changes, however often it is polled', () => {
    const n = new HealthNotifier();
    for (let i = 0; i < 20; i++) expect(n.next(up())).toEqual([]);
  });

  it('says lost, then recovered, then backlog sent, once each', () => {
    const n = new HealthNotifier();
    n.next(up());
    expect(n.next(lost(0)).map((x) => x.title)).toEqual(['Jett: tunnel lost']);
    expect(n.next(lost(2))).toEqual([]);
    expect(n.next(lost(5))).toEqual([]);
    expect(n.next(up(5)).map((x) => x.title)).toEqual(['Jett: tunnel recovered']);
    expect(n.next(up(1))).toEqual([]);
    const sent = n.next(up(0));
    expect(sent).toEqual([{ title: 'Jett: backlog sent', body: 'All 5 items recorded while the VPS was unreachable have reached it.' }]);
    expect(n.next(up(0))).toEqual([]);
  });

  it('says nothing about a backlog when the offline spell left none', () => {
    const n = new HealthNotifier();
    n.next(up());
    n.next(lost());
    expect(n.next(up()).map((x) => x.title)).toEqual(['Jett: tunnel recovered']);
    expect(n.next(up())).toEqual([]);
  });

  it('does not call a tunnel the user never had "lost"', () => {
    const n = new HealthNotifier();
    expect(n.next(snapshot({ tunnel: { state: 'down' } }))).toEqual([]);
    expect(n.next(lost())).toEqual([]);
  });

  it('does not report the normal backlog of an online tunnel', () => {
    const n = new HealthNotifier();
    n.next(up(0));
    n.next(up(3));
    expect(n.next(up(0))).toEqual([]);
  });
});

describe('HealthNotifier and a tunnel never set up', () => {
  it('says nothing while the tunnel is not configured, nor when it then comes up', () => {
    const n = new HealthNotifier();
    const unset = snapshot({ tunnel: { state: 'unconfigured', reason: 'this desktop has no WireGuard key yet' } });
    for (let i = 0; i < 5; i++) expect(n.next(unset)).toEqual([]);
    expect(n.next(up())).toEqual([]);
  });
});
