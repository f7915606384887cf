// A real desktop and a real VPS on one machine, for the tests, the benchmarks and `jett demo`: two network
// namespaces joined by a veth pair, WireGuard (wireguard-go through wg-quick) in either, a link that can be cut and
// restored, and cleanup that also works after a failure. Needs root, iproute2, iptables and wireguard-tools + wireguard-go.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { liveResources } from '../../core/process/live-resources.js';
import { resolvePrivileged } from '../../core/process/privileged.js';
import { renderDesktopConfig, renderVpsWg0Conf, type DesktopConfigInput } from '../../core/tunnel/config.js';
import { generateKeyPair, type KeyPair } from '../../core/tunnel/keys.js';
import { execaRunner, type ProcessRunner, type RunOptions, type RunResult } from '../../core/tunnel/runner.js';

export type Side = 'desktop' | 'vps';
export type CutMode = 'link' | 'drop';

/** Fixed underlay addresses: they live only inside the pair's namespaces, so every pair may reuse them. */
export const UNDERLAY = { desktop: '192.0.2.1', vps: '192.0.2.2', prefix: 24 } as const;

export interface NetnsPair {
  /** The prefix (`jt` for tests) + random hex; the namespaces are `${id}d` and `${id}v`. */
  readonly id: string;
  readonly ns: Record<Side, string>;
  readonly veth: Record<Side, string>;
  readonly underlay: Record<Side, string>;
  /** A runner whose commands run inside that side's namespace (`ip netns exec NS FILE ARGS`). */
  runner(side: Side): ProcessRunner;
  /** Runs a command in a namespace; throws with its stderr when it fails. */
  exec(side: Side, file: string, args: string[], opts?: RunOptions): Promise<RunResult>;
  /** A unique WireGuard interface name for this pair (also the name of its UAPI socket, shared by all namespaces). */
  ifaceName(tag: string): string;
  /** `wg-quick up` a config in a namespace; the text goes to a 0600 file named IFACE.conf in a private folder. */
  wgQuickUp(side: Side, iface: string, configText: string): Promise<void>;
  wgQuickDown(side: Side, iface: string): Promise<void>;
  /** Cuts the underlay: 'link' sets the VPS end of the veth down, 'drop' drops everything arriving at the VPS. */
  cut(mode?: CutMode): Promise<void>;
  restore(): Promise<void>;
  readonly isCut: boolean;
  /** Kills every process in both namespaces (wireguard-go included), deletes them and their sockets. Idempotent. */
  destroy(): Promise<void>;
}

const KIND = 'netns pair';

// Everything here runs as root (`sudo npx jett demo` puts node_modules/.bin first on PATH): system folders only.
function ipBin(): string {
  const ip = resolvePrivileged('ip');
  if (!ip) throw new Error('namespace pair: `ip` not found (install iproute2: npm run setup:linux)');
  return ip;
}

async function must(runner: ProcessRunner, file: string, args: string[], opts?: RunOptions): Promise<RunResult> {
  const r = await runner.run(file, args, opts);
  if (r.exitCode !== 0) throw new Error(`namespace pair: ${path.basename(file)} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr.trim()}`);
  return r;
}

export function nsRunner(ns: string, base: ProcessRunner = execaRunner): ProcessRunner {
  const ip = ipBin();
  return { run: (file, args, opts) => base.run(ip, ['netns', 'exec', ns, file, ...args], opts) };
}

function pidsIn(ns: string): number[] {
  try {
    return execFileSync(ipBin(), ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 1);
  } catch {
    return [];
  }
}

function killAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Synchronous teardown, so the process 'exit' hook can run it too. */
function teardown(nss: string[], ifaces: Set<string>): void {
  for (const ns of nss) killAll(pidsIn(ns), 'SIGTERM');
  const deadline = Date.now() + 2000;
  while (nss.some((ns) => pidsIn(ns).length > 0) && Date.now() < deadline) execFileSync('sleep', ['0.1']);
  for (const ns of nss) killAll(pidsIn(ns), 'SIGKILL');
  for (const ns of nss) {
    try {
      execFileSync(ipBin(), ['netns', 'delete', ns], { stdio: 'ignore' });
    } catch {
      // not there
    }
  }
  for (const iface of ifaces) fs.rmSync(path.join('/var/run/wireguard', `${iface}.sock`), { force: true });
}

/** Creates the pair: both namespaces with loopback up, the veth joining them, 192.0.2.1 <-> 192.0.2.2. */
export async function createNetnsPair(opts: { prefix?: string } = {}): Promise<NetnsPair> {
  const id = `${opts.prefix ?? 'jt'}${randomBytes(3).toString('hex')}`;
  const ns = { desktop: `${id}d`, vps: `${id}v` };
  const veth = { desktop: `${id}d0`, vps: `${id}v0` };
  const ip = ipBin();
  const ifaces = new Set<string>();
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${id}-`));
  let cutMode: CutMode | null = null;
  const runners = { desktop: nsRunner(ns.desktop), vps: nsRunner(ns.vps) };
  const root = execaRunner;
  const env = { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' };
  const wgQuick = () => {
    const found = resolvePrivileged('wg-quick');
    if (!found) throw new Error('namespace pair: wg-quick not found (npm run setup:linux)');
    return found;
  };
  const iptables = () => {
    const found = resolvePrivileged('iptables');
    if (!found) throw new Error('namespace pair: iptables not found (npm run setup:linux)');
    return found;
  };
  const dropRule = ['INPUT', '-i', veth.vps, '-j', 'DROP'];

  let destroyed = false;
  const pair: NetnsPair = {
    id,
    ns,
    veth,
    underlay: { desktop: UNDERLAY.desktop, vps: UNDERLAY.vps },
    runner: (side) => runners[side],
    exec: (side, file, args, opts) => must(runners[side], file, args, opts),
    ifaceName(tag) {
      const name = `${id}${tag}`.slice(0, 15);
      ifaces.add(name);
      return name;
    },
    async wgQuickUp(side, iface, configText) {
      ifaces.add(iface);
      const dir = fs.mkdtempSync(path.join(privateDir, 'wg-'));
      const file = path.join(dir, `${iface}.conf`);
      fs.writeFileSync(file, configText, { mode: 0o600, flag: 'wx' });
      try {
        await must(runners[side], wgQuick(), ['up', file], { env });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    async wgQuickDown(side, iface) {
      const dir = fs.mkdtempSync(path.join(privateDir, 'wg-'));
      const file = path.join(dir, `${iface}.conf`);
      fs.writeFileSync(file, '[Interface]\n', { mode: 0o600, flag: 'wx' });
      try {
        await must(runners[side], wgQuick(), ['down', file], { env });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    async cut(mode = 'link') {
      if (cutMode) return;
      if (mode === 'link') await must(root, ip, ['-n', ns.vps, 'link', 'set', veth.vps, 'down']);
      else await must(runners.vps, iptables(), ['-I', ...dropRule]);
      cutMode = mode;
    },
    async restore() {
      if (cutMode === 'link') await must(root, ip, ['-n', ns.vps, 'link', 'set', veth.vps, 'up']);
      if (cutMode === 'drop') await must(runners.vps, iptables(), ['-D', ...dropRule]);
      cutMode = null;
    },
    get isCut() {
      return cutMode !== null;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      registration.forget();
      teardown([ns.desktop, ns.vps], ifaces);
      fs.rmSync(privateDir, { recursive: true, force: true });
    },
  };
  // A run that dies between create and destroy must not leave namespaces or wireguard-go behind.
  const registration = liveResources.add({ kind: KIND, release: () => teardown([ns.desktop, ns.vps], new Set()), stop: () => pair.destroy() });
  try {
    await must(root, ip, ['netns', 'add', ns.desktop]);
    await must(root, ip, ['netns', 'add', ns.vps]);
    await must(root, ip, ['link', 'add', veth.desktop, 'type', 'veth', 'peer', 'name', veth.vps]);
    for (const side of ['desktop', 'vps'] as const) {
      await must(root, ip, ['link', 'set', veth[side], 'netns', ns[side]]);
      await must(root, ip, ['-n', ns[side], 'addr', 'add', `${UNDERLAY[side]}/${UNDERLAY.prefix}`, 'dev', veth[side]]);
      await must(root, ip, ['-n', ns[side], 'link', 'set', veth[side], 'up']);
      await must(root, ip, ['-n', ns[side], 'link', 'set', 'lo', 'up']);
    }
  } catch (err) {
    await pair.destroy();
    // A veth left in the root namespace by a half-made pair goes too.
    await root.run(ip, ['link', 'delete', veth.desktop]);
    throw err;
  }
  return pair;
}

/** Destroys every pair this process made and has not destroyed yet. */
export async function destroyAllPairs(): Promise<void> {
  await liveResources.stopAll(KIND);
}

/** Tunnel addresses inside the pair (198.18.0.0/24 is reserved for benchmarks; nothing outside answers it). */
export const TUNNEL = { desktop: '198.18.0.1', vps: '198.18.0.2', prefix: 24, port: 51820 } as const;

export interface VpsTunnel {
  vpsIface: string;
  desktopIface: string;
  desktopKeys: KeyPair;
  vpsKeys: KeyPair;
  /** What the desktop side needs, ready for renderDesktopConfig (endpoint = the VPS's underlay address). */
  desktopInput: DesktopConfigInput;
  desktopConfigText: string;
}

/**
 * Brings up the VPS side (wg-quick in the VPS namespace, from the same renderer `jett vps bundle` uses) and
 * prepares, without starting, the desktop side.
 */
export async function startVpsTunnel(pair: NetnsPair, opts: { keepalive?: number } = {}): Promise<VpsTunnel> {
  const desktopKeys = generateKeyPair();
  const vpsKeys = generateKeyPair();
  const vpsIface = pair.ifaceName('v');
  const desktopIface = pair.ifaceName('w');
  const vpsText = renderVpsWg0Conf({
    desktopPublicKey: desktopKeys.publicKey,
    desktopTunnelAddress: TUNNEL.desktop,
    address: `${TUNNEL.vps}/${TUNNEL.prefix}`,
    listenPort: TUNNEL.port,
    privateKey: vpsKeys.privateKey,
  });
  await pair.wgQuickUp('vps', vpsIface, vpsText);
  const desktopInput: DesktopConfigInput = {
    privateKey: desktopKeys.privateKey,
    address: `${TUNNEL.desktop}/${TUNNEL.prefix}`,
    vpsPublicKey: vpsKeys.publicKey,
    vpsTunnelAddress: TUNNEL.vps,
    endpoint: `${pair.underlay.vps}:${TUNNEL.port}`,
    keepalive: opts.keepalive ?? 25,
  };
  return { vpsIface, desktopIface, desktopKeys, vpsKeys, desktopInput, desktopConfigText: renderDesktopConfig(desktopInput) };
}
