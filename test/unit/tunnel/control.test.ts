// The controller's command lines on each platform and mode, read from a recording runner: resolved binaries,
// argument arrays, the config in a 0600 file (never argv), and errors that say what to do.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTunnelControl, LINUX_HELPER_PATH, type ControlOptions } from '../../../main/core/tunnel/control.js';
import { TunnelConfigError, TunnelError } from '../../../main/core/tunnel/errors.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import type { ProcessRunner, RunOptions, RunResult } from '../../../main/core/tunnel/runner.js';
import { tempDir } from '../../helpers/tmp.js';

const DUMP = fs.readFileSync(new URL('./fixtures/dump-desktop.txt', import.meta.url), 'utf8');
const PRIVATE = generateKeyPair().privateKey;
const CONFIG = `[Interface]\nPrivateKey = ${PRIVATE}\nAddress = 10.0.0.1/24\n`;

interface Call {
  file: string;
  args: string[];
  opts?: RunOptions;
  /** For wg-quick up: what the config file looked like while it ran. */
  fileMode?: number;
  dirMode?: number;
  fileText?: string;
}

function recorder(reply: (c: Call) => Partial<RunResult>): { runner: ProcessRunner; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    runner: {
      async run(file, args, opts) {
        const call: Call = { file, args: [...args], ...(opts ? { opts } : {}) };
        const conf = args.find((a) => a.endsWith('.conf'));
        if (conf && fs.existsSync(conf)) {
          call.fileMode = fs.statSync(conf).mode & 0o777;
          call.dirMode = fs.statSync(path.dirname(conf)).mode & 0o777;
          call.fileText = fs.readFileSync(conf, 'utf8');
        }
        calls.push(call);
        return { exitCode: 0, stdout: '', stderr: '', ...reply(call) };
      },
    },
  };
}

const resolve = (name: string) => `/fake/bin/${name}`;
const up = { exitCode: 0, stdout: DUMP, stderr: '' };
const absent = { exitCode: 1, stdout: '', stderr: 'Unable to access interface: Protocol not supported\n' };

function linux(reply: (c: Call) => Partial<RunResult>, extra: Partial<ControlOptions> = {}) {
  const rec = recorder(reply);
  const privateDir = path.join(tempDir(), 'run');
  const control = createTunnelControl({ iface: 'jett0', runner: rec.runner, privateDir, platform: 'linux', resolve, mode: 'direct', ...extra });
  return { ...rec, control, privateDir };
}

describe('Linux, as root (wg-quick and wg)', () => {
  it('brings the interface up from a 0600 file in a private folder, removed afterwards', async () => {
    let isUp = false;
    const { control, calls, privateDir } = linux((c) => {
      if (c.args[0] === 'show') return isUp ? up : absent;
      if (c.args[0] === 'up') isUp = true;
      return {};
    });
    await control.up(CONFIG);
    const call = calls.find((c) => c.args[0] === 'up')!;
    expect(call.file).toBe('/fake/bin/wg-quick');
    expect(call.args).toHaveLength(2);
    expect(path.basename(call.args[1]!)).toBe('jett0.conf');
    expect(call.fileMode).toBe(0o600);
    expect(call.dirMode).toBe(0o700);
    expect(call.fileText).toBe(CONFIG);
    expect(call.opts?.env).toEqual({ WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' });
    expect(fs.readdirSync(privateDir)).toEqual([]);
    for (const c of calls) expect(c.args.join(' ')).not.toContain(PRIVATE);
  });

  it('reads status from `wg show IF dump`, and null when the interface is absent', async () => {
    const { control, calls } = linux(() => up);
    expect((await control.show())?.peers[0]).toMatchObject({ endpoint: '192.0.2.2:51820', rxBytes: 348 });
    expect(calls[0]).toMatchObject({ file: '/fake/bin/wg', args: ['show', 'jett0', 'dump'] });
    expect(await linux(() => absent).control.show()).toBeNull();
    expect(await linux(() => ({ exitCode: 1, stderr: 'Unable to access interface: No such device' })).control.show()).toBeNull();
    const err = await linux(() => ({ exitCode: 1, stderr: 'Operation not permitted' })).control.show().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelError);
    expect((err as TunnelError).fix).toMatch(/root|jett tunnel install/);
  });

  it('says the name is in use, whether it sees the interface first or wg-quick does', async () => {
    const seen = await linux(() => up).control.up(CONFIG).catch((e: unknown) => e);
    expect((seen as TunnelError).message).toBe('wg-quick up failed: interface name "jett0" is in use');
    const raced = await linux((c) => (c.args[0] === 'show' ? absent : { exitCode: 1, stderr: "wg-quick: `jett0' already exists\n" })).control.up(CONFIG).catch((e: unknown) => e);
    expect((raced as TunnelError).message).toBe('wg-quick up failed: interface name "jett0" is in use');
    expect((raced as TunnelError).fix).toMatch(/jett tunnel down|tunnel\.interface/);
  });

  it('reports other wg-quick failures with their short reason, not the wireguard-go banner', async () => {
    const stderr = '[#] ip link add jett0 type wireguard\nError: Unknown device type.\n┌───┐\n│ banner │\n└───┘\n[!] Missing WireGuard kernel module.\nwireguard-go: command not found\n';
    const err = await linux((c) => (c.args[0] === 'show' ? absent : { exitCode: 1, stderr })).control.up(CONFIG).catch((e: unknown) => e);
    expect((err as TunnelError).message).toBe('wg-quick up jett0 failed: [!] Missing WireGuard kernel module.; wireguard-go: command not found');
  });

  it('takes the interface down with a key-less stub, and reports false when it was not up', async () => {
    let isUp = true;
    const { control, calls } = linux((c) => {
      if (c.args[0] === 'show') return isUp ? up : absent;
      if (c.args[0] === 'down') isUp = false;
      return {};
    });
    expect(await control.down()).toBe(true);
    expect(calls.find((c) => c.args[0] === 'down')!.fileText).toBe('[Interface]\n');
    expect(await control.down()).toBe(false);
  });

  it('re-sets the endpoint with wg set', async () => {
    const { control, calls } = linux(() => ({}));
    await control.setEndpoint('PEERKEY=', 'vps.example.org:51820');
    expect(calls[0]).toEqual({ file: '/fake/bin/wg', args: ['set', 'jett0', 'peer', 'PEERKEY=', 'endpoint', 'vps.example.org:51820'] });
  });

  it('says what to install when wg-quick is missing', async () => {
    const rec = recorder(() => ({}));
    const control = createTunnelControl({ iface: 'jett0', runner: rec.runner, privateDir: tempDir(), platform: 'linux', resolve: () => null, mode: 'direct' });
    const err = await control.up(CONFIG).catch((e: unknown) => e);
    expect((err as TunnelError).message).toBe('wg-quick not found in /usr/bin, /usr/sbin, /bin or /sbin (PATH is not searched for programs that run as root)');
    expect((err as TunnelError).fix).toMatch(/apt install wireguard-tools/);
  });

  it('refuses an invalid interface name before running anything', () => {
    expect(() => createTunnelControl({ iface: 'jett 0', runner: recorder(() => ({})).runner, privateDir: tempDir(), platform: 'linux', resolve })).toThrow(TunnelConfigError);
  });
});

describe('Linux, as the user (the installed helper through sudo)', () => {
  it('runs fixed verbs through sudo -n and parses the peer lines the helper prints', async () => {
    const helper = path.join(tempDir(), 'jett-tunnel');
    fs.writeFileSync(helper, '#!/bin/sh\n', { mode: 0o755 });
    const peerLines = DUMP.split('\n').slice(1).join('\n');
    const { control, calls } = linux((c) => (c.args[2] === 'status' ? { stdout: peerLines } : {}), { mode: 'helper', helperPath: helper });
    expect((await control.show())?.peers).toHaveLength(1);
    await control.up(CONFIG);
    await control.setEndpoint('ignored', 'ignored');
    await control.down();
    expect(calls.map((c) => [c.file, ...c.args])).toEqual([
      ['/fake/bin/sudo', '-n', helper, 'status'],
      ['/fake/bin/sudo', '-n', helper, 'up'],
      ['/fake/bin/sudo', '-n', helper, 'reresolve'],
      ['/fake/bin/sudo', '-n', helper, 'status'],
      ['/fake/bin/sudo', '-n', helper, 'down'],
    ]);
  });

  it('tells the user to run the one-time install when the helper is missing or sudo refuses', async () => {
    const missing = await linux(() => ({}), { mode: 'helper', helperPath: '/nonexistent/jett-tunnel' }).control.show().catch((e: unknown) => e);
    expect((missing as TunnelError).fix).toBe('run `sudo jett tunnel install` once; afterwards `jett tunnel up|down` work as your user');
    expect(LINUX_HELPER_PATH).toBe('/usr/local/libexec/jett-tunnel');
    const helper = path.join(tempDir(), 'jett-tunnel');
    fs.writeFileSync(helper, '#!/bin/sh\n', { mode: 0o755 });
    const refused = await linux(() => ({ exitCode: 1, stderr: 'sudo: a password is required\n' }), { mode: 'helper', helperPath: helper }).control.show().catch((e: unknown) => e);
    expect((refused as TunnelError).fix).toMatch(/sudo jett tunnel install/);
  });
});

describe('Windows', () => {
  it('as administrator: installs and uninstalls the tunnel service, reads wg.exe show NAME dump', async () => {
    let isUp = false;
    const rec = recorder((c) => {
      if (c.args[0] === 'show') return isUp ? up : { exitCode: 1, stderr: 'Unable to access interface: No such file or directory\r\n' };
      if (c.args[0] === '/installtunnelservice') isUp = true;
      return {};
    });
    const dir = tempDir();
    const control = createTunnelControl({ iface: 'jett0', runner: rec.runner, privateDir: dir, platform: 'win32', resolve, mode: 'direct' });
    await control.up(CONFIG);
    expect(await control.down()).toBe(true);
    expect(rec.calls.map((c) => [c.file, ...c.args])).toEqual([
      ['/fake/bin/wg.exe', 'show', 'jett0', 'dump'],
      ['/fake/bin/wireguard.exe', '/installtunnelservice', path.join(dir, 'jett0.conf')],
      ['/fake/bin/wg.exe', 'show', 'jett0', 'dump'],
      ['/fake/bin/wireguard.exe', '/uninstalltunnelservice', 'jett0'],
    ]);
    expect(rec.calls[1]!.fileMode).toBe(0o600);
  });

  it('as the user: starts and stops the service that the install let operators control', async () => {
    const stopped = 'SERVICE_NAME: WireGuardTunnel$jett0\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : 1  STOPPED\r\n';
    const rec = recorder((c) => (c.args[0] === 'query' ? { stdout: stopped } : {}));
    const control = createTunnelControl({ iface: 'jett0', runner: rec.runner, privateDir: tempDir(), platform: 'win32', resolve, sleep: async () => {} });
    await control.up(CONFIG);
    await control.down();
    expect(rec.calls.map((c) => [c.file, ...c.args])).toEqual([
      ['/fake/bin/sc.exe', 'start', 'WireGuardTunnel$jett0'],
      ['/fake/bin/sc.exe', 'stop', 'WireGuardTunnel$jett0'],
      ['/fake/bin/sc.exe', 'query', 'WireGuardTunnel$jett0'],
    ]);
    for (const c of rec.calls) expect(c.args.join(' ')).not.toContain(PRIVATE);
  });
});
