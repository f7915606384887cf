// The one gate for every client of a VPS service (PostgreSQL, the heartbeat webhook, later Qdrant and n8n): a
// connection is opened only while the kernel routes the VPS address through the tunnel interface, checked at each
// connect, so a stranger who holds that address on another network never receives a password or a token.
import dns from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { TunnelError } from './errors.js';
import type { RouteLookup } from './route-lookup.js';

/** Refused because the tunnel is down or does not carry the VPS address; names what to do. */
export class TunnelDownError extends TunnelError {
  readonly code = 'JETT_TUNNEL_DOWN';
}

export interface VpsGuard {
  /** The tunnel interface the route must use. */
  readonly iface: string;
  /**
   * Resolves `host`, asks the kernel which interface a packet to it leaves by, and returns the address to connect
   * to (connect to that address, not the name, so a second lookup cannot point elsewhere). Throws TunnelDownError.
   */
  check(host: string, service: string): Promise<string>;
}

export interface VpsGuardOptions {
  iface: string;
  lookup: RouteLookup;
  /** Host name to address; IP literals are used as they are. */
  resolve?: (host: string) => Promise<string>;
}

const defaultResolve = async (host: string): Promise<string> => (await dns.lookup(host)).address;

export function createVpsGuard(o: VpsGuardOptions): VpsGuard {
  const resolve = o.resolve ?? defaultResolve;
  // Connections opened together (the pool's three at tunnel-up) share the one lookup in flight; nothing is kept
  // after it answers, so each later connect asks the kernel again.
  const inFlight = new Map<string, Promise<void>>();
  const fix = 'bring the tunnel up: `jett tunnel up` (the agent reconnects by itself once it is up); `jett tunnel status` says why it is down';

  async function routeCheck(address: string, host: string, service: string): Promise<void> {
    const { dev, tunnelExists } = await o.lookup(address, o.iface);
    if (dev === o.iface) return;
    const to = `${service} at ${host}${host === address ? '' : ` (${address})`}`;
    if (!tunnelExists) throw new TunnelDownError(`the tunnel is down (interface ${o.iface} does not exist), so Jett does not connect to ${to}`, fix);
    if (dev === null) throw new TunnelDownError(`there is no route to ${address}, so Jett does not connect to ${to}`, `${fix}; check tunnel.peerAddress and the tunnel's AllowedIPs`);
    throw new TunnelDownError(
      `the route to ${address} goes via ${dev}, not the tunnel ${o.iface}, so Jett does not connect to ${to}: whoever holds that address on that network would receive the credentials`,
      `check \`ip route get ${address}\`: a local network that uses the tunnel's addresses wins over the tunnel; remove that route, or give the tunnel addresses of its own (tunnel.address, tunnel.peerAddress, postgres.host, heartbeat.url)`,
    );
  }

  return {
    iface: o.iface,
    async check(host, service) {
      if (host.startsWith('/') || host === '') {
        throw new TunnelDownError(`${service} is set to "${host}", not an address behind the tunnel`, 'set it to the VPS tunnel address (`jett config set postgres.host 10.0.0.2`)');
      }
      const address = net.isIP(host) ? host : await resolve(host);
      let pending = inFlight.get(address);
      if (!pending) {
        pending = routeCheck(address, host, service).finally(() => inFlight.delete(address));
        inFlight.set(address, pending);
      }
      await pending;
      return address;
    },
  };
}

/**
 * A TCP socket whose connect(port, host) waits for the guard, then connects to the checked address; for
 * node-postgres's `stream` option (pg writes nothing before 'connect'). A socket destroyed meanwhile (pg's connect
 * timeout, the tunnel going down) stays closed.
 */
export class GuardedSocket extends net.Socket {
  constructor(
    private readonly guard: VpsGuard,
    private readonly service: string,
  ) {
    super();
  }

  override connect(...args: unknown[]): this {
    const [port, host] = args;
    if (typeof port !== 'number' || typeof host !== 'string') {
      const where = typeof port === 'string' ? port : typeof host === 'string' ? host : '';
      process.nextTick(() => this.destroy(new TunnelDownError(`${this.service} is set to "${where}", not an address behind the tunnel`, 'set it to the VPS tunnel address (`jett config set postgres.host 10.0.0.2`)')));
      return this;
    }
    this.guard.check(host, this.service).then(
      (address) => {
        if (!this.destroyed) super.connect(port, address);
      },
      (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
    );
    return this;
  }
}

/** node-postgres's `stream` option: every new pool connection goes through the guard. */
export function guardedPgStream(guard: VpsGuard, service = 'the VPS database'): () => net.Socket {
  return () => new GuardedSocket(guard, service);
}

/**
 * node:http's `createConnection` option: checks the route, then opens TCP (or TLS, checked against the URL's host
 * name) to the checked address, and hands the socket over; a refusal becomes the request's error.
 */
export function guardedHttpConnection(guard: VpsGuard, url: URL, service: string) {
  return (_opts: unknown, oncreate: (err: Error | null, socket: net.Socket) => void): undefined => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    const port = Number(url.port || (secure ? 443 : 80));
    guard.check(host, service).then(
      (address) => {
        const socket = secure ? tls.connect({ host: address, port, ...(net.isIP(host) ? {} : { servername: host }) }) : net.connect({ host: address, port });
        oncreate(null, socket);
      },
      (err: unknown) => oncreate(err instanceof Error ? err : new Error(String(err)), undefined as unknown as net.Socket),
    );
    return undefined;
  };
}
