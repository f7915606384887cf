// The demo's privacy proof can fail: the egress counter on the desktop's underlay counts nothing for the tunnel's own
// traffic, and counts a deliberate leak (a ping, a UDP datagram to the VPS's address beside the tunnel port, an IPv6
// echo), each exactly once.
import { afterEach, expect, it } from 'vitest';
import { countEgress, type EgressCounter } from '../../../main/harness/netns/egress.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair } from '../../../main/harness/netns/pair.js';
import { resolvePrivileged } from '../../../main/core/process/privileged.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';

const need = (name: string) => {
  const found = resolvePrivileged(name);
  if (!found) throw new Error(`${name} not found`);
  return found;
};

describeWith([root, binary('ip'), binary('wg-quick'), binary('wg'), binary('wireguard-go'), binary('iptables'), binary('ip6tables'), binary('ping')], 'the egress counter of the demo\'s desktop namespace', () => {
  let pair: NetnsPair | null = null;
  afterEach(async () => {
    await pair?.destroy();
    pair = null;
  });

  it('counts 0 for traffic through the tunnel and every packet of a leak', async () => {
    pair = await createNetnsPair();
    const vps = await startVpsTunnel(pair);
    await pair.wgQuickUp('desktop', vps.desktopIface, vps.desktopConfigText);
    const counter: EgressCounter = await countEgress({ runner: pair.runner('desktop'), iface: pair.veth.desktop, endpoint: { host: pair.underlay.vps, port: TUNNEL.port } });

    // The tunnel's handshake and its pings are WireGuard UDP to the endpoint: nothing else left.
    await pair.exec('desktop', need('ping'), ['-c', '3', '-i', '0.2', '-W', '5', TUNNEL.vps]);
    const vpsWg = await pair.exec('vps', need('wg'), ['show', vps.vpsIface, 'transfer']);
    expect(Number(vpsWg.stdout.trim().split(/\s+/)[1])).toBeGreaterThan(0);
    expect(await counter.read()).toMatchObject({ packets: 0, ipv4: 0, ipv6: 0 });

    // A ping of the VPS's underlay address goes around the tunnel: one packet.
    await pair.exec('desktop', need('ping'), ['-c', '1', '-W', '5', pair.underlay.vps]);
    expect(await counter.read()).toMatchObject({ ipv4: 1, ipv6: 0 });

    // UDP to the endpoint's address on another port is not the tunnel.
    await pair.exec('desktop', need('bash'), ['-c', `printf leak > /dev/udp/${pair.underlay.vps}/${TUNNEL.port + 1}`]);
    expect(await counter.read()).toMatchObject({ ipv4: 2, ipv6: 0 });

    // IPv6 is counted too: an echo to the VPS's IPv6 address on the underlay (neighbour discovery left aside).
    for (const [side, addr] of [['desktop', '2001:db8::1'], ['vps', '2001:db8::2']] as const) await pair.exec(side, need('ip'), ['-6', 'addr', 'add', `${addr}/64`, 'dev', pair.veth[side], 'nodad']);
    await pair.exec('desktop', need('ping'), ['-6', '-c', '1', '-W', '5', '2001:db8::2']);
    const after = await counter.read();
    expect(after).toMatchObject({ ipv4: 2, ipv6: 1, packets: 3 });
    expect(after.bytes).toBeGreaterThan(0);

    await counter.remove();
  }, 90_000);
});
