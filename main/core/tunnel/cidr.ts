// IPv4/IPv6 addresses and CIDRs as integer ranges, so configs can be checked for malformed and overlapping AllowedIPs.
import net from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** The address as written (not masked): wg-quick's Address keeps the host part. */
  address: string;
  prefix: number;
  /** First and last address of the network, as integers. */
  first: bigint;
  last: bigint;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  // An embedded IPv4 tail ("::ffff:192.0.2.1") becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail === null ? [] : tail ? tail.split(':') : [];
  const fill = tail === null ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...fill, ...tailParts].reduce((acc, h) => (acc << 16n) | BigInt(parseInt(h, 16)), 0n);
}

/** Parses "ADDR/PREFIX" (or a bare address, taken as a host route); null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const address = m[1]!;
  const family = net.isIPv4(address) ? 4 : net.isIPv6(address) ? 6 : 0;
  if (family === 0) return null;
  const bits = family === 4 ? 32 : 128;
  const prefix = m[2] === undefined ? bits : Number(m[2]);
  if (prefix > bits || (m[2] !== undefined && m[2].length > 1 && m[2].startsWith('0'))) return null;
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostBits = BigInt(bits - prefix);
  const first = (value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { family, address, prefix, first, last };
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
