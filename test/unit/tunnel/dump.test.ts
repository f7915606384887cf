// `wg show IF dump` parsing on real captured output; line 1 (the interface's private key) is never kept or quoted.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePeerLines, parseWgDump } from '../../../main/core/tunnel/dump.js';
import { TunnelError } from '../../../main/core/tunnel/errors.js';
import { parsePingRtt } from '../../../main/core/tunnel/probe.js';

const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('wg show dump', () => {
  it('reads the desktop side: VPS endpoint, handshake, rx, tx, keepalive', () => {
    const text = fixture('dump-desktop.txt');
    const privateKey = text.split('\t')[0]!;
    const status = parseWgDump('jett0', text);
    expect(status).toEqual({
      name: 'jett0',
      peers: [
        {
          publicKey: 'Zq0NLtYNjl6TMxrO+cOcnxCDsG0I80+voVrVY1UxgTU=',
          hasPresharedKey: true,
          endpoint: '192.0.2.2:51820',
          allowedIPs: ['198.18.0.2/32'],
          latestHandshake: 1795808741,
          rxBytes: 348,
          txBytes: 436,
          keepalive: 25,
        },
      ],
    });
    expect(JSON.stringify(status)).not.toContain(privateKey);
  });

  it('reads the VPS side (keepalive off) and a peer without a preshared key', () => {
    expect(parseWgDump('wg0', fixture('dump-vps.txt')).peers[0]).toMatchObject({ endpoint: '192.0.2.1:32800', keepalive: null, rxBytes: 436, txBytes: 348 });
    expect(parseWgDump('jett0', fixture('dump-desktop-nopsk.txt')).peers[0]!.hasPresharedKey).toBe(false);
  });

  it('reads a peer that never handshook and an interface without peers', () => {
    const never = 'AAAA\tBBBB\t51820\toff\nZq0NLtYNjl6TMxrO+cOcnxCDsG0I80+voVrVY1UxgTU=\t(none)\t(none)\t(none)\t0\t0\t0\toff\n';
    expect(parseWgDump('jett0', never).peers[0]).toMatchObject({ endpoint: null, allowedIPs: [], latestHandshake: 0, rxBytes: 0 });
    expect(parseWgDump('jett0', 'AAAA\tBBBB\t51820\toff\n').peers).toEqual([]);
  });

  it('refuses an interface line among peer lines without quoting it', () => {
    const text = fixture('dump-desktop.txt');
    let err: unknown;
    try {
      parsePeerLines(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TunnelError);
    expect((err as Error).message).toBe('wg show dump: a peer line has 4 fields, expected 8');
    expect(() => parsePeerLines('a\tb\tc\td\tnot-a-number\t0\t0\toff')).toThrow(/latest handshake/);
  });
});

describe('ping output', () => {
  it('reads the round trip time on Linux and Windows', () => {
    expect(parsePingRtt('64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.355 ms', 'linux')).toBe(0.355);
    expect(parsePingRtt('Reply from 10.0.0.2: bytes=32 time=12ms TTL=64', 'win32')).toBe(12);
    expect(parsePingRtt('Reply from 10.0.0.2: bytes=32 time<1ms TTL=64', 'win32')).toBe(0.5);
    expect(parsePingRtt('1 packets transmitted, 0 received, 100% packet loss', 'linux')).toBeNull();
  });
});
