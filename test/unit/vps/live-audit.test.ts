// The live audit's verdicts from given probe outcomes and `wg show` peers (fresh, stale, none, wrong peer), and
// the TCP probe itself on loopback.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { LiveAuditReportSchema } from '../../../main/core/contracts/vps.js';
import type { InterfaceStatus, PeerStatus } from '../../../main/core/tunnel/dump.js';
import { TunnelError } from '../../../main/core/tunnel/errors.js';
import { auditLive, tcpConnect, type ConnectOutcome, type LiveAuditOptions } from '../../../main/core/vps/live-audit.js';

const NOW = 1_800_000_000;

function peer(over: Partial<PeerStatus> = {}): PeerStatus {
  return { publicKey: 'k', hasPresharedKey: false, endpoint: '203.0.113.7:51820', allowedIPs: ['10.0.0.2/32'], latestHandshake: NOW - 30, rxBytes: 1, txBytes: 1, keepalive: 25, ...over };
}

function options(over: Partial<LiveAuditOptions> = {}, outcomes: Record<string, ConnectOutcome> = {}): LiveAuditOptions {
  return {
    tunnelAddress: '10.0.0.2',
    publicAddress: '203.0.113.7',
    iface: 'jett0',
    services: [
      { name: 'n8n', port: 5678 },
      { name: 'postgres', port: 5432 },
    ],
    connect: async (host, port) => outcomes[`${host}:${port}`] ?? (host === '10.0.0.2' ? 'open' : 'timeout'),
    show: async (): Promise<InterfaceStatus> => ({ name: 'jett0', peers: [peer()] }),
    nowS: () => NOW,
    maxHandshakeAgeS: 180,
    ...over,
  };
}

const handshake = async (o: LiveAuditOptions) => (await auditLive(o)).checks.find((c) => c.kind === 'handshake')!;

describe('auditLive', () => {
  it('passes when every port answers on the tunnel and none on the public address (closed or filtered)', async () => {
    const report = LiveAuditReportSchema.parse(await auditLive(options({}, { '203.0.113.7:5432': 'refused' })));
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => `${c.kind} ${c.name} ${c.status}`)).toEqual([
      'tunnel-port n8n 10.0.0.2:5678 ok',
      'tunnel-port postgres 10.0.0.2:5432 ok',
      'public-port n8n 203.0.113.7:5678 ok',
      'public-port postgres 203.0.113.7:5432 ok',
      'handshake handshake jett0 ok',
    ]);
  });

  it('a port open on the public address fails, with the fix', async () => {
    const report = await auditLive(options({}, { '203.0.113.7:5678': 'open' }));
    expect(report.passed).toBe(false);
    const bad = report.checks.filter((c) => c.status === 'fail');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ kind: 'public-port', name: 'n8n 203.0.113.7:5678' });
    expect(bad[0]!.fix).toContain('TUNNEL_IP:5678:5678');
  });

  it('a stale handshake fails; one just under the limit passes', async () => {
    expect(await handshake(options({ show: async () => ({ name: 'jett0', peers: [peer({ latestHandshake: NOW - 181 })] }) }))).toMatchObject({ status: 'fail', detail: 'last handshake 181 s ago (stale after 180 s)' });
    expect(await handshake(options({ show: async () => ({ name: 'jett0', peers: [peer({ latestHandshake: NOW - 145 })] }) }))).toMatchObject({ status: 'ok' });
  });

  it('no handshake yet, no peer for the VPS address, no interface: each fails with its own reason', async () => {
    expect((await handshake(options({ show: async () => ({ name: 'jett0', peers: [peer({ latestHandshake: 0 })] }) }))).detail).toBe('no handshake with the VPS yet');
    expect((await handshake(options({ show: async () => ({ name: 'jett0', peers: [peer({ allowedIPs: ['10.9.0.0/24'] })] }) }))).detail).toBe('no peer on jett0 routes 10.0.0.2');
    expect((await handshake(options({ show: async () => null }))).detail).toBe('interface jett0 does not exist');
  });

  it('wg show that cannot run fails the handshake check with its fix, and the port checks still report', async () => {
    const report = await auditLive(options({ show: async () => { throw new TunnelError('tunnel control needs root, and the Jett tunnel helper is not installed', 'run `sudo jett tunnel install` once'); } }));
    expect(report.checks.filter((c) => c.kind !== 'handshake').every((c) => c.status === 'ok')).toBe(true);
    expect(report.checks.at(-1)).toMatchObject({ kind: 'handshake', status: 'fail', fix: 'run `sudo jett tunnel install` once' });
  });

  it('a peer routing a whole subnet that holds the VPS address counts', async () => {
    expect(await handshake(options({ show: async () => ({ name: 'jett0', peers: [peer({ allowedIPs: ['10.0.0.0/24'] })] }) }))).toMatchObject({ status: 'ok' });
  });

  it('probes the tunnel before reading the handshake (the probes refresh it)', async () => {
    const order: string[] = [];
    await auditLive(options({ connect: async (h) => (order.push(`connect ${h}`), 'open'), show: async () => (order.push('show'), { name: 'jett0', peers: [peer()] }), publicAddress: null }));
    expect(order.at(-1)).toBe('show');
    expect(order.filter((o) => o.startsWith('connect'))).toHaveLength(2);
  });
});

describe('tcpConnect', () => {
  it('open on a listening loopback port, refused on a closed one', async () => {
    const server = net.createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await tcpConnect('127.0.0.1', port, 2000)).toBe('open');
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await tcpConnect('127.0.0.1', port, 2000)).toBe('refused');
  });
});
