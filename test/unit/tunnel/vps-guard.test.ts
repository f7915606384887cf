// The tunnel guard's decisions on recorded kernel answers (Linux `ip -j route get`, Windows `Find-NetRoute`): a
// route through the tunnel passes, a LAN route or a missing tunnel is refused with what to do, and every connect asks again.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNetRouteScript, parseFindNetRoute, parseIpRouteGet, routeLookupFor } from '../../../main/core/tunnel/route-lookup.js';
import type { ProcessRunner, RunResult } from '../../../main/core/tunnel/runner.js';
import { createVpsGuard, TunnelDownError } from '../../../main/core/tunnel/vps-guard.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

/** Answers `ip` like the kernel in the recorded state; records each command line. */
function fakeIp(state: { route: RunResult; linkExists: boolean }) {
  const calls: string[][] = [];
  const runner: ProcessRunner = {
    async run(file, args) {
      calls.push([file, ...args]);
      if (args.includes('route')) return state.route;
      return state.linkExists ? { exitCode: 0, stdout: '[{"ifname":"jett0"}]', stderr: '' } : { exitCode: 1, stdout: '', stderr: 'Device "jett0" does not exist.\n' };
    },
  };
  return { runner, calls };
}

const ok = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: '' });
const UNREACHABLE: RunResult = { exitCode: 2, stdout: '', stderr: 'RTNETLINK answers: Network is unreachable\n' };

describe('route lookup parsers', () => {
  it('reads the outgoing interface from `ip -j route get` and from Find-NetRoute', () => {
    expect(parseIpRouteGet(fixture('ip-route-get-tunnel.json'))).toBe('jett0');
    expect(parseIpRouteGet(fixture('ip-route-get-lan.json'))).toBe('eth0');
    expect(parseFindNetRoute(fixture('find-netroute-tunnel.json'))).toBe('jett0');
    expect(parseFindNetRoute(fixture('find-netroute-lan.json'))).toBe('Wi-Fi');
    // One object comes without the array; no route prints nothing.
    expect(parseFindNetRoute('{"InterfaceAlias":"jett0","DestinationPrefix":"10.0.0.2/32"}')).toBe('jett0');
    expect(parseFindNetRoute('')).toBeNull();
  });

  it('builds the PowerShell script from an IP literal only, so a host name cannot inject code', () => {
    expect(findNetRouteScript('10.0.0.2', 'jett0')).toContain("Find-NetRoute -RemoteIPAddress '10.0.0.2'");
    expect(() => findNetRouteScript("10.0.0.2'; Remove-Item C:\\ -Recurse; '", 'jett0')).toThrow(/not an IP address/);
  });
});

describe.runIf(process.platform === 'linux')('the tunnel guard (Linux, recorded ip answers)', () => {
  it('lets a connection through when the route goes via the tunnel interface, and returns the address to use', async () => {
    const ip = fakeIp({ route: ok(fixture('ip-route-get-tunnel.json')), linkExists: true });
    const guard = createVpsGuard({ iface: 'jett0', lookup: routeLookupFor('linux', ip.runner) });
    await expect(guard.check('10.0.0.2', 'the VPS database')).resolves.toBe('10.0.0.2');
    expect(ip.calls).toHaveLength(1);
    expect(ip.calls[0]!.slice(1)).toEqual(['-j', 'route', 'get', '10.0.0.2']);
    expect(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip']).toContain(ip.calls[0]![0]);
  });

  it('refuses while the tunnel is down and a LAN holds the address, saying so and what to run', async () => {
    const ip = fakeIp({ route: ok(fixture('ip-route-get-lan.json')), linkExists: false });
    const guard = createVpsGuard({ iface: 'jett0', lookup: routeLookupFor('linux', ip.runner) });
    const err = await guard.check('10.0.0.2', 'the VPS database').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelDownError);
    expect((err as TunnelDownError).message).toBe('the tunnel is down (interface jett0 does not exist), so Jett does not connect to the VPS database at 10.0.0.2');
    expect((err as TunnelDownError).fix).toContain('jett tunnel up');
  });

  it('refuses when the tunnel exists but the route goes via another interface', async () => {
    const ip = fakeIp({ route: ok(fixture('ip-route-get-lan.json')), linkExists: true });
    const guard = createVpsGuard({ iface: 'jett0', lookup: routeLookupFor('linux', ip.runner) });
    await expect(guard.check('10.0.0.2', 'the heartbeat webhook')).rejects.toThrow(/the route to 10\.0\.0\.2 goes via eth0, not the tunnel jett0/);
  });

  it('refuses when there is no route at all', async () => {
    const ip = fakeIp({ route: UNREACHABLE, linkExists: true });
    const guard = createVpsGuard({ iface: 'jett0', lookup: routeLookupFor('linux', ip.runner) });
    await expect(guard.check('10.0.0.2', 'the VPS database')).rejects.toThrow(/there is no route to 10\.0\.0\.2/);
  });

  it('asks the kernel at every connect (no cache), sharing only a lookup already in flight', async () => {
    const state = { route: ok(fixture('ip-route-get-tunnel.json')), linkExists: true };
    const ip = fakeIp(state);
    const guard = createVpsGuard({ iface: 'jett0', lookup: routeLookupFor('linux', ip.runner) });
    await Promise.all([guard.check('10.0.0.2', 'db'), guard.check('10.0.0.2', 'db'), guard.check('10.0.0.2', 'db')]);
    expect(ip.calls).toHaveLength(1);
    // The tunnel went down a moment later: the next connect sees it.
    state.route = ok(fixture('ip-route-get-lan.json'));
    state.linkExists = false;
    await expect(guard.check('10.0.0.2', 'db')).rejects.toThrow(/the tunnel is down/);
  });

  it('checks the address a host name resolves to, and hands that address to the connect', async () => {
    const ip = fakeIp({ route: ok(fixture('ip-route-get-tunnel.json')), linkExists: true });
    const guard = createVpsGuard({ iface: 'jett0', lookup: routeLookupFor('linux', ip.runner), resolve: async () => '10.0.0.2' });
    await expect(guard.check('vps.internal', 'the VPS database')).resolves.toBe('10.0.0.2');
    expect(ip.calls[0]).toContain('10.0.0.2');
  });

  it('refuses a Unix socket path or an empty host: neither is behind the tunnel', async () => {
    const guard = createVpsGuard({ iface: 'jett0', lookup: async () => ({ dev: 'jett0', tunnelExists: true }) });
    await expect(guard.check('/var/run/postgresql', 'the VPS database')).rejects.toThrow(TunnelDownError);
    await expect(guard.check('', 'the VPS database')).rejects.toThrow(TunnelDownError);
  });
});

describe('the tunnel guard (Windows, Find-NetRoute output written from its documentation)', () => {
  const windows = (stdout: string, stderr = '') => {
    const calls: string[][] = [];
    const runner: ProcessRunner = {
      async run(file, args) {
        calls.push([file, ...args]);
        return { exitCode: 0, stdout, stderr };
      },
    };
    return { calls, guard: createVpsGuard({ iface: 'jett0', lookup: routeLookupFor('win32', runner, { SystemRoot: 'C:\\Windows' }) }) };
  };

  it('passes through the WireGuard adapter and runs PowerShell from System32 without a profile', async () => {
    const w = windows(fixture('find-netroute-tunnel.json'));
    await expect(w.guard.check('10.0.0.2', 'the VPS database')).resolves.toBe('10.0.0.2');
    expect(w.calls[0]!.slice(0, 3)).toEqual(['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '-NoProfile', '-NonInteractive']);
  });

  it('refuses the Wi-Fi route, as tunnel down when the adapter is missing', async () => {
    await expect(windows(fixture('find-netroute-lan.json'), 'no tunnel adapter\r\n').guard.check('10.0.0.2', 'db')).rejects.toThrow(/the tunnel is down \(interface jett0 does not exist\)/);
    await expect(windows(fixture('find-netroute-lan.json')).guard.check('10.0.0.2', 'db')).rejects.toThrow(/goes via Wi-Fi, not the tunnel jett0/);
  });
});
