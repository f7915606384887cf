// The route check's fast path decides "through the tunnel" only from a source address the tunnel alone holds; every
// other case is the program's to answer.
import { describe, expect, it } from 'vitest';
import type { RouteLookup } from '../../../main/core/tunnel/route-lookup.js';
import { interfacesHolding, sourceAddressFor, withSourceFastPath } from '../../../main/core/tunnel/source-route.js';

const addr = (address: string) => ({ address, netmask: '255.255.255.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal: false, cidr: `${address}/24` });

function lookup(source: string | null, interfaces: Record<string, string[]>) {
  const asked: string[] = [];
  const program: RouteLookup = async (address) => (asked.push(address), { dev: 'wlan0', tunnelExists: true });
  const check = withSourceFastPath(program, {
    sourceFor: async () => source,
    interfaces: () => Object.fromEntries(Object.entries(interfaces).map(([n, as]) => [n, as.map(addr)])),
  });
  return { check: () => check('10.0.0.2', 'jett0'), asked };
}

describe('withSourceFastPath', () => {
  it('answers through the tunnel, without the program, when only the tunnel holds the source address', async () => {
    const l = lookup('10.0.0.1', { jett0: ['10.0.0.1'], wlan0: ['192.168.1.20'] });
    expect(await l.check()).toEqual({ dev: 'jett0', tunnelExists: true });
    expect(l.asked).toEqual([]);
  });

  it('asks the program when the source is another interface\'s, shared with another interface, or unknown', async () => {
    const cases: [string | null, Record<string, string[]>][] = [
      ['192.168.1.20', { jett0: ['10.0.0.1'], wlan0: ['192.168.1.20'] }],
      ['10.0.0.1', { jett0: ['10.0.0.1'], wlan0: ['10.0.0.1'] }],
      ['10.0.0.1', { wlan0: ['10.0.0.1'] }],
      [null, { jett0: ['10.0.0.1'] }],
    ];
    for (const [source, interfaces] of cases) {
      const l = lookup(source, interfaces);
      expect(await l.check()).toEqual({ dev: 'wlan0', tunnelExists: true });
      expect(l.asked).toEqual(['10.0.0.2']);
    }
  });

  it('reads the kernel\'s choice of source address, and which interfaces hold it', async () => {
    expect(await sourceAddressFor('127.0.0.1')).toBe('127.0.0.1');
    expect(interfacesHolding('127.0.0.1')).toEqual(['lo']);
  });
});
