// The wg-quick config format: a typed model, a parser with line-numbered errors, a canonical renderer, and the
// checks both sides need (keys, CIDRs, endpoints, overlapping AllowedIPs, keepalive behind NAT).
import { formatCidr, overlaps, parseCidr, readCidr, type Cidr } from './cidr.js';
import { TunnelConfigError } from './errors.js';
import { decodeKey, publicKeyOf } from './keys.js';

export interface WgInterfaceSection {
  /** Null on a VPS config that loads its key from a root-only file in PostUp. */
  privateKey: string | null;
  addresses: string[];
  listenPort: number | null;
  mtu: number | null;
  dns: string[];
  postUp: string[];
}

export interface WgPeerSection {
  publicKey: string;
  presharedKey: string | null;
  allowedIPs: string[];
  endpoint: string | null;
  persistentKeepalive: number | null;
}

export interface WgConfig {
  interface: WgInterfaceSection;
  peers: WgPeerSection[];
}

export type TunnelSide = 'desktop' | 'vps';

export const IFACE_NAME = /^[a-zA-Z0-9_=+.-]{1,15}$/;

export function assertInterfaceName(name: string): void {
  // "." and ".." would become paths in /var/run/wireguard; the kernel refuses them too.
  if (!IFACE_NAME.test(name) || name === '.' || name === '..') {
    throw new TunnelConfigError(
      `interface name ${JSON.stringify(name)} is not valid: 1-15 characters of letters, digits and _=+.-`,
      'pick a name such as jett0: `jett config set tunnel.interface jett0`',
    );
  }
}

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Splits "host:port" / "[v6]:port"; null when it is not one. */
export function parseEndpoint(text: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  if (m[1] !== undefined) {
    const c = parseCidr(m[1]);
    return c && c.family === 6 && !m[1].includes('/') ? { host: m[1], port } : null;
  }
  const host = m[2]!;
  if (/^[\d.]+$/.test(host)) {
    const c = parseCidr(host);
    return c && c.family === 4 ? { host, port } : null;
  }
  return HOSTNAME.test(host) ? { host, port } : null;
}

function fail(line: number | null, message: string, fix: string): never {
  throw new TunnelConfigError(line === null ? message : `line ${line}: ${message}`, fix);
}

function intIn(text: string, min: number, max: number): number | null {
  if (!/^\d{1,6}$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function cidrList(line: number, key: string, value: string, requirePrefix: boolean): string[] {
  const items = list(value);
  for (const item of items) {
    try {
      readCidr(item);
    } catch (err) {
      const e = err as TunnelConfigError;
      fail(line, `${key}: ${e.message}`, e.fix);
    }
    if (requirePrefix && !item.includes('/')) fail(line, `${key}: ${JSON.stringify(item.slice(0, 60))} has no /prefix`, 'write it as ADDRESS/PREFIX, e.g. 10.0.0.2/32');
  }
  return items;
}

/**
 * wg-quick splits DNS on commas and blanks (so does this) and hands resolvconf the entries that look like
 * addresses (digits and dots, or any ":") as `nameserver` lines, the rest as one `search` line. So an entry is an
 * IP address (no zone id) or a domain name of letters, digits, hyphens and dots: no shell or resolv.conf
 * character and no control character reaches resolvconf.
 */
const MAX_DNS_ENTRIES = 16;

function dnsList(line: number, value: string): string[] {
  // Blanks as bash splits words (space and tab): any other control character stays inside the entry and is refused.
  const items = value.split(/[, \t]+/).filter((s) => s.length > 0);
  for (const item of items) {
    const shown = JSON.stringify(item.slice(0, 60));
    const looksLikeAddress = /^[0-9.]+$/.test(item) || item.includes(':');
    if (looksLikeAddress) {
      if (item.includes('/') || parseCidr(item) === null) {
        fail(line, `DNS: ${shown} is not an IP address`, 'write a DNS server as a bare address (e.g. 10.0.0.2), or a search domain as a name (e.g. home.arpa)');
      }
    } else if (!HOSTNAME.test(item)) {
      fail(line, `DNS: ${shown} is neither an IP address nor a search domain (letters, digits, "-" and "." only)`, 'list DNS servers and search domains separated by commas, e.g. DNS = 10.0.0.2, home.arpa');
    }
  }
  if (items.length > MAX_DNS_ENTRIES) fail(line, `DNS lists ${items.length} entries`, `keep at most ${MAX_DNS_ENTRIES}: a resolver uses only the first few`);
  return items;
}

const SECRET_KEYS = new Set(['privatekey', 'presharedkey']);

function keyValue(line: number, key: string, value: string): string {
  // The message names the field only: the value may be a private or preshared key.
  try {
    decodeKey(value, key);
  } catch (err) {
    fail(line, (err as TunnelConfigError).message, (err as TunnelConfigError).fix);
  }
  return value.trim();
}

const ONCE_PER_SECTION = new Set(['privatekey', 'listenport', 'mtu', 'publickey', 'presharedkey', 'endpoint', 'persistentkeepalive']);

/** Parses wg-quick text. Any malformed input gets a TunnelConfigError naming the line; nothing else is thrown. */
export function parseWgConfig(text: string): WgConfig {
  let iface: WgInterfaceSection | null = null;
  const peers: WgPeerSection[] = [];
  let section: 'interface' | 'peer' | null = null;
  let peerLine = 0;
  let seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  const closePeer = () => {
    const peer = peers.at(-1);
    if (section === 'peer' && peer && peer.publicKey === '') fail(peerLine, '[Peer] has no PublicKey', 'add `PublicKey = <the peer\'s public key>` to the section');
  };
  lines.forEach((raw, index) => {
    const n = index + 1;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const header = /^\[\s*([A-Za-z]+)\s*\]$/.exec(content);
    if (header) {
      closePeer();
      seen = new Set();
      const name = header[1]!.toLowerCase();
      if (name === 'interface') {
        if (iface) fail(n, 'a second [Interface] section', 'keep one [Interface] section per file');
        iface = { privateKey: null, addresses: [], listenPort: null, mtu: null, dns: [], postUp: [] };
        section = 'interface';
      } else if (name === 'peer') {
        peers.push({ publicKey: '', presharedKey: null, allowedIPs: [], endpoint: null, persistentKeepalive: null });
        section = 'peer';
        peerLine = n;
      } else {
        fail(n, `unknown section [${header[1]!.slice(0, 20)}]`, 'a wg-quick file has one [Interface] and [Peer] sections only');
      }
      return;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(content);
    if (!kv) fail(n, 'expected "Key = Value" or a [Section] header', 'fix or remove the line');
    const key = kv[1]!;
    const lower = key.toLowerCase();
    const value = kv[2]!.trim();
    if (section === null) fail(n, `${key} appears before any [Interface] or [Peer] section`, 'start the file with [Interface]');
    if (value === '' && !SECRET_KEYS.has(lower)) fail(n, `${key} has no value`, `give ${key} a value or remove the line`);
    if (ONCE_PER_SECTION.has(lower)) {
      if (seen.has(lower)) fail(n, `${key} is set twice in the same section`, 'keep one of the two lines');
      seen.add(lower);
    }
    if (section === 'interface') {
      const i = iface!;
      switch (lower) {
        case 'privatekey':
          i.privateKey = keyValue(n, 'PrivateKey', value);
          return;
        case 'address':
          i.addresses.push(...cidrList(n, 'Address', value, false));
          return;
        case 'listenport': {
          const port = intIn(value, 0, 65535);
          if (port === null) fail(n, `ListenPort ${JSON.stringify(value.slice(0, 20))} is not a port 0-65535`, 'use a UDP port such as 51820');
          i.listenPort = port;
          return;
        }
        case 'mtu': {
          const mtu = intIn(value, 576, 65535);
          if (mtu === null) fail(n, `MTU ${JSON.stringify(value.slice(0, 20))} is not 576-65535`, 'remove MTU to let wg-quick choose, or use 1420');
          i.mtu = mtu;
          return;
        }
        case 'dns':
          i.dns.push(...dnsList(n, value));
          return;
        case 'postup':
          i.postUp.push(value);
          return;
        case 'preup':
        case 'predown':
        case 'postdown':
        case 'table':
        case 'fwmark':
        case 'saveconfig':
          fail(n, `${key} is not supported by Jett`, `remove the ${key} line; Jett's tunnel needs only PrivateKey, Address, ListenPort, MTU and DNS`);
          break;
        default:
          fail(n, `unknown [Interface] key ${key.slice(0, 30)}`, 'known keys: PrivateKey, Address, ListenPort, MTU, DNS, PostUp');
      }
    }
    const p = peers.at(-1)!;
    switch (lower) {
      case 'publickey':
        p.publicKey = keyValue(n, 'PublicKey', value);
        return;
      case 'presharedkey':
        p.presharedKey = keyValue(n, 'PresharedKey', value);
        return;
      case 'allowedips':
        p.allowedIPs.push(...cidrList(n, 'AllowedIPs', value, true));
        return;
      case 'endpoint':
        if (!parseEndpoint(value)) fail(n, `Endpoint ${JSON.stringify(value.slice(0, 80))} is not HOST:PORT`, 'write it as vps.example.org:51820, 203.0.113.7:51820 or [2001:db8::1]:51820');
        p.endpoint = value;
        return;
      case 'persistentkeepalive': {
        const k = value === 'off' ? 0 : intIn(value, 0, 65535);
        if (k === null) fail(n, `PersistentKeepalive ${JSON.stringify(value.slice(0, 20))} is not 0-65535`, 'use 25 behind NAT, or 0 to turn it off');
        p.persistentKeepalive = k;
        return;
      }
      default:
        fail(n, `unknown [Peer] key ${key.slice(0, 30)}`, 'known keys: PublicKey, PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive');
    }
  });
  closePeer();
  if (!iface) fail(null, 'no [Interface] section', 'start the file with [Interface] and its PrivateKey and Address');
  return { interface: iface, peers };
}

/** Canonical wg-quick text: fixed key order, one blank line between sections. parse(render(c)) equals c. */
export function renderWgConfig(cfg: WgConfig, header: string[] = []): string {
  const out: string[] = header.map((h) => `# ${h}`);
  const i = cfg.interface;
  out.push('[Interface]');
  if (i.privateKey !== null) out.push(`PrivateKey = ${i.privateKey}`);
  if (i.addresses.length) out.push(`Address = ${i.addresses.join(', ')}`);
  if (i.listenPort !== null) out.push(`ListenPort = ${i.listenPort}`);
  if (i.mtu !== null) out.push(`MTU = ${i.mtu}`);
  if (i.dns.length) out.push(`DNS = ${i.dns.join(', ')}`);
  for (const cmd of i.postUp) out.push(`PostUp = ${cmd}`);
  for (const p of cfg.peers) out.push('', renderPeerBlock(p).trimEnd());
  return `${out.join('\n')}\n`;
}

export function renderPeerBlock(p: WgPeerSection, comment?: string): string {
  const out = comment ? [`# ${comment}`, '[Peer]'] : ['[Peer]'];
  out.push(`PublicKey = ${p.publicKey}`);
  if (p.presharedKey !== null) out.push(`PresharedKey = ${p.presharedKey}`);
  if (p.allowedIPs.length) out.push(`AllowedIPs = ${p.allowedIPs.join(', ')}`);
  if (p.endpoint !== null) out.push(`Endpoint = ${p.endpoint}`);
  if (p.persistentKeepalive !== null) out.push(`PersistentKeepalive = ${p.persistentKeepalive}`);
  return `${out.join('\n')}\n`;
}

export interface ConfigCheck {
  warnings: string[];
}

/**
 * What wg-quick would accept but Jett must not: a missing key or address, hooks on the desktop (they would run as
 * root), a peer that is ourselves, duplicate peers, overlapping AllowedIPs. Throws on the first error; returns
 * warnings (a desktop peer with an Endpoint but no keepalive, which dies behind NAT).
 */
export function checkWgConfig(cfg: WgConfig, side: TunnelSide): ConfigCheck {
  const warnings: string[] = [];
  const i = cfg.interface;
  if (side === 'desktop' && i.privateKey === null) fail(null, 'the [Interface] has no PrivateKey', 'run `jett keys generate` and render the config again');
  if (side === 'desktop' && i.postUp.length) fail(null, 'PostUp is not allowed on the desktop: it would run as root', 'remove the PostUp lines');
  if (side === 'vps' && i.privateKey === null && i.postUp.length === 0) {
    fail(null, 'the [Interface] has no PrivateKey and no PostUp that loads one', 'add PrivateKey, or PostUp = wg set %i private-key FILE');
  }
  if (i.addresses.length === 0) fail(null, 'the [Interface] has no Address', `add the tunnel address, e.g. Address = ${side === 'desktop' ? '10.0.0.1/24' : '10.0.0.2/24'}`);
  if (side === 'vps' && (i.listenPort === null || i.listenPort === 0)) fail(null, 'the VPS [Interface] has no ListenPort', 'add ListenPort = 51820 (the port the desktop connects to)');
  if (cfg.peers.length === 0) fail(null, 'the config has no [Peer]', side === 'desktop' ? 'run `jett tunnel peer --public-key KEY --endpoint HOST:PORT`' : 'add the desktop\'s [Peer] block');
  const own = i.privateKey === null ? null : publicKeyOf(i.privateKey);
  const keys = new Set<string>();
  const ranges: { cidr: Cidr; peer: number }[] = [];
  cfg.peers.forEach((p, index) => {
    const name = `[Peer] #${index + 1}`;
    if (own !== null && p.publicKey === own) fail(null, `${name} has this interface's own public key`, 'use the other side\'s public key');
    if (keys.has(p.publicKey)) fail(null, `${name} repeats the PublicKey of an earlier peer`, 'merge the two [Peer] sections');
    keys.add(p.publicKey);
    if (p.allowedIPs.length === 0) fail(null, `${name} has no AllowedIPs, so no packet would go to it`, 'add AllowedIPs = the peer\'s tunnel address/32');
    for (const text of p.allowedIPs) {
      const cidr = parseCidr(text)!;
      const clash = ranges.find((r) => overlaps(r.cidr, cidr));
      if (clash) {
        const where = clash.peer === index ? 'in the same peer' : `in [Peer] #${clash.peer + 1}`;
        fail(null, `${name}: AllowedIPs ${text} overlaps ${formatCidr(clash.cidr)} ${where}`, 'each address may route to one peer only: remove or narrow one of them');
      }
      ranges.push({ cidr, peer: index });
    }
    if (side === 'desktop' && p.endpoint !== null && !p.persistentKeepalive) {
      warnings.push(`${name} has an Endpoint but no PersistentKeepalive: behind NAT the VPS cannot reach the desktop after the mapping expires; set 25`);
    }
  });
  return { warnings };
}
