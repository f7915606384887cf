// wg-quick configs: both sides render and parse back unchanged, and malformed input always gets a clear error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr, readCidr } from '../../../main/core/tunnel/cidr.js';
import {
  desktopConfig,
  renderDesktopConfig,
  renderVpsPeerBlock,
  renderVpsWg0Conf,
  vpsConfig,
  VPS_PRIVATE_KEY_FILE,
} from '../../../main/core/tunnel/config.js';
import { TunnelConfigError } from '../../../main/core/tunnel/errors.js';
import { generateKeyPair, generatePresharedKey } from '../../../main/core/tunnel/keys.js';
import { assertInterfaceName, checkWgConfig, parseEndpoint, parseWgConfig, renderWgConfig, type WgConfig } from '../../../main/core/tunnel/wg-config.js';

const desktop = generateKeyPair();
const vps = generateKeyPair();
const psk = generatePresharedKey();

const desktopInput = {
  privateKey: desktop.privateKey,
  address: '10.0.0.1/24',
  vpsPublicKey: vps.publicKey,
  vpsTunnelAddress: '10.0.0.2',
  endpoint: 'vps.example.org:51820',
  keepalive: 25,
  presharedKey: psk,
};

function errorOf(fn: () => unknown): TunnelConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TunnelConfigError) return e;
    throw e;
  }
  throw new Error('expected a TunnelConfigError');
}

describe('desktop and VPS configs', () => {
  it('renders the reference desktop config of DESIGN.md', () => {
    const text = renderDesktopConfig(desktopInput);
    const cfg = parseWgConfig(text);
    expect(cfg.interface).toMatchObject({ privateKey: desktop.privateKey, addresses: ['10.0.0.1/24'], listenPort: null });
    expect(cfg.peers).toEqual([
      { publicKey: vps.publicKey, presharedKey: psk, allowedIPs: ['10.0.0.2/32'], endpoint: 'vps.example.org:51820', persistentKeepalive: 25 },
    ]);
  });

  it('renders the VPS wg0.conf with the desktop as its only peer and its own key kept on the VPS', () => {
    const text = renderVpsWg0Conf({ desktopPublicKey: desktop.publicKey, desktopTunnelAddress: '10.0.0.1', address: '10.0.0.2/24', listenPort: 51820, presharedKey: psk });
    expect(text).not.toMatch(/^PrivateKey/m);
    const cfg = parseWgConfig(text);
    expect(cfg.interface).toMatchObject({ addresses: ['10.0.0.2/24'], listenPort: 51820, postUp: [`wg set %i private-key ${VPS_PRIVATE_KEY_FILE}`] });
    expect(cfg.peers).toEqual([{ publicKey: desktop.publicKey, presharedKey: psk, allowedIPs: ['10.0.0.1/32'], endpoint: null, persistentKeepalive: null }]);
  });

  it('renders a VPS wg0.conf holding its private key when given one', () => {
    const cfg = parseWgConfig(renderVpsWg0Conf({ desktopPublicKey: desktop.publicKey, desktopTunnelAddress: '10.0.0.1', address: '10.0.0.2/24', listenPort: 51820, privateKey: vps.privateKey }));
    expect(cfg.interface.privateKey).toBe(vps.privateKey);
    expect(cfg.interface.postUp).toEqual([]);
  });

  it('renders the desktop [Peer] block for an existing wg0.conf', () => {
    const block = renderVpsPeerBlock({ desktopPublicKey: desktop.publicKey, desktopTunnelAddress: '10.0.0.1' });
    expect(block).toBe(`# Jett desktop\n[Peer]\nPublicKey = ${desktop.publicKey}\nAllowedIPs = 10.0.0.1/32\n`);
  });

  it('refuses the desktop own key as the VPS key, and a bad endpoint', () => {
    expect(errorOf(() => desktopConfig({ ...desktopInput, vpsPublicKey: desktop.publicKey })).message).toContain('own public key');
    expect(errorOf(() => vpsConfig({ desktopPublicKey: vps.publicKey, desktopTunnelAddress: '10.0.0.1', address: '10.0.0.2/24', listenPort: 51820, privateKey: vps.privateKey })).message).toContain('own public key');
    expect(errorOf(() => desktopConfig({ ...desktopInput, endpoint: 'vps.example.org' })).fix).toContain('jett tunnel peer');
  });

  it('warns when the desktop has no keepalive behind NAT', () => {
    expect(desktopConfig({ ...desktopInput, keepalive: 0 }).warnings[0]).toMatch(/PersistentKeepalive/);
    expect(desktopConfig(desktopInput).warnings).toEqual([]);
  });
});

describe('validation', () => {
  it('checks interface names', () => {
    for (const ok of ['jett0', 'wg0', 'a', 'a_b=c+d.e-f', 'x'.repeat(15)]) expect(() => assertInterfaceName(ok)).not.toThrow();
    for (const bad of ['', 'x'.repeat(16), 'jett 0', 'jett/0', '..', 'é']) expect(() => assertInterfaceName(bad)).toThrow(TunnelConfigError);
  });

  it('checks endpoints', () => {
    expect(parseEndpoint('vps.example.org:51820')).toEqual({ host: 'vps.example.org', port: 51820 });
    expect(parseEndpoint('203.0.113.7:1')).toEqual({ host: '203.0.113.7', port: 1 });
    expect(parseEndpoint('[2001:db8::1]:51820')).toEqual({ host: '2001:db8::1', port: 51820 });
    for (const bad of ['vps', 'vps:0', 'vps:65536', '1.2.3.400:5', '2001:db8::1:51820', 'a b:1', '-x.org:1', ':51820']) expect(parseEndpoint(bad)).toBeNull();
  });

  it('names the line of a malformed entry and never quotes a key', () => {
    const base = renderDesktopConfig(desktopInput);
    const broken = base.replace('AllowedIPs = 10.0.0.2/32', 'AllowedIPs = 10.0.0.300/32');
    expect(errorOf(() => parseWgConfig(broken)).message).toMatch(/^line \d+: AllowedIPs: "10\.0\.0\.300\/32"/);
    const badKey = base.replace(desktop.privateKey, `${desktop.privateKey.slice(0, 40)}`);
    const err = errorOf(() => parseWgConfig(badKey));
    expect(err.message).toMatch(/^line 3: PrivateKey is not a WireGuard key/);
    expect(err.message).not.toContain(desktop.privateKey.slice(0, 40));
    expect(errorOf(() => parseWgConfig(base.replace('PersistentKeepalive = 25', 'PersistentKeepalive = 70000'))).message).toMatch(/0-65535/);
    expect(errorOf(() => parseWgConfig(base.replace("[Interface]\n", "[Interface]\nPostDown = rm -rf /\n"))).message).toMatch(/not supported/);
    expect(errorOf(() => parseWgConfig('Address = 10.0.0.1/24\n')).message).toMatch(/before any \[Interface\]/);
    expect(errorOf(() => parseWgConfig('[Peer]\nAllowedIPs = 10.0.0.2/32\n')).message).toMatch(/no PublicKey/);
  });

  it('refuses overlapping AllowedIPs, across peers and within one', () => {
    const other = generateKeyPair().publicKey;
    const cfg = desktopConfig(desktopInput).config;
    const two: WgConfig = { ...cfg, peers: [...cfg.peers, { ...cfg.peers[0]!, publicKey: other, presharedKey: null, allowedIPs: ['10.0.0.0/24'] }] };
    expect(errorOf(() => checkWgConfig(two, 'desktop')).message).toBe('[Peer] #2: AllowedIPs 10.0.0.0/24 overlaps 10.0.0.2/32 in [Peer] #1');
    const same: WgConfig = { ...cfg, peers: [{ ...cfg.peers[0]!, allowedIPs: ['10.0.0.2/32', '10.0.0.0/30'] }] };
    expect(errorOf(() => checkWgConfig(same, 'desktop')).message).toMatch(/in the same peer/);
    const v6: WgConfig = { ...cfg, peers: [{ ...cfg.peers[0]!, allowedIPs: ['10.0.0.2/32', 'fd00::/64'] }, { ...cfg.peers[0]!, publicKey: other, allowedIPs: ['fd00::1/128'] }] };
    expect(errorOf(() => checkWgConfig(v6, 'desktop')).message).toMatch(/fd00::1\/128 overlaps fd00::\/64/);
  });

  it('refuses PostUp on the desktop (it would run as root)', () => {
    const cfg = desktopConfig(desktopInput).config;
    expect(errorOf(() => checkWgConfig({ ...cfg, interface: { ...cfg.interface, postUp: ['id'] } }, 'desktop')).message).toMatch(/PostUp/);
  });

  it('parses CIDRs of both families', () => {
    expect(parseCidr('10.0.0.1/24')).toMatchObject({ family: 4, prefix: 24, first: 0x0a000000n, last: 0x0a0000ffn });
    expect(parseCidr('::ffff:192.0.2.1/128')).toMatchObject({ family: 6, first: 0xffffc0000201n });
    for (const bad of ['10.0.0.1/33', '10.0.0.1/024', '::1/129', '10.0.0/8', 'x/1', '']) expect(parseCidr(bad)).toBeNull();
  });

  it('refuses an IPv6 zone id with an error that says to remove it, in any position', () => {
    for (const zoned of ['fe80::1%eth0/64', 'fe80::1%eth0', 'fe80::%1', '::ffff:192.0.2.1%2/128', 'fe80::1%25eth0']) {
      const err = errorOf(() => readCidr(zoned));
      expect(err.message).toMatch(/zone id/);
      expect(err.fix).toMatch(/remove the "%"/);
      expect(parseCidr(zoned)).toBeNull();
    }
    const conf = renderDesktopConfig(desktopInput).replace('Address = 10.0.0.1/24', 'Address = 10.0.0.1/24, fe80::1%eth0/64');
    expect(errorOf(() => parseWgConfig(conf)).message).toMatch(/^line 4: Address: "fe80::1%eth0\/64" has a zone id/);
    const peer = renderDesktopConfig(desktopInput).replace('AllowedIPs = 10.0.0.2/32', 'AllowedIPs = fe80::%1/128');
    expect(errorOf(() => parseWgConfig(peer)).message).toMatch(/^line \d+: AllowedIPs: "fe80::%1\/128" has a zone id/);
  });

  it('says what is wrong with each malformed CIDR', () => {
    const why: Array<[string, RegExp]> = [
      ['', /is empty/],
      ['10.0.0.1 /24', /contains a space/],
      ['10.0.0.1/', /prefix that is not a number/],
      ['10.0.0.1/2/4', /prefix that is not a number/],
      ['10.0.0.1/024', /leading zero/],
      ['10.0.0.1/33', /more than the 32 bits/],
      ['::1/129', /more than the 128 bits/],
      ['10.0.0/8', /not an IPv4 or IPv6 address/],
    ];
    for (const [text, re] of why) expect(errorOf(() => readCidr(text)).message).toMatch(re);
  });

  it('accepts DNS servers and search domains the way wg-quick splits them', () => {
    const conf = renderDesktopConfig(desktopInput).replace('[Peer]', 'DNS = 10.0.0.2, fd00::53 home.arpa,example.org.\n\n[Peer]');
    expect(parseWgConfig(conf).interface.dns).toEqual(['10.0.0.2', 'fd00::53', 'home.arpa', 'example.org.']);
  });

  it('refuses a DNS entry that is neither an address nor a search domain, naming the line', () => {
    const base = renderDesktopConfig(desktopInput);
    const line = base.split('\n').findIndex((l) => l === '[Peer]') + 1;
    // Each of these would reach resolvconf through wg-quick as a nameserver or search line, run as root.
    for (const bad of ['$(touch /tmp/pwned)', '`id`', 'a;reboot', 'home.arpa|x', 'ex\u0007ample.org', '10.0.0.300', '10.0.0.2/32', 'fe80::1%eth0', '1.2.3', 'nameserver\u000b1.1.1.1', '-x.org', 'a..b']) {
      const conf = base.replace('[Peer]', `DNS = 10.0.0.2, ${bad}\n[Peer]`);
      const err = errorOf(() => parseWgConfig(conf));
      expect(err.message).toMatch(new RegExp(`^line ${line}: DNS: `));
      expect(err.fix.length).toBeGreaterThan(0);
    }
    const many = base.replace('[Peer]', `DNS = ${Array.from({ length: 17 }, (_, i) => `10.0.0.${i + 1}`).join(', ')}\n[Peer]`);
    expect(errorOf(() => parseWgConfig(many)).message).toMatch(/DNS lists 17 entries/);
  });
});

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const cidr4 = fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);
const host = fc.oneof(v4, fc.constantFrom('vps.example.org', 'a.b', 'host-1.example.net'));
const endpoint = fc.tuple(host, fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `${h}:${p}`);
const peer = fc.record({
  publicKey: key,
  presharedKey: fc.option(key, { nil: null }),
  allowedIPs: fc.array(cidr4, { maxLength: 3 }),
  endpoint: fc.option(endpoint, { nil: null }),
  persistentKeepalive: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
});
const wgConfig: fc.Arbitrary<WgConfig> = fc.record({
  interface: fc.record({
    privateKey: fc.option(key, { nil: null }),
    addresses: fc.array(cidr4, { maxLength: 2 }),
    listenPort: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
    mtu: fc.option(fc.integer({ min: 576, max: 9000 }), { nil: null }),
    dns: fc.array(v4, { maxLength: 2 }),
    postUp: fc.array(fc.constantFrom('wg set %i private-key /etc/wireguard/k'), { maxLength: 1 }),
  }),
  peers: fc.array(peer, { maxLength: 3 }),
});

describe('round trip and fuzzing', () => {
  it('parse(render(config)) is the config, and rendering is stable', () => {
    fc.assert(
      fc.property(wgConfig, (cfg) => {
        const text = renderWgConfig(cfg);
        const back = parseWgConfig(text);
        expect(back).toEqual(cfg);
        expect(renderWgConfig(back)).toBe(text);
      }),
    );
  });

  it('readCidr returns a CIDR or throws a TunnelConfigError with a fix, and parseCidr never throws, on any string', () => {
    const near = fc
      .tuple(fc.constantFrom('10.0.0.1', 'fe80::1', '::ffff:192.0.2.1', '::', '2001:db8::'), fc.string({ maxLength: 8 }), fc.constantFrom('', '/', '/24', '/128', '%eth0', '%'))
      .map(([a, mid, tail]) => `${a}${mid}${tail}`);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), near, fc.ipV4(), fc.ipV6()), (text) => {
        expect(() => parseCidr(text)).not.toThrow();
        try {
          const c = readCidr(text);
          expect(c.first <= c.last).toBe(true);
          expect(parseCidr(text)).toEqual(c);
        } catch (e) {
          expect(e).toBeInstanceOf(TunnelConfigError);
          expect((e as TunnelConfigError).fix.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('malformed text never crashes the parser: a config or a TunnelConfigError with a fix', () => {
    const base = renderDesktopConfig(desktopInput);
    const mutated = fc.tuple(fc.nat(base.length), fc.nat(20), fc.string({ maxLength: 20 })).map(([at, cut, ins]) => base.slice(0, at) + ins + base.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated, fc.lorem()), (text) => {
        try {
          const cfg = parseWgConfig(text);
          checkWgConfig(cfg, 'desktop');
        } catch (e) {
          expect(e).toBeInstanceOf(TunnelConfigError);
          expect((e as TunnelConfigError).fix.length).toBeGreaterThan(0);
          expect((e as Error).message).not.toContain(desktop.privateKey);
          expect((e as Error).message).not.toContain(psk);
        }
      }),
      { numRuns: 500 },
    );
  });
});
