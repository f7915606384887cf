// The bundle's DOCKER-USER rule on a real netfilter: in network namespaces, a VPS that publishes a "container"
// port on its tunnel address with a Docker-style DNAT (and a default-deny INPUT, as ufw sets it) is reachable from
// a LAN neighbour that routes the tunnel address to it; with the rules ufw.sh writes to after.rules, loaded as ufw
// loads them (iptables-restore -n), only connections that come in on wg0 get through.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeBundle } from './make-bundle.js';

const VPS_IP = '198.18.0.2';

describeWith([root, binary('ip'), binary('iptables'), binary('iptables-restore'), binary('bash'), binary('timeout')], 'DOCKER-USER rule of ufw.sh on real netfilter', () => {
  const id = randomBytes(3).toString('hex');
  const ns = { vps: `jdu-v-${id}`, lan: `jdu-l-${id}`, desk: `jdu-d-${id}`, ctr: `jdu-c-${id}` };
  const ip = () => resolveBinary('ip')!;
  const sh = (name: string, ...args: string[]) => execa(ip(), ['netns', 'exec', name, ...args], { reject: false });
  const must = async (name: string, ...args: string[]) => {
    const r = await sh(name, ...args);
    if (r.exitCode !== 0) throw new Error(`${args.join(' ')} in ${name}: ${r.stderr}`);
    return r;
  };
  let server: ReturnType<typeof execa> | null = null;
  let block = '';

  /** What a client in `from` reads from VPS_IP:5432 within 3 s; '' when it cannot connect. */
  const probe = async (from: string) =>
    (await sh(from, resolveBinary('timeout')!, '3', resolveBinary('bash')!, '-c', `exec 3<>/dev/tcp/${VPS_IP}/5432 && head -c 4 <&3`)).stdout;

  beforeAll(async () => {
    for (const n of Object.values(ns)) await execa(ip(), ['netns', 'add', n]);
    const link = (a: string, ifa: string, b: string, ifb: string) => execa(ip(), ['-n', a, 'link', 'add', ifa, 'type', 'veth', 'peer', 'name', ifb, 'netns', b]);
    await link(ns.vps, 'eth0', ns.lan, 'eth0');
    await link(ns.vps, 'wg0', ns.desk, 'wg0');
    await link(ns.vps, 'br0', ns.ctr, 'eth0');
    const addr = async (n: string, dev: string, cidr: string) => {
      await execa(ip(), ['-n', n, 'addr', 'add', cidr, 'dev', dev]);
      await execa(ip(), ['-n', n, 'link', 'set', dev, 'up']);
    };
    await addr(ns.vps, 'eth0', '192.0.2.1/24');
    await addr(ns.lan, 'eth0', '192.0.2.10/24');
    await addr(ns.vps, 'wg0', `${VPS_IP}/24`);
    await addr(ns.desk, 'wg0', '198.18.0.1/24');
    await addr(ns.vps, 'br0', '172.31.0.1/24');
    await addr(ns.ctr, 'eth0', '172.31.0.2/24');
    for (const n of Object.values(ns)) await execa(ip(), ['-n', n, 'link', 'set', 'lo', 'up']);
    await execa(ip(), ['-n', ns.ctr, 'route', 'add', 'default', 'via', '172.31.0.1']);
    // The neighbour on the provider's network sends the tunnel address to the VPS.
    await execa(ip(), ['-n', ns.lan, 'route', 'add', `${VPS_IP}/32`, 'via', '192.0.2.1']);
    await must(ns.vps, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    const ipt = (...a: string[]) => must(ns.vps, resolveBinary('iptables')!, ...a);
    // What Docker does for "198.18.0.2:5432:5432", and ufw's default deny on INPUT (which the DNAT never meets).
    await ipt('-t', 'nat', '-A', 'PREROUTING', '-d', `${VPS_IP}/32`, '-p', 'tcp', '--dport', '5432', '-j', 'DNAT', '--to-destination', '172.31.0.2:5432');
    await ipt('-N', 'DOCKER-USER');
    await ipt('-A', 'FORWARD', '-j', 'DOCKER-USER');
    await ipt('-A', 'FORWARD', '-j', 'ACCEPT');
    await ipt('-P', 'INPUT', 'DROP');
    server = execa(ip(), ['netns', 'exec', ns.ctr, process.execPath, '-e', "require('net').createServer((s) => s.end('pong')).listen(5432, () => console.log('up'))"], { reject: false });
    await new Promise<void>((resolve) => server!.stdout!.once('data', () => resolve()));

    // The block exactly as ufw.sh writes it into /etc/ufw/after.rules (a stub ufw, a sandbox root).
    const bundle = await makeBundle({ 'tunnel.address': '198.18.0.1/24', 'tunnel.peerAddress': VPS_IP });
    const sandbox = tempDir('jett-ufw-');
    fs.mkdirSync(path.join(sandbox, 'bin'));
    fs.writeFileSync(path.join(sandbox, 'bin', 'ufw'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const r = await execa(resolveBinary('bash')!, [path.join(bundle.dir, 'ufw.sh')], { reject: false, env: { PATH: `${sandbox}/bin:/usr/sbin:/usr/bin:/sbin:/bin`, JETT_INSTALL_ROOT: sandbox } });
    expect(r.stderr).toBe('');
    const after = fs.readFileSync(path.join(sandbox, 'etc/ufw/after.rules'), 'utf8');
    block = after.slice(after.indexOf('*filter'), after.indexOf('COMMIT') + 'COMMIT'.length) + '\n';
  });

  afterAll(async () => {
    server?.kill();
    for (const n of Object.values(ns)) await execa(ip(), ['netns', 'del', n], { reject: false });
  });

  const load = () => execa(ip(), ['netns', 'exec', ns.vps, resolveBinary('iptables-restore')!, '-n'], { input: block, reject: false });

  it('without the rule, a LAN neighbour reaches the published port past the default-deny INPUT: the hole', async () => {
    expect(await probe(ns.lan)).toBe('pong');
    expect(await probe(ns.desk)).toBe('pong');
  });

  it('with the rule as ufw loads it, only wg0 gets through, replies included; loading it again does not double it', async () => {
    const r = await load();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(await probe(ns.lan)).toBe('');
    expect(await probe(ns.desk)).toBe('pong');
    expect((await load()).exitCode).toBe(0);
    const rules = (await must(ns.vps, resolveBinary('iptables')!, '-S', 'DOCKER-USER')).stdout.trim().split('\n');
    expect(rules).toEqual(['-N DOCKER-USER', `-A DOCKER-USER ! -i wg0 -m conntrack --ctorigdst ${VPS_IP} --ctdir ORIGINAL -j DROP`, '-A DOCKER-USER -j RETURN']);
    expect(await probe(ns.lan)).toBe('');
    expect(await probe(ns.desk)).toBe('pong');
  });
});
