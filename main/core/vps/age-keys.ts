// age (https://age-encryption.org) X25519 keys for the VPS backups, made here so that the private key stays on the
// desktop: the VPS gets only the recipient (public key) and can encrypt, never decrypt.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATORS[i]!;
  }
  return chk >>> 0;
}

const hrpExpand = (hrp: string) => [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];

function toWords(bytes: Uint8Array): number[] {
  const words: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) words.push((acc << (5 - bits)) & 31);
  return words;
}

/** Bech32 (BIP 173, not bech32m), as age encodes its keys; age does not apply BIP 173's 90-character limit. */
export function bech32Encode(hrp: string, data: Uint8Array): string {
  const words = toWords(data);
  const chk = polymod([...hrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, i) => (chk >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...words, ...checksum].map((w) => CHARSET[w]).join('')}`;
}

/** Whether `text` is a well-formed age X25519 recipient (age1 + 32 bytes, checksum valid). */
export function isAgeRecipient(text: string): boolean {
  const m = /^age1([qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58})$/.exec(text);
  if (!m) return false;
  const words = [...m[1]!].map((c) => CHARSET.indexOf(c));
  return polymod([...hrpExpand('age'), ...words]) === 1;
}

export interface AgeKeyPair {
  /** AGE-SECRET-KEY-1...: the file `age -d -i FILE` reads. Never leaves the desktop. */
  identity: string;
  /** age1...: what backup.sh encrypts to. */
  recipient: string;
}

function rawX25519(jwkPart: string | undefined): Buffer {
  if (!jwkPart) throw new Error('X25519 key without its raw bytes');
  return Buffer.from(jwkPart, 'base64url');
}

export function generateAgeKeyPair(): AgeKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const secret = rawX25519(privateKey.export({ format: 'jwk' }).d);
  const pub = rawX25519(publicKey.export({ format: 'jwk' }).x);
  return { identity: bech32Encode('age-secret-key-', secret).toUpperCase(), recipient: bech32Encode('age', pub) };
}

/** The recipient of an identity file's key (the line that starts AGE-SECRET-KEY-1), or null when it has none. */
export function recipientOfIdentity(text: string): string | null {
  const line = text.split(/\r?\n/).find((l) => l.startsWith('AGE-SECRET-KEY-1'));
  if (!line) return null;
  const words = [...line.slice('AGE-SECRET-KEY-1'.length).toLowerCase()].map((c) => CHARSET.indexOf(c));
  if (words.length !== 58 || words.includes(-1) || polymod([...hrpExpand('age-secret-key-'), ...words]) !== 1) return null;
  const data = words.slice(0, -6);
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const w of data) {
    acc = (acc << 5) | w;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  const d = Buffer.from(bytes.slice(0, 32));
  // A PKCS#8 X25519 key is a fixed 16-byte prefix and the 32 raw bytes.
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), d]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x;
  return bech32Encode('age', rawX25519(pub));
}
