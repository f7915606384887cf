// The generated bundle against the real tools: shellcheck on its scripts, Debian's docker-compose on its compose
// file, `wg setconf` (and a real handshake) with its wg0.conf in a test namespace.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { renderDesktopConfig } from '../../../main/core/tunnel/config.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { createNetnsPair, TUNNEL, type NetnsPair } from '../../helpers/netns.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeBundle, type MadeBundle } from './make-bundle.js';

const SCRIPTS = ['install.sh', 'ufw.sh', 'restore.sh', 'apply-migrations.sh', 'backup/backup.sh', 'postgres/init/10-jett-roles.sh'];

let bundle: MadeBundle;
beforeAll(async () => {
  // The tunnel addresses tests may use (198.18.0.0/24), so the wg0.conf can come up inside a test namespace.
  bundle = await makeBundle({ 'tunnel.address': `${TUNNEL.desktop}/${TUNNEL.prefix}`, 'tunnel.peerAddress': TUNNEL.vps });
});

describeWith([binary('shellcheck')], 'bundle scripts under shellcheck', () => {
  it('every script passes shellcheck with no warning', async () => {
    const r = await execa(resolveBinary('shellcheck')!, ['--severity=style', '--external-sources', ...SCRIPTS], { cwd: bundle.dir, reject: false });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('shellcheck is not a rubber stamp: it flags an unquoted expansion', async () => {
    const file = path.join(tempDir(), 'bad.sh');
    fs.writeFileSync(file, '#!/usr/bin/env bash\nrm -rf $1/data\n');
    const r = await execa(resolveBinary('shellcheck')!, [file], { reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toContain('SC2086');
  });
});

describeWith([binary('docker-compose')], 'bundle compose file under docker-compose config', () => {
  const config = (cwd: string, file = 'docker-compose.yml') =>
    execa(resolveBinary('docker-compose')!, ['-f', file, 'config', '-q'], { cwd, reject: false, env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });

  it('docker-compose config -q accepts it (no engine needed)', async () => {
    const r = await config(bundle.dir);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('the variables install.sh sets are checked: without DOCKER_GID compose refuses to start', async () => {
    const dir = tempDir();
    fs.cpSync(bundle.dir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.env'), fs.readFileSync(path.join(dir, '.env'), 'utf8').replace(/^DOCKER_GID=.*$/m, ''));
    const r = await config(dir);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('run install.sh, which sets DOCKER_GID');
  });

  it('docker-compose config rejects a compose file with an unknown key', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  a:\n    image: busybox:1.36.1\n    read_ony: true\n');
    const r = await config(dir);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('read_ony');
  });
});

describeWith([root, binary('wg'), binary('wg-quick'), binary('wireguard-go'), binary('ip'), binary('ping')], 'bundle wg0.conf on real WireGuard', () => {
  let pair: NetnsPair;
  const env = { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' };
  const wg = () => resolveBinary('wg')!;

  beforeAll(async () => {
    pair = await createNetnsPair();
  });
  afterAll(async () => {
    await pair?.destroy();
  });

  // Each setconf interface listens on the bundle's port: it goes once checked, so the next one can bind it.
  const made: string[] = [];
  afterEach(async () => {
    for (const iface of made.splice(0)) await pair.runner('vps').run(resolveBinary('ip')!, ['link', 'delete', iface]);
  });

  /** wg-quick strip, then wg setconf on a fresh wireguard-go interface in the VPS namespace. */
  async function setconf(iface: string, text: string) {
    made.push(iface);
    const dir = tempDir();
    const conf = path.join(dir, `${iface}.conf`);
    fs.writeFileSync(conf, text, { mode: 0o600 });
    const stripped = await execa(resolveBinary('wg-quick')!, ['strip', conf], { reject: false });
    expect(stripped.exitCode).toBe(0);
    const plain = path.join(dir, 'plain.conf');
    fs.writeFileSync(plain, stripped.stdout, { mode: 0o600 });
    await pair.exec('vps', resolveBinary('wireguard-go')!, [iface], { env });
    return pair.runner('vps').run(wg(), ['setconf', iface, plain]);
  }

  it('with a real key in place of the one made on the VPS, wg setconf accepts it as written', async () => {
    const vpsKeys = generateKeyPair();
    const text = fs.readFileSync(path.join(bundle.dir, 'wireguard/wg0.conf'), 'utf8');
    expect(text).toMatch(/^PostUp = wg set %i private-key \/etc\/wireguard\/jett-vps\.key$/m);
    const withKey = text.replace(/^PostUp = .*$/m, `PrivateKey = ${vpsKeys.privateKey}`);
    const iface = pair.ifaceName('s');
    const r = await setconf(iface, withKey);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const dump = (await pair.exec('vps', wg(), ['show', iface, 'dump'])).stdout.trim().split('\n');
    const [, publicKey, listenPort] = dump[0]!.split('\t');
    expect(publicKey).toBe(vpsKeys.publicKey);
    expect(listenPort).toBe('51820');
    const peer = dump[1]!.split('\t');
    expect(peer[0]).toBe(bundle.desktopKeys.publicKey);
    expect(peer[3]).toBe(`${TUNNEL.desktop}/32`);
  });

  it('wg setconf is a real check: wg-quick strip passes nonsense that setconf refuses', async () => {
    const text = fs.readFileSync(path.join(bundle.dir, 'wireguard/wg0.conf'), 'utf8').replace(/^PublicKey = .*$/m, 'PublicKey = not-a-key');
    const r = await setconf(pair.ifaceName('n'), text.replace(/^PostUp = .*$/m, `PrivateKey = ${generateKeyPair().privateKey}`));
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Key is not the correct length or format|not-a-key/);
  });

  it('as install.sh installs it (key loaded by PostUp from a root-only file), the desktop handshakes and pings through', async () => {
    const vpsKeys = generateKeyPair();
    const keyFile = path.join(tempDir(), 'jett-vps.key');
    fs.writeFileSync(keyFile, `${vpsKeys.privateKey}\n`, { mode: 0o600 });
    const text = fs.readFileSync(path.join(bundle.dir, 'wireguard/wg0.conf'), 'utf8').replace('/etc/wireguard/jett-vps.key', keyFile);
    const vpsIface = pair.ifaceName('v');
    const desktopIface = pair.ifaceName('w');
    await pair.wgQuickUp('vps', vpsIface, text);
    await pair.wgQuickUp(
      'desktop',
      desktopIface,
      renderDesktopConfig({
        privateKey: bundle.desktopKeys.privateKey,
        address: `${TUNNEL.desktop}/${TUNNEL.prefix}`,
        vpsPublicKey: vpsKeys.publicKey,
        vpsTunnelAddress: TUNNEL.vps,
        endpoint: `${pair.underlay.vps}:${TUNNEL.port}`,
        keepalive: 25,
      }),
    );
    const ping = await pair.runner('desktop').run(resolveBinary('ping')!, ['-c', '3', '-W', '2', TUNNEL.vps]);
    expect(ping.exitCode).toBe(0);
    const dump = (await pair.exec('desktop', wg(), ['show', desktopIface, 'latest-handshakes'])).stdout.trim().split('\t');
    expect(Number(dump[1])).toBeGreaterThan(0);
  });
});
