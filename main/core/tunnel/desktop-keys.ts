// The desktop's WireGuard identity and its VPS peer, as `jett keys`, `jett tunnel peer|config` and the Tunnel tab
// all handle them: keys made in-process into the secret store, only public fields ever handed out.
import type { ConfigStore } from '../config/store.js';
import type { SecretStore } from '../secrets/store.js';
import { desktopHostOf, type TunnelSettings } from './config.js';
import { TunnelConfigError } from './errors.js';
import { assertDistinctPeer, decodeKey, fingerprint, generateKeyPair, generatePresharedKey, publicKeyOf } from './keys.js';
import { parseEndpoint } from './wg-config.js';

export interface DesktopKeys {
  publicKey: string;
  fingerprint: string;
  presharedKeyStored: boolean;
}

/** The stored key pair's public half, or null when this desktop has none yet. */
export async function desktopKeys(secrets: SecretStore): Promise<DesktopKeys | null> {
  const privateKey = await secrets.get('tunnel.privateKey');
  if (!privateKey) return null;
  const publicKey = publicKeyOf(privateKey);
  return { publicKey, fingerprint: fingerprint(publicKey), presharedKeyStored: (await secrets.get('tunnel.presharedKey')) !== null };
}

export interface GenerateOptions {
  /** Replace a stored pair (the VPS must then learn the new public key). */
  replace: boolean;
  /** Also make a preshared key. */
  presharedKey: boolean;
  /** How this front end replaces keys on purpose, for the refusal's fix. */
  howToReplace: string;
}

/** Makes a new key pair; an existing one is replaced only when asked. */
export async function generateDesktopKeys(secrets: SecretStore, opts: GenerateOptions): Promise<DesktopKeys> {
  if (!opts.replace && (await secrets.get('tunnel.privateKey'))) {
    throw new TunnelConfigError('a private key is already stored; generating another would cut this desktop off from the VPS', opts.howToReplace);
  }
  const pair = generateKeyPair();
  await secrets.set('tunnel.privateKey', pair.privateKey);
  if (opts.presharedKey) await secrets.set('tunnel.presharedKey', generatePresharedKey());
  return { publicKey: pair.publicKey, fingerprint: fingerprint(pair.publicKey), presharedKeyStored: (await secrets.get('tunnel.presharedKey')) !== null };
}

export interface VpsPeer {
  peerPublicKey: string;
  peerFingerprint: string;
  endpoint: string;
  warnings: string[];
}

/** Checks a VPS peer before anything is stored: a real key that is not this desktop's own, and HOST:PORT. */
async function checkVpsPeer(secrets: SecretStore, publicKey: string, endpoint: string): Promise<void> {
  decodeKey(publicKey, 'the VPS public key');
  if (!parseEndpoint(endpoint)) throw new TunnelConfigError(`endpoint ${JSON.stringify(endpoint)} is not HOST:PORT`, 'e.g. vps.example.org:51820 or 203.0.113.7:51820');
  const own = await secrets.get('tunnel.privateKey');
  if (own) assertDistinctPeer(publicKeyOf(own), publicKey);
}

/** Takes in the VPS's public key and public address. */
export async function setVpsPeer(deps: { secrets: SecretStore; config: ConfigStore }, publicKey: string, endpoint: string): Promise<VpsPeer> {
  await checkVpsPeer(deps.secrets, publicKey, endpoint);
  deps.config.set('tunnel.peerPublicKey', publicKey.trim());
  const next = deps.config.set('tunnel.endpoint', endpoint.trim());
  const warnings = next.tunnel.keepalive === 0 ? ['tunnel.keepalive is 0: behind NAT the VPS cannot reach the desktop; `jett config set tunnel.keepalive 25`'] : [];
  if (!(await deps.secrets.get('tunnel.privateKey'))) warnings.push('no desktop key yet: run `jett keys generate`');
  return { peerPublicKey: next.tunnel.peerPublicKey, peerFingerprint: fingerprint(next.tunnel.peerPublicKey), endpoint: next.tunnel.endpoint, warnings };
}

/** What the VPS's side needs to name this desktop as its peer (its [Peer] block or whole wg0.conf). */
export async function vpsPeerInput(secrets: SecretStore, settings: Pick<TunnelSettings, 'address'>, whenMissing: string): Promise<{ desktopPublicKey: string; desktopTunnelAddress: string; presharedKey: string | null }> {
  const keys = await desktopKeys(secrets);
  if (!keys) throw new TunnelConfigError('this desktop has no WireGuard key yet', whenMissing);
  return { desktopPublicKey: keys.publicKey, desktopTunnelAddress: desktopHostOf(settings), presharedKey: await secrets.get('tunnel.presharedKey') };
}
