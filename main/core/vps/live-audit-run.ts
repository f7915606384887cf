// `audit live` as the desktop runs it, from `jett audit live` and from the window alike: the VPS's tunnel address,
// public address and the desktop interface from config (each may be overridden), every service port, TCP connects
// with a time limit, and the interface's handshake read through the tunnel control.
import path from 'node:path';
import type { Config } from '../contracts/config.js';
import type { LiveAuditReport } from '../contracts/vps.js';
import { createTunnelControl } from '../tunnel/control.js';
import type { InterfaceStatus } from '../tunnel/dump.js';
import { execaRunner, type ProcessRunner } from '../tunnel/runner.js';
import { parseEndpoint } from '../tunnel/wg-config.js';
import { SERVICE_PORTS } from './compose-model.js';
import { auditLive, tcpConnect, type ConnectOutcome } from './live-audit.js';

export interface LiveAuditRun {
  tunnel: Config['tunnel'];
  /** JETT_HOME: the tunnel control's private folder is there. */
  home: string;
  publicAddress?: string;
  tunnelAddress?: string;
  iface?: string;
  timeoutMs?: number;
  /** Tests: where `wg show` runs and how a TCP connect is made (e.g. inside a network namespace). */
  runner?: ProcessRunner;
  connect?: (host: string, port: number) => Promise<ConnectOutcome>;
  show?: () => Promise<InterfaceStatus | null>;
  nowS?: () => number;
}

export async function runLiveAudit(r: LiveAuditRun): Promise<LiveAuditReport> {
  const iface = r.iface ?? r.tunnel.interface;
  const timeoutMs = r.timeoutMs ?? 2000;
  const control = createTunnelControl({ iface, runner: r.runner ?? execaRunner, privateDir: path.join(r.home, 'run') });
  return auditLive({
    tunnelAddress: r.tunnelAddress ?? r.tunnel.peerAddress,
    publicAddress: r.publicAddress ?? parseEndpoint(r.tunnel.endpoint)?.host ?? null,
    iface,
    services: Object.entries(SERVICE_PORTS).map(([name, port]) => ({ name, port })),
    connect: r.connect ?? ((host, port) => tcpConnect(host, port, timeoutMs)),
    show: r.show ?? (() => control.show()),
    nowS: r.nowS ?? (() => Date.now() / 1000),
    maxHandshakeAgeS: 180,
  });
}
