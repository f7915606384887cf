// Both sides of the tunnel as wg-quick configs: the desktop's file, the VPS's wg0.conf and the [Peer] block that
// names the desktop in it. `jett tunnel config` and `jett vps bundle` render through these functions only.
import type { Config } from '../contracts/config.js';
import { parseCidr } from './cidr.js';
import { TunnelConfigError } from './errors.js';
import { assertDistinctPeer, decodeKey, publicKeyOf } from './keys.js';
import { checkWgConfig, parseEndpoint, renderPeerBlock, renderWgConfig, type WgConfig, type WgPeerSection } from './wg-config.js';

export type TunnelSettings = Config['tunnel'];

/** Where the VPS keeps its own private key when the desktop never sees it (the bundle generates it there). */
export const VPS_PRIVATE_KEY_FILE = '/etc/wireguard/jett-vps.key';

export interface DesktopConfigInput {
  privateKey: string;
  /** The desktop's tunnel address with prefix, e.g. 10.0.0.1/24. */
  address: string;
  vpsPublicKey: string;
  /** The VPS's tunnel address, routed as a /32 (/128). */
  vpsTunnelAddress: string;
  /** The VPS's public HOST:PORT. */
  endpoint: string;
  keepalive: number;
  presharedKey?: string | null;
}

export interface VpsConfigInput {
  desktopPublicKey: string;
  /** The desktop's tunnel address, routed as a /32 (/128). */
  desktopTunnelAddress: string;
  /** The VPS's tunnel address with prefix, e.g. 10.0.0.2/24. */
  address: string;
  listenPort: number;
  presharedKey?: string | null;
  /** Omitted or null: the key stays on the VPS and PostUp loads it from `privateKeyFile`. */
  privateKey?: string | null;
  privateKeyFile?: string;
}

function hostRoute(address: string, what: string): string {
  const c = parseCidr(address);
  if (!c || address.includes('/')) {
    throw new TunnelConfigError(`${what} ${JSON.stringify(address)} is not an IP address`, `use a bare address such as 10.0.0.2`);
  }
  return `${address}/${c.family === 4 ? 32 : 128}`;
}

function requireCidr(address: string, what: string): string {
  if (!parseCidr(address) || !address.includes('/')) {
    throw new TunnelConfigError(`${what} ${JSON.stringify(address)} is not ADDRESS/PREFIX`, 'use e.g. 10.0.0.1/24');
  }
  return address;
}

/** The [Peer] that names the desktop in the VPS's wg0.conf: its key, and its tunnel address only. */
export function vpsPeerForDesktop(input: Pick<VpsConfigInput, 'desktopPublicKey' | 'desktopTunnelAddress' | 'presharedKey'>): WgPeerSection {
  decodeKey(input.desktopPublicKey, 'the desktop public key');
  if (input.presharedKey) decodeKey(input.presharedKey, 'the preshared key');
  return {
    publicKey: input.desktopPublicKey.trim(),
    presharedKey: input.presharedKey?.trim() || null,
    allowedIPs: [hostRoute(input.desktopTunnelAddress, 'the desktop tunnel address')],
    // The VPS has a public address and the desktop keeps the NAT mapping alive: the VPS needs neither.
    endpoint: null,
    persistentKeepalive: null,
  };
}

export function vpsConfig(input: VpsConfigInput): WgConfig {
  const privateKey = input.privateKey?.trim() || null;
  if (privateKey) assertDistinctPeer(publicKeyOf(privateKey), input.desktopPublicKey);
  const cfg: WgConfig = {
    interface: {
      privateKey,
      addresses: [requireCidr(input.address, 'the VPS tunnel address')],
      listenPort: input.listenPort,
      mtu: null,
      dns: [],
      postUp: privateKey ? [] : [`wg set %i private-key ${input.privateKeyFile ?? VPS_PRIVATE_KEY_FILE}`],
    },
    peers: [vpsPeerForDesktop(input)],
  };
  checkWgConfig(cfg, 'vps');
  return cfg;
}

export function desktopConfig(input: DesktopConfigInput): { config: WgConfig; warnings: string[] } {
  if (!parseEndpoint(input.endpoint)) {
    throw new TunnelConfigError(`the VPS endpoint ${JSON.stringify(input.endpoint)} is not HOST:PORT`, 'run `jett tunnel peer --public-key KEY --endpoint vps.example.org:51820`');
  }
  decodeKey(input.vpsPublicKey, 'the VPS public key');
  assertDistinctPeer(publicKeyOf(input.privateKey), input.vpsPublicKey);
  if (input.presharedKey) decodeKey(input.presharedKey, 'the preshared key');
  const config: WgConfig = {
    interface: { privateKey: input.privateKey.trim(), addresses: [requireCidr(input.address, 'the desktop tunnel address')], listenPort: null, mtu: null, dns: [], postUp: [] },
    peers: [
      {
        publicKey: input.vpsPublicKey.trim(),
        presharedKey: input.presharedKey?.trim() || null,
        allowedIPs: [hostRoute(input.vpsTunnelAddress, 'the VPS tunnel address')],
        endpoint: input.endpoint.trim(),
        persistentKeepalive: input.keepalive,
      },
    ],
  };
  return { config, warnings: checkWgConfig(config, 'desktop').warnings };
}

/** The VPS's wg0.conf text. It holds the preshared key when there is one: install it with mode 0600. */
export function renderVpsWg0Conf(input: VpsConfigInput): string {
  return renderWgConfig(vpsConfig(input), ['Jett VPS side of the tunnel (written by Jett; mode 0600, owner root)']);
}

/** The desktop's [Peer] block alone, to paste into an existing wg0.conf. */
export function renderVpsPeerBlock(input: Pick<VpsConfigInput, 'desktopPublicKey' | 'desktopTunnelAddress' | 'presharedKey'>): string {
  return renderPeerBlock(vpsPeerForDesktop(input), 'Jett desktop');
}

export function renderDesktopConfig(input: DesktopConfigInput): string {
  return renderWgConfig(desktopConfig(input).config, ['Jett desktop side of the tunnel (written by Jett; mode 0600)']);
}

/** The VPS's address with the desktop's prefix (10.0.0.2 + 10.0.0.1/24 -> 10.0.0.2/24). */
export function vpsAddressOf(settings: Pick<TunnelSettings, 'address' | 'peerAddress'>): string {
  const prefix = settings.address.split('/')[1] ?? '24';
  return `${settings.peerAddress}/${prefix}`;
}

/** The desktop's tunnel address without prefix. */
export function desktopHostOf(settings: Pick<TunnelSettings, 'address'>): string {
  return settings.address.split('/')[0]!;
}
