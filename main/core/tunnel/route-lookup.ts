// Asks the kernel which interface a packet to an address would leave by: `ip -j route get` on Linux,
// `Find-NetRoute` on Windows. The parsers take the tools' recorded output, so both platforms are tested here.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TunnelError } from './errors.js';
import type { ProcessRunner } from './runner.js';
import { withSourceFastPath } from './source-route.js';

/** Where a packet to the address would go now: the outgoing interface, or null when there is no route at all. */
export interface RouteAnswer {
  dev: string | null;
  /** Whether the tunnel interface exists at all (asked only when the route does not go through it). */
  tunnelExists: boolean;
}

export type RouteLookup = (address: string, tunnelIface: string) => Promise<RouteAnswer>;

// Fixed system folders only: an `ip` planted on PATH could claim that every route goes through the tunnel.
const LINUX_IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

function firstExisting(candidates: string[]): string | null {
  return candidates.find((f) => fs.existsSync(f)) ?? null;
}

/** `ip -j route get ADDR` prints `[{"dst":..,"dev":"wlan0",...}]`; the first entry's dev is the way out. */
export function parseIpRouteGet(stdout: string): string | null {
  const parsed: unknown = JSON.parse(stdout);
  const first = Array.isArray(parsed) ? (parsed[0] as { dev?: unknown } | undefined) : undefined;
  return typeof first?.dev === 'string' ? first.dev : null;
}

/**
 * `Find-NetRoute -RemoteIPAddress ADDR | Select-Object ... | ConvertTo-Json` prints the chosen source address
 * (an MSFT_NetIPAddress, no DestinationPrefix) and the chosen route (an MSFT_NetRoute); both name the interface.
 * The route's InterfaceAlias is the way out. A single object is printed without the enclosing array.
 */
export function parseFindNetRoute(stdout: string): string | null {
  if (stdout.trim() === '') return null;
  const parsed: unknown = JSON.parse(stdout);
  const items = (Array.isArray(parsed) ? parsed : [parsed]) as { InterfaceAlias?: unknown; DestinationPrefix?: unknown }[];
  const route = items.find((i) => typeof i?.DestinationPrefix === 'string') ?? items[0];
  return typeof route?.InterfaceAlias === 'string' ? route.InterfaceAlias : null;
}

/** The PowerShell script for one address; the address is a validated IP literal, so it cannot inject code. */
export function findNetRouteScript(address: string, iface: string): string {
  if (!net.isIP(address)) throw new TunnelError(`not an IP address: ${address.slice(0, 60)}`, 'this is a bug in Jett: the address is resolved before the route check');
  const alias = iface.replace(/[^a-zA-Z0-9_=+.-]/g, '');
  return [
    `$r = Find-NetRoute -RemoteIPAddress '${address}' -ErrorAction SilentlyContinue | Select-Object InterfaceAlias,InterfaceIndex,DestinationPrefix,NextHop,IPAddress`,
    `if ($r) { $r | ConvertTo-Json -Compress }`,
    `if (-not (Get-NetAdapter -Name '${alias}' -ErrorAction SilentlyContinue)) { [Console]::Error.WriteLine('no tunnel adapter') }`,
  ].join('; ');
}

function linuxLookup(runner: ProcessRunner): RouteLookup {
  return async (address, iface) => {
    const ip = firstExisting(LINUX_IP);
    if (!ip) throw new TunnelError('`ip` not found in /usr/sbin, /sbin, /usr/bin or /bin, so Jett cannot check that the VPS is reached through the tunnel', 'install iproute2 (`sudo apt install iproute2`)');
    const r = await runner.run(ip, ['-j', 'route', 'get', address], { timeoutMs: 5000 });
    // "RTNETLINK answers: Network is unreachable": no route at all, which is as safe as it is useless.
    const dev = r.exitCode === 0 ? parseIpRouteGet(r.stdout) : null;
    if (dev === iface) return { dev, tunnelExists: true };
    const link = await runner.run(ip, ['-j', 'link', 'show', 'dev', iface], { timeoutMs: 5000 });
    return { dev, tunnelExists: link.exitCode === 0 };
  };
}

function windowsLookup(runner: ProcessRunner, env: NodeJS.ProcessEnv): RouteLookup {
  const powershell = path.win32.join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
  return async (address, iface) => {
    const r = await runner.run(powershell, ['-NoProfile', '-NonInteractive', '-Command', findNetRouteScript(address, iface)], { timeoutMs: 15_000 });
    const dev = r.exitCode === 0 ? parseFindNetRoute(r.stdout) : null;
    return { dev, tunnelExists: dev === iface || !/no tunnel adapter/.test(r.stderr) };
  };
}

/** The program's lookup, behind the in-process fast path when it runs on that platform (not a replay of another). */
export function routeLookupFor(platform: NodeJS.Platform, runner: ProcessRunner, env: NodeJS.ProcessEnv = process.env): RouteLookup {
  const here = (lookup: RouteLookup) => (platform === process.platform ? withSourceFastPath(lookup) : lookup);
  if (platform === 'win32') return here(windowsLookup(runner, env));
  if (platform === 'linux') return here(linuxLookup(runner));
  return async () => {
    throw new TunnelError(`Jett cannot check routes on ${platform}`, 'run Jett on Linux (WSL2 works) or Windows');
  };
}
