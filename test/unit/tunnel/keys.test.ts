// Keys made in-process agree with wg's own tools, are clamped like `wg genkey`, and bad keys get clear errors.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { TunnelConfigError } from '../../../main/core/tunnel/errors.js';
import {
  assertDistinctPeer,
  clampPrivateKey,
  decodeKey,
  fingerprint,
  generateKeyPair,
  generatePresharedKey,
  publicKeyOf,
} from '../../../main/core/tunnel/keys.js';
import { binary, describeWith } from '../../helpers/requirements.js';

// The RFC 7748 section 6.1 test vector (Alice), as base64.
const RFC_PRIVATE = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
const RFC_PUBLIC = Buffer.from('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', 'hex').toString('base64');

describe('keys', () => {
  it('derives the RFC 7748 public key', () => {
    expect(publicKeyOf(RFC_PRIVATE.toString('base64'))).toBe(RFC_PUBLIC);
  });

  it('clamps generated private keys like wg genkey', () => {
    for (let i = 0; i < 50; i++) {
      const raw = Buffer.from(generateKeyPair().privateKey, 'base64');
      expect(raw).toHaveLength(32);
      expect(raw[0]! & 7).toBe(0);
      expect(raw[31]! & 128).toBe(0);
      expect(raw[31]! & 64).toBe(64);
      expect(clampPrivateKey(raw).equals(raw)).toBe(true);
    }
  });

  it('makes distinct 32-byte preshared keys', () => {
    const a = generatePresharedKey();
    expect(decodeKey(a, 'psk')).toHaveLength(32);
    expect(generatePresharedKey()).not.toBe(a);
  });

  it('rejects anything that is not base64 of exactly 32 bytes, without quoting it', () => {
    const good = generateKeyPair().privateKey;
    for (const bad of ['', 'abc', good.slice(0, 43), `${good}A`, good.replace('=', 'A'), `${good.slice(0, 42)}B=`, '!'.repeat(44)]) {
      let err: unknown;
      try {
        decodeKey(bad, 'the private key');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TunnelConfigError);
      if (bad.length > 8) expect((err as Error).message).not.toContain(bad);
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          decodeKey(s, 'k');
          return Buffer.from(s.trim(), 'base64').length === 32;
        } catch (e) {
          return e instanceof TunnelConfigError;
        }
      }),
    );
  });

  it('refuses a peer key equal to our own', () => {
    const { publicKey } = generateKeyPair();
    expect(() => assertDistinctPeer(publicKey, publicKey)).toThrow(TunnelConfigError);
    expect(() => assertDistinctPeer(publicKey, generateKeyPair().publicKey)).not.toThrow();
  });

  it('gives a short stable fingerprint', () => {
    expect(fingerprint(RFC_PUBLIC)).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    expect(fingerprint(RFC_PUBLIC)).toBe(fingerprint(RFC_PUBLIC));
    expect(fingerprint(generateKeyPair().publicKey)).not.toBe(fingerprint(RFC_PUBLIC));
  });
});

describeWith([binary('wg')], 'keys against wg', () => {
  const wg = resolveBinary('wg')!;
  // Keys go to wg on stdin, never in argv.
  const wgPubkey = (priv: string) => execFileSync(wg, ['pubkey'], { input: `${priv}\n` }).toString().trim();

  it('derives the same public key as `wg pubkey` for our keys', () => {
    for (let i = 0; i < 20; i++) {
      const pair = generateKeyPair();
      expect(wgPubkey(pair.privateKey)).toBe(pair.publicKey);
    }
  });

  it('derives the same public key as `wg pubkey` for keys from `wg genkey`', () => {
    for (let i = 0; i < 10; i++) {
      const priv = execFileSync(wg, ['genkey']).toString().trim();
      expect(publicKeyOf(priv)).toBe(wgPubkey(priv));
    }
  });

  it('agrees with wg on unclamped keys too (both clamp before use)', () => {
    const raw = Buffer.alloc(32, 0xff).toString('base64');
    expect(publicKeyOf(raw)).toBe(wgPubkey(raw));
  });
});
