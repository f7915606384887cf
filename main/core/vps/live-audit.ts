// `jett audit live`: from the desktop, every VPS service must answer on the tunnel address, none may answer on the
// VPS's public address, and the WireGuard handshake must be fresh. Probes are plain TCP connects.
import net from 'node:net';
import type { LiveAuditReport, LiveCheck } from '../contracts/vps.js';
import { JettError } from '../errors.js';
import type { InterfaceStatus } from '../tunnel/dump.js';
import { parseCidr } from '../tunnel/cidr.js';

export type ConnectOutcome = 'open' | 'refused' | 'timeout' | 'unreachable';

/** One TCP connect: 'open' when the handshake completes, otherwise why not. Never sends a byte. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: ConnectOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done('timeout'));
    socket.once('connect', () => done('open'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ETIMEDOUT' ? 'timeout' : 'unreachable'));
  });
}

export interface ServicePort {
  name: string;
  port: number;
}

export interface LiveAuditOptions {
  tunnelAddress: string;
  /** The VPS's public address (host of tunnel.endpoint); null skips the public checks. */
  publicAddress: string | null;
  iface: string;
  services: ServicePort[];
  connect: (host: string, port: number) => Promise<ConnectOutcome>;
  /** The desktop interface's peers (the tunnel module's `wg show dump` parser); null when it does not exist. */
  show: () => Promise<InterfaceStatus | null>;
  nowS: () => number;
  /** Older than this, the handshake is stale. 180 s: WireGuard's keys expire there, a healthy tunnel stays under ~145 s. */
  maxHandshakeAgeS: number;
}

function tunnelCheck(s: ServicePort, host: string, outcome: ConnectOutcome): LiveCheck {
  const name = `${s.name} ${host}:${s.port}`;
  if (outcome === 'open') return { kind: 'tunnel-port', name, status: 'ok', detail: 'answers through the tunnel', fix: null };
  return {
    kind: 'tunnel-port',
    name,
    status: 'fail',
    detail: outcome === 'refused' ? 'connection refused: nothing listens there' : `no answer (${outcome})`,
    fix: outcome === 'refused' ? `on the VPS: \`docker compose ps ${s.name}\` and \`docker compose logs ${s.name}\`` : 'check the tunnel (`jett tunnel status`); then on the VPS `docker compose ps`',
  };
}

function publicCheck(s: ServicePort, host: string, outcome: ConnectOutcome): LiveCheck {
  const name = `${s.name} ${host}:${s.port}`;
  if (outcome !== 'open') {
    return { kind: 'public-port', name, status: 'ok', detail: outcome === 'refused' ? 'closed on the public address' : 'filtered on the public address', fix: null };
  }
  return {
    kind: 'public-port',
    name,
    status: 'fail',
    detail: `answers on the public address: anyone on the internet can reach ${s.name}`,
    fix: `publish the port on the tunnel address only ("${s.port}" -> "TUNNEL_IP:${s.port}:${s.port}" in docker-compose.yml), run \`jett audit compose\`, and keep UFW's default deny`,
  };
}

function handshakeCheck(opts: LiveAuditOptions, status: InterfaceStatus | null): LiveCheck {
  const name = `handshake ${opts.iface}`;
  if (status === null) {
    return { kind: 'handshake', name, status: 'fail', detail: `interface ${opts.iface} does not exist`, fix: 'bring the tunnel up: `jett tunnel up`' };
  }
  const target = parseCidr(opts.tunnelAddress);
  const peer = status.peers.find((p) => p.allowedIPs.some((a) => {
    const c = parseCidr(a);
    return c !== null && target !== null && c.family === target.family && c.first <= target.first && target.first <= c.last;
  }));
  if (!peer) {
    return { kind: 'handshake', name, status: 'fail', detail: `no peer on ${opts.iface} routes ${opts.tunnelAddress}`, fix: 'run `jett tunnel peer --public-key VPS_KEY --endpoint HOST:PORT`, then `jett tunnel up`' };
  }
  if (peer.latestHandshake === 0) {
    return { kind: 'handshake', name, status: 'fail', detail: 'no handshake with the VPS yet', fix: 'check the endpoint and that UDP reaches the VPS (ufw allows the WireGuard port); on the VPS: `wg show wg0`' };
  }
  const age = Math.max(0, Math.round(opts.nowS() - peer.latestHandshake));
  if (age > opts.maxHandshakeAgeS) {
    return { kind: 'handshake', name, status: 'fail', detail: `last handshake ${age} s ago (stale after ${opts.maxHandshakeAgeS} s)`, fix: 'the VPS stopped answering: check it is up, then `jett tunnel down && jett tunnel up`' };
  }
  return { kind: 'handshake', name, status: 'ok', detail: `last handshake ${age} s ago`, fix: null };
}

/** The handshake check; a `wg show` that cannot run (no root, no helper) fails this check, not the whole audit. */
async function readHandshake(opts: LiveAuditOptions): Promise<LiveCheck> {
  try {
    return handshakeCheck(opts, await opts.show());
  } catch (err) {
    if (!(err instanceof JettError)) throw err;
    return { kind: 'handshake', name: `handshake ${opts.iface}`, status: 'fail', detail: err.message, fix: err.fix };
  }
}

export async function auditLive(opts: LiveAuditOptions): Promise<LiveAuditReport> {
  const pub = opts.publicAddress;
  // Tunnel probes run first: their packets also refresh a handshake that an idle tunnel let age.
  const tunnelOutcomes = await Promise.all(opts.services.map((s) => opts.connect(opts.tunnelAddress, s.port)));
  const publicOutcomes = pub === null ? [] : await Promise.all(opts.services.map((s) => opts.connect(pub, s.port)));
  const checks: LiveCheck[] = opts.services.map((s, i) => tunnelCheck(s, opts.tunnelAddress, tunnelOutcomes[i]!));
  if (pub === null) {
    checks.push({ kind: 'public-port', name: 'public address', status: 'skipped', detail: 'no public address known', fix: 'pass --public-address IP, or set it with `jett tunnel peer --endpoint HOST:PORT`' });
  } else {
    checks.push(...opts.services.map((s, i) => publicCheck(s, pub, publicOutcomes[i]!)));
  }
  checks.push(await readHandshake(opts));
  return {
    tunnelAddress: opts.tunnelAddress,
    publicAddress: pub,
    interface: opts.iface,
    checks,
    passed: checks.every((c) => c.status !== 'fail'),
  };
}
