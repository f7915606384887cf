// The route check's fast path, in-process: connect() on a UDP socket makes the kernel choose the route and the
// source address for a destination (sending nothing), and a source address held by the tunnel interface alone means
// the packet leaves through the tunnel. It spares the agent a program per VPS connect (`ip` here, a PowerShell with
// two CIM cmdlets on Windows, about once a minute for the heartbeat); anything it cannot confirm goes to that program.
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import type { RouteLookup } from './route-lookup.js';

/** The local address the kernel would send from to reach `address`; null when it has no route (or cannot say). */
export function sourceAddressFor(address: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    const done = (source: string | null) => {
      socket.close();
      resolve(source);
    };
    socket.once('error', () => done(null));
    // The discard port: connect() only looks the route up and binds the source; no datagram is sent.
    socket.connect(9, address, () => done(socket.address().address));
  });
}

/** The interfaces (by the name the route tools use) that hold `address`. */
export function interfacesHolding(address: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
  return Object.entries(interfaces)
    .filter(([, infos]) => infos?.some((i) => i.address === address))
    .map(([name]) => name);
}

export interface FastPathDeps {
  sourceFor?: (address: string) => Promise<string | null>;
  interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/**
 * Answers "through the tunnel" only when the chosen source address belongs to the tunnel interface and to no other:
 * a LAN that hands this desktop the tunnel's own address makes the answer ambiguous, so the program decides. Every
 * other answer (another interface, no route, an error) is the program's, with its precise reason.
 */
export function withSourceFastPath(program: RouteLookup, deps: FastPathDeps = {}): RouteLookup {
  const sourceFor = deps.sourceFor ?? sourceAddressFor;
  const interfaces = deps.interfaces ?? (() => os.networkInterfaces());
  return async (address, iface) => {
    const source = await sourceFor(address);
    if (source !== null) {
      const holders = interfacesHolding(source, interfaces());
      if (holders.length === 1 && holders[0] === iface) return { dev: iface, tunnelExists: true };
    }
    return program(address, iface);
  };
}
