// The privacy proof's counter: every IP packet (v4 and v6) that leaves one namespace's underlay interface other than
// WireGuard's UDP to the VPS endpoint. Netfilter counts it (iptables and ip6tables, mangle POSTROUTING, which sees
// what the namespace sends and what it forwards); ARP is not IP, and IPv6's own link chatter (neighbour discovery,
// router solicitations, multicast-listener reports), which the kernel sends on any interface that is up, is left aside.
// A multicast packet passes POSTROUTING twice (its local loopback copy too), so it counts twice: the proof errs safe.
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';
import { resolvePrivileged } from '../../core/process/privileged.js';
import type { ProcessRunner } from '../../core/tunnel/runner.js';

const CHAIN = 'JETT_EGRESS';
const COMMENT = 'jett-egress-other';
/** MLD query/report/done (130-132), router solicitation and advertisement, neighbour solicitation and advertisement, redirect (133-137), MLDv2 report (143). */
export const LINK_CHATTER_ICMPV6 = [130, 131, 132, 133, 134, 135, 136, 137, 143] as const;

export interface EgressCount {
  /** Packets other than the tunnel's own, per family. */
  ipv4: number;
  ipv6: number;
  packets: number;
  bytes: number;
}

export interface EgressCounter {
  read(): Promise<EgressCount>;
  /** Removes the rules (the namespace's deletion removes them too). */
  remove(): Promise<void>;
}

export interface EgressOptions {
  /** Runs a command inside the namespace whose egress is counted. */
  runner: ProcessRunner;
  /** The underlay interface in that namespace. */
  iface: string;
  /** WireGuard's endpoint: UDP to it is the one traffic allowed out. */
  endpoint: { host: string; port: number };
}

function program(name: string): string {
  const found = resolvePrivileged(name);
  if (!found) throw new Error(`egress counter: ${name} not found (install iptables: npm run setup:linux)`);
  return found;
}

/** The rules for one family, in order: the jump from POSTROUTING, what is allowed (RETURN), then the counting rule. */
export function egressRules(family: 4 | 6, opts: Omit<EgressOptions, 'runner'>): string[][] {
  const rules: string[][] = [['-A', 'POSTROUTING', '-o', opts.iface, '-j', CHAIN]];
  const endpointFamily = isIPv4(opts.endpoint.host) ? 4 : isIPv6(opts.endpoint.host) ? 6 : null;
  if (endpointFamily === null) throw new Error(`egress counter: the endpoint ${opts.endpoint.host} is not an IP address`);
  if (endpointFamily === family) rules.push(['-A', CHAIN, '-p', 'udp', '-d', opts.endpoint.host, '--dport', String(opts.endpoint.port), '-j', 'RETURN']);
  if (family === 6) for (const type of LINK_CHATTER_ICMPV6) rules.push(['-A', CHAIN, '-p', 'ipv6-icmp', '--icmpv6-type', String(type), '-j', 'RETURN']);
  rules.push(['-A', CHAIN, '-m', 'comment', '--comment', COMMENT]);
  return rules;
}

/** Packets and bytes of the counting rule in `iptables -L CHAIN -v -x -n` output. */
export function parseCounter(listing: string): { packets: number; bytes: number } {
  const line = listing.split('\n').find((l) => l.includes(`/* ${COMMENT} */`));
  const m = line?.trim().match(/^(\d+)\s+(\d+)\s/);
  if (!m) throw new Error(`egress counter: no counting rule in the ${CHAIN} listing`);
  return { packets: Number(m[1]), bytes: Number(m[2]) };
}

/** Installs the counter in the namespace; counts from zero from now on. */
export async function countEgress(opts: EgressOptions): Promise<EgressCounter> {
  const tools = { 4: program('iptables'), 6: program('ip6tables') } as const;
  const run = async (family: 4 | 6, args: string[]) => {
    const r = await opts.runner.run(tools[family], ['-w', '-t', 'mangle', ...args]);
    if (r.exitCode !== 0) throw new Error(`egress counter: ${path.basename(tools[family])} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr.trim()}`);
    return r.stdout;
  };
  for (const family of [4, 6] as const) {
    await run(family, ['-N', CHAIN]);
    for (const rule of egressRules(family, opts)) await run(family, rule);
  }
  return {
    async read() {
      const v4 = parseCounter(await run(4, ['-L', CHAIN, '-v', '-x', '-n']));
      const v6 = parseCounter(await run(6, ['-L', CHAIN, '-v', '-x', '-n']));
      return { ipv4: v4.packets, ipv6: v6.packets, packets: v4.packets + v6.packets, bytes: v4.bytes + v6.bytes };
    },
    async remove() {
      for (const family of [4, 6] as const) {
        await run(family, ['-D', 'POSTROUTING', '-o', opts.iface, '-j', CHAIN]);
        await run(family, ['-F', CHAIN]);
        await run(family, ['-X', CHAIN]);
      }
    },
  };
}
