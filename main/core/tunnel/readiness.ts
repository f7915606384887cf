// Whether the tunnel is set up at all: this desktop's private key, the VPS peer's public key, its endpoint and its
// tunnel address. Without them the tunnel is "not configured" (named with the next step), never "lost".
import type { ServiceSetup } from '../contracts/status.js';
import type { SecretStore } from '../secrets/store.js';
import type { TunnelSettings } from './config.js';

export const KEYS_NEXT = 'run `jett keys generate` or press Generate keys in Settings > Tunnel; or import the desktop .conf you have (`jett tunnel import FILE`, or Import a .conf…)';
export const PEER_NEXT =
  'run `jett tunnel peer --public-key KEY --endpoint HOST:PORT`, or enter both in Settings > Tunnel > Connection (the VPS install.sh prints them)';

const NO_KEY = 'this desktop\'s WireGuard key';

/** The pieces missing from the tunnel's settings and secrets, in the order a user adds them. */
export async function missingTunnelPieces(settings: TunnelSettings, secrets: Pick<SecretStore, 'get'>): Promise<string[]> {
  const missing: string[] = [];
  if (!(await secrets.get('tunnel.privateKey'))) missing.push(NO_KEY);
  if (!settings.peerPublicKey) missing.push('the VPS public key (tunnel.peerPublicKey)');
  if (!settings.endpoint) missing.push('the VPS endpoint (tunnel.endpoint)');
  if (!settings.peerAddress) missing.push('the VPS tunnel address (tunnel.peerAddress)');
  return missing;
}

export interface TunnelGap {
  /** What the user sees first: the key comes before the peer (the VPS needs this desktop's public key). */
  headline: string;
  missing: string[];
  next: string;
}

/** Null when the tunnel has every piece; otherwise what is missing and the next step. */
export async function tunnelGap(settings: TunnelSettings, secrets: Pick<SecretStore, 'get'>): Promise<TunnelGap | null> {
  const missing = await missingTunnelPieces(settings, secrets);
  if (missing.length === 0) return null;
  const noKey = missing[0] === NO_KEY;
  return { headline: noKey ? 'this desktop has no WireGuard key yet' : 'the VPS peer is not set', missing, next: noKey ? KEYS_NEXT : PEER_NEXT };
}

/** Configured, or what is missing and the next step, for the status snapshot. */
export async function tunnelReadiness(settings: TunnelSettings, secrets: Pick<SecretStore, 'get'>): Promise<ServiceSetup> {
  const gap = await tunnelGap(settings, secrets);
  if (!gap) return { configured: true, reason: `peer ${settings.endpoint}`, next: null };
  return { configured: false, reason: `${gap.headline} (missing ${gap.missing.join(', ')})`, next: gap.next };
}
