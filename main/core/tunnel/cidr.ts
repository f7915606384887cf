// IPv4/IPv6 addresses and CIDRs as integer ranges, so configs can be checked for malformed and overlapping AllowedIPs.
import net from 'node:net';
import { TunnelConfigError } from './errors.js';

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

/** Null when a part is not a hextet: net.isIPv6 is the gate, this is the belt that keeps BigInt from throwing. */
function ipv6ToBigInt(ip: string): bigint | null {
  let text = ip;
  // An embedded IPv4 tail ("::ffff:192.0.2.1") becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    if (!net.isIPv4(v4[1]!)) return null;
    const n = ipv4ToBigInt(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail === null ? [] : tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  if (missing < 0 || (tail === null && missing !== 0)) return null;
  const parts = [...headParts, ...new Array<string>(tail === null ? 0 : missing).fill('0'), ...tailParts];
  if (!parts.every((h) => /^[0-9a-fA-F]{1,4}$/.test(h))) return null;
  return parts.reduce((acc, h) => (acc << 16n) | BigInt(parseInt(h, 16)), 0n);
}

function invalid(text: string, why: string, fix: string): TunnelConfigError {
  return new TunnelConfigError(`${JSON.stringify(text.slice(0, 60))} ${why}`, fix);
}

const HOW = 'write it as ADDRESS/PREFIX, e.g. 10.0.0.2/32 or fd00::2/128';

/**
 * Reads "ADDR/PREFIX" (or a bare address, taken as a host route). Anything else is a TunnelConfigError that says
 * what is wrong with the value; the caller prefixes the line or field. Nothing else is ever thrown.
 */
export function readCidr(text: string): Cidr {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid(text, 'is empty: expected an IP address', HOW);
  if (/\s/.test(trimmed)) throw invalid(text, 'contains a space: expected one IP address', 'separate addresses with commas');
  const slash = trimmed.indexOf('/');
  const address = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash < 0 ? undefined : trimmed.slice(slash + 1);
  // wg-quick hands Address to `ip address add` and AllowedIPs to the kernel's routing: neither takes a zone id.
  if (address.includes('%')) {
    throw invalid(text, 'has a zone id (the "%..." part): WireGuard addresses and AllowedIPs cannot name a link', 'remove the "%" and what follows it');
  }
  const family = net.isIPv4(address) ? 4 : net.isIPv6(address) ? 6 : 0;
  if (family === 0) throw invalid(text, 'is not an IPv4 or IPv6 address', HOW);
  const bits = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw invalid(text, `has a prefix that is not a number 0-${bits}`, HOW);
  if (prefixText !== undefined && prefixText.length > 1 && prefixText.startsWith('0')) throw invalid(text, 'has a prefix with a leading zero', `write the prefix without it, e.g. /${Number(prefixText)}`);
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) throw invalid(text, `has prefix /${prefix}, more than the ${bits} bits of an IPv${family} address`, HOW);
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  if (value === null) throw invalid(text, 'is not an IPv6 address Jett can read', HOW);
  const hostBits = BigInt(bits - prefix);
  const first = (value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { family, address, prefix, first, last };
}

/** Like readCidr, for a yes/no question: null when the text is not one. */
export function parseCidr(text: string): Cidr | null {
  try {
    return readCidr(text);
  } catch (err) {
    if (err instanceof TunnelConfigError) return null;
    throw err;
  }
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
