// A tunnel guard for tests that are not about the tunnel: loopback only (a local PostgreSQL or receiver), anything
// else refused as the real guard would. The agent and the CLI never take it: they build vpsGuardFor(config.tunnel).
import net from 'node:net';
import { TunnelDownError, type VpsGuard } from '../../main/core/tunnel/vps-guard.js';

export const loopbackGuard: VpsGuard = {
  iface: 'lo',
  async check(host, service) {
    if (net.isIP(host) && (host.startsWith('127.') || host === '::1')) return host;
    throw new TunnelDownError(`test guard: ${service} at ${host} is not on loopback`, 'tests reach only loopback through this guard');
  },
};
