// The route check's in-process fast path on a real WireGuard pair: with the tunnel carrying the VPS address it
// answers without running `ip`; when a LAN route wins, even one that sends from the tunnel's own address, it never
// says "tunnel" and `ip route get` decides (and names the LAN interface).
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair, type VpsTunnel } from '../../helpers/netns.js';

interface Checked {
  answer: { dev: string | null; tunnelExists: boolean };
  ran: string[];
}

describeWith([root, binary('ip'), binary('wg-quick'), binary('wg'), binary('wireguard-go')], 'the route check\'s fast path', () => {
  let pair: NetnsPair;
  let vps: VpsTunnel;
  const ip = () => resolveBinary('ip')!;
  const check = async (): Promise<Checked> => {
    const r = await pair.runner('desktop').run(process.execPath, ['--import', 'tsx', path.resolve('test/integration/tunnel/route-check-in-ns.ts'), TUNNEL.vps, vps.desktopIface], { timeoutMs: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Checked;
  };

  beforeAll(async () => {
    pair = await createNetnsPair({ prefix: 'jr' });
    vps = await startVpsTunnel(pair);
    await pair.wgQuickUp('desktop', vps.desktopIface, vps.desktopConfigText);
  }, 60_000);

  afterAll(async () => {
    await pair?.destroy();
  });

  it('answers "through the tunnel" without running a program while the tunnel carries the VPS address', async () => {
    expect(await check()).toEqual({ answer: { dev: vps.desktopIface, tunnelExists: true }, ran: [] });
  }, 60_000);

  it('leaves a winning LAN route to `ip route get`, which names the LAN interface', async () => {
    await pair.exec('desktop', ip(), ['route', 'add', `${TUNNEL.vps}/32`, 'dev', pair.veth.desktop]);
    try {
      const { answer, ran } = await check();
      expect(answer.dev).toBe(pair.veth.desktop);
      expect(ran[0]).toMatch(/ -j route get 198\.18\.0\.2$/);
    } finally {
      await pair.exec('desktop', ip(), ['route', 'del', `${TUNNEL.vps}/32`, 'dev', pair.veth.desktop]);
    }
  }, 60_000);

  it('is not fooled by a LAN that gives this desktop the tunnel\'s own address and routes the VPS from it', async () => {
    // The source address is the tunnel's, but held by two interfaces: only the program can tell where packets go.
    await pair.exec('desktop', ip(), ['addr', 'add', `${TUNNEL.desktop}/32`, 'dev', pair.veth.desktop]);
    await pair.exec('desktop', ip(), ['route', 'add', `${TUNNEL.vps}/32`, 'dev', pair.veth.desktop, 'src', TUNNEL.desktop]);
    try {
      const { answer, ran } = await check();
      expect(answer.dev).toBe(pair.veth.desktop);
      expect(ran.length).toBeGreaterThan(0);
    } finally {
      await pair.exec('desktop', ip(), ['route', 'del', `${TUNNEL.vps}/32`, 'dev', pair.veth.desktop]);
      await pair.exec('desktop', ip(), ['addr', 'del', `${TUNNEL.desktop}/32`, 'dev', pair.veth.desktop]);
    }
    expect(await check()).toEqual({ answer: { dev: vps.desktopIface, tunnelExists: true }, ran: [] });
  }, 60_000);
});
