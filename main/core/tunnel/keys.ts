// WireGuard keys made in-process with Node's X25519: generation clamped like `wg genkey`, public key derivation,
// preshared keys, validation and a short fingerprint for humans. Nothing here shells out.
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { TunnelConfigError } from './errors.js';

// DER headers that wrap a raw 32-byte X25519 key as PKCS#8 (private) and SPKI (public), per RFC 8410.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX_LENGTH = 12;
// 43 base64 characters carry 258 bits: the last one must leave the two spare bits zero, then one '='.
const KEY_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** Clamps a Curve25519 scalar the way `wg genkey` does, so our keys and wg's are interchangeable byte for byte. */
export function clampPrivateKey(raw: Buffer): Buffer {
  const k = Buffer.from(raw);
  k[0] = k[0]! & 248;
  k[31] = (k[31]! & 127) | 64;
  return k;
}

/**
 * Decodes a base64 WireGuard key: exactly 32 bytes, canonical base64. `what` names the key in the error, which
 * never quotes the value (it may be a private key).
 */
export function decodeKey(text: string, what: string): Buffer {
  const trimmed = text.trim();
  if (!KEY_BASE64.test(trimmed)) {
    const hint = trimmed.length === 44 ? 'it is not canonical base64' : `it has ${trimmed.length} characters, a key has 44`;
    throw new TunnelConfigError(
      `${what} is not a WireGuard key: expected base64 of exactly 32 bytes (${hint})`,
      `copy the whole key (44 characters ending in "="), e.g. the output of \`jett keys show\` or \`wg pubkey\``,
    );
  }
  return Buffer.from(trimmed, 'base64');
}

export function publicKeyOf(privateKey: string): string {
  const raw = decodeKey(privateKey, 'the private key');
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_X25519_PREFIX_LENGTH).toString('base64');
}

export function generatePrivateKey(): string {
  return clampPrivateKey(randomBytes(32)).toString('base64');
}

export function generateKeyPair(): KeyPair {
  const privateKey = generatePrivateKey();
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/** A preshared key is 32 random bytes, unclamped, as `wg genpsk` makes it. */
export function generatePresharedKey(): string {
  return randomBytes(32).toString('base64');
}

/** A short, stable name for a public key that people can compare over the phone: "3f2a-91c0-7be4-d812". */
export function fingerprint(publicKey: string): string {
  const hex = createHash('sha256').update(decodeKey(publicKey, 'the public key')).digest('hex').slice(0, 16);
  return hex.match(/.{4}/g)!.join('-');
}

/** Refuses a peer key equal to our own: the tunnel would point at itself and never handshake. */
export function assertDistinctPeer(ownPublicKey: string, peerPublicKey: string): void {
  if (ownPublicKey.trim() === peerPublicKey.trim()) {
    throw new TunnelConfigError(
      'the peer public key is this desktop\'s own public key',
      'use the VPS\'s public key (on the VPS: `wg show wg0 public-key`), not the output of `jett keys show`',
    );
  }
}
