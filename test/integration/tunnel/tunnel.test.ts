// The tunnel on a real WireGuard pair (wireguard-go in two namespaces): our controller brings the desktop up, the
// probe crosses, status shows handshake and traffic; a cut link goes Degraded then Lost, a restored one comes back Up.
import fs from 'node:fs';
import { execa } from 'execa';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JettEvents } from '../../../main/core/contracts/events.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { createTunnelControl, type TunnelControl } from '../../../main/core/tunnel/control.js';
import { TunnelError } from '../../../main/core/tunnel/errors.js';
import { TunnelMonitor } from '../../../main/core/tunnel/health.js';
import { helperPrograms, renderLinuxHelper } from '../../../main/core/tunnel/install.js';
import { pingProbe } from '../../../main/core/tunnel/probe.js';
import { TunnelStatusSchema, TunnelWatchLineSchema, type TunnelWatchLine } from '../../../main/core/contracts/tunnel.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { rootOnlyDir } from '../../helpers/root-dir.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair, type VpsTunnel } from '../../helpers/netns.js';

type StateEvent = JettEvents['tunnel.state'];

/** Resolves when `pred` holds for an event, or rejects after `ms` with the events seen (a deadline, not a timing goal). */
function waitForEvent(events: StateEvent[], bus: EventBus, pred: (e: StateEvent) => boolean, ms: number): Promise<StateEvent> {
  return new Promise((resolve, reject) => {
    const hit = events.find(pred);
    if (hit) return resolve(hit);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching tunnel.state event within ${ms} ms; saw ${JSON.stringify(events.map((e) => `${e.from}->${e.to}`))}`));
    }, ms);
    const off = bus.on('tunnel.state', (e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Waits until `pred` holds, checking every 100 ms; throws after `ms` (a deadline, not a timing goal). */
async function waitUntil(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWith([root, binary('wg'), binary('wg-quick'), binary('wireguard-go'), binary('ip'), binary('ping'), binary('iptables'), binary('sudo'), binary('nsenter')], 'tunnel on a real namespace pair', () => {
  let pair: NetnsPair;
  let vps: VpsTunnel;
  let control: TunnelControl;
  let privateDir: string;

  beforeAll(async () => {
    pair = await createNetnsPair();
    vps = await startVpsTunnel(pair);
    privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-tunnel-it-'));
    control = createTunnelControl({ iface: vps.desktopIface, runner: pair.runner('desktop'), privateDir, mode: 'direct', platform: 'linux' });
  });

  afterAll(async () => {
    await pair?.destroy();
    if (privateDir) fs.rmSync(privateDir, { recursive: true, force: true });
  });

  const probe = () => pingProbe({ runner: pair.runner('desktop'), ping: resolveBinary('ping')!, address: TUNNEL.vps });

  it('reports the interface as absent before it is up', async () => {
    expect(await control.show()).toBeNull();
  });

  it('brings the desktop up: the probe crosses and status shows handshake, rx and tx', async () => {
    await control.up(vps.desktopConfigText);
    // The config file with the private key existed only while wg-quick ran.
    expect(fs.readdirSync(privateDir)).toEqual([]);
    const result = await probe()();
    expect(result.ok).toBe(true);
    expect(result.rttMs).toBeGreaterThan(0);
    const status = await control.show();
    expect(status?.peers).toHaveLength(1);
    const peer = status!.peers[0]!;
    expect(peer.publicKey).toBe(vps.vpsKeys.publicKey);
    expect(peer.endpoint).toBe(`${pair.underlay.vps}:${TUNNEL.port}`);
    expect(peer.allowedIPs).toEqual([`${TUNNEL.vps}/32`]);
    expect(peer.latestHandshake).toBeGreaterThan(0);
    expect(peer.rxBytes).toBeGreaterThan(0);
    expect(peer.txBytes).toBeGreaterThan(0);
    expect(peer.keepalive).toBe(25);
  });

  it('says the interface name is in use when it is already up', async () => {
    const err = await control.up(vps.desktopConfigText).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelError);
    expect((err as TunnelError).message).toBe(`wg-quick up failed: interface name "${vps.desktopIface}" is in use`);
    expect((err as TunnelError).fix).toMatch(/jett tunnel down/);
  });

  it('goes Up, then Degraded and Lost when the link is cut, and back to Up when it is restored', async () => {
    const bus = new EventBus();
    const events: StateEvent[] = [];
    bus.on('tunnel.state', (e) => events.push(e));
    const repairs: string[] = [];
    const monitor = new TunnelMonitor({
      iface: vps.desktopIface,
      status: () => control.show(),
      probe: probe(),
      bus,
      repairs: {
        reresolve: async () => {
          repairs.push('reresolve');
          await control.setEndpoint(vps.vpsKeys.publicKey, vps.desktopInput.endpoint);
        },
        restart: async () => {
          repairs.push('restart');
          await control.down();
          await control.up(vps.desktopConfigText);
        },
      },
      options: { pollMs: 1000, retryMs: 500, lostAfter: 4, repairBackoffMs: [0, 3000] },
    });
    monitor.start();
    try {
      await waitForEvent(events, bus, (e) => e.to === 'up', 20_000);
      expect(monitor.snapshot()).toMatchObject({ state: 'up', endpoint: `${pair.underlay.vps}:${TUNNEL.port}` });
      expect(monitor.snapshot().probeRttMs).toBeGreaterThan(0);
      expect(monitor.snapshot().handshakeAgeS).not.toBeNull();

      await pair.cut('link');
      const degraded = await waitForEvent(events, bus, (e) => e.to === 'degraded', 30_000);
      expect(degraded.from).toBe('up');
      expect(degraded.reason).toMatch(/2 probes in a row failed/);
      const lost = await waitForEvent(events, bus, (e) => e.to === 'lost', 30_000);
      expect(lost.from).toBe('degraded');
      // Lost triggers the repairs: the endpoint first, then a restart after the backoff.
      await waitUntil(() => repairs.includes('restart'), 30_000);
      expect(repairs.slice(0, 2)).toEqual(['reresolve', 'restart']);

      const mark = events.length;
      await pair.restore();
      const back = await waitForEvent(events.slice(mark), bus, (e) => e.to === 'up', 60_000);
      expect(back.from).toBe('lost');
      expect(back.reason).toMatch(/probe answered again/);
      expect(monitor.snapshot().state).toBe('up');
      for (const e of events) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    } finally {
      await monitor.stop();
    }
  }, 180_000);

  it('takes the desktop down, and the monitor then reads Down', async () => {
    expect(await control.down()).toBe(true);
    expect(await control.down()).toBe(false);
    const bus = new EventBus();
    const monitor = new TunnelMonitor({ iface: vps.desktopIface, status: () => control.show(), probe: probe(), bus });
    expect(await monitor.tick()).toBe('down');
    expect(monitor.snapshot().reason).toBe(`interface ${vps.desktopIface} is not up`);
  });

  // Root runs the helper through the real `sudo -n`, as the desktop user would after `jett tunnel install`.
  it('runs the installed helper on the real tunnel: up, status without the private key, reresolve, down', async () => {
    const iface = pair.ifaceName('h');
    // The helper checks that only root can change its config and itself, so they live in a root-only folder.
    const dir = rootOnlyDir('jett-tunnel-it-');
    const conf = path.join(dir, `${iface}.conf`);
    fs.writeFileSync(conf, vps.desktopConfigText, { mode: 0o600, flag: 'wx' });
    const helper = path.join(dir, 'jett-tunnel');
    fs.writeFileSync(helper, renderLinuxHelper({ iface, endpoint: vps.desktopInput.endpoint, programs: helperPrograms(), configPath: conf, helperPath: helper }), { mode: 0o755 });
    const helperControl = createTunnelControl({ iface, runner: pair.runner('desktop'), privateDir, mode: 'helper', helperPath: helper, platform: 'linux' });
    try {
      await helperControl.up('');
      expect((await probe()()).ok).toBe(true);
      const status = await helperControl.show();
      expect(status?.peers[0]).toMatchObject({ publicKey: vps.vpsKeys.publicKey, endpoint: vps.desktopInput.endpoint });
      const raw = await pair.exec('desktop', helper, ['status']);
      expect(raw.stdout).not.toContain(vps.desktopKeys.privateKey);
      await helperControl.setEndpoint('', '');
    } finally {
      expect(await helperControl.down()).toBe(true);
    }
    expect(await helperControl.show()).toBeNull();
  });

  it('drives the real jett CLI inside the desktop namespace: peer, up, status, a cut, down', async () => {
    const home = fs.mkdtempSync(path.join(privateDir, 'home-'));
    const iface = pair.ifaceName('c');
    const jettIn = (args: string[], input?: string) =>
      pair.runner('desktop').run(resolveBinary('env')!, [`JETT_HOME=${home}`, process.execPath, path.resolve('bin/jett.mjs'), ...args], { ...(input ? { input } : {}), timeoutMs: 60_000 });
    expect((await jettIn(['secret', 'set', 'tunnel.privateKey'], vps.desktopKeys.privateKey)).exitCode).toBe(0);
    // The addresses of the test pair, written as a user would edit config.json (each jett start costs seconds).
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ tunnel: { interface: iface, address: `${TUNNEL.desktop}/24`, peerAddress: TUNNEL.vps, pollSeconds: 1 } }), { mode: 0o600 });
    expect((await jettIn(['tunnel', 'peer', '--public-key', vps.vpsKeys.publicKey, '--endpoint', vps.desktopInput.endpoint])).exitCode).toBe(0);
    try {
      const up = await jettIn(['tunnel', 'up', '--json']);
      expect(up.exitCode, up.stderr).toBe(0);
      expect(TunnelStatusSchema.parse(JSON.parse(up.stdout))).toMatchObject({ interface: iface, state: 'up' });
      const st = await jettIn(['tunnel', 'status', '--json']);
      expect(st.exitCode, st.stderr).toBe(0);
      const status = TunnelStatusSchema.parse(JSON.parse(st.stdout));
      expect(status).toMatchObject({ state: 'up', endpoint: vps.desktopInput.endpoint, peerPublicKey: vps.vpsKeys.publicKey });
      expect(status.handshakeAgeS).not.toBeNull();
      expect(status.rxBytes).toBeGreaterThan(0);
      expect(status.txBytes).toBeGreaterThan(0);
      expect(status.probeRttMs).toBeGreaterThan(0);
      // watch: JSON lines until Ctrl-C; the first transition is down -> up, each line fits the contract.
      // nsenter execs node itself (ip netns exec would stay in between), so Ctrl-C reaches jett.
      const watch = execa(resolveBinary('nsenter')!, [`--net=/run/netns/${pair.ns.desktop}`, process.execPath, path.resolve('bin/jett.mjs'), 'tunnel', 'watch', '--json'], { reject: false, env: { JETT_HOME: home } });
      const lines: TunnelWatchLine[] = [];
      await new Promise<void>((resolve) => {
        let buf = '';
        watch.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          const parts = buf.split('\n');
          buf = parts.pop()!;
          for (const l of parts) lines.push(TunnelWatchLineSchema.parse(JSON.parse(l)));
          if (lines.some((l) => l.type === 'status' && l.status.state === 'up')) resolve();
        });
        void watch.then(() => resolve());
      });
      watch.kill('SIGINT');
      expect((await watch).exitCode).toBe(0);
      expect(lines.find((l) => l.type === 'state')).toMatchObject({ type: 'state', from: 'down', to: 'up' });

      await pair.cut('drop');
      const cut = await jettIn(['tunnel', 'status', '--json']);
      expect(cut.exitCode).toBe(1);
      expect(TunnelStatusSchema.parse(JSON.parse(cut.stdout)).state).toBe('lost');
      await pair.restore();
    } finally {
      if (pair.isCut) await pair.restore();
      const down = await jettIn(['tunnel', 'down']);
      expect(down.stdout).toBe(`${iface} down\n`);
    }
    const logs = fs.readdirSync(path.join(home, 'logs')).map((f) => fs.readFileSync(path.join(home, 'logs', f), 'utf8')).join('');
    expect(logs).not.toContain(vps.desktopKeys.privateKey);
  }, 240_000);
});

describeWith([root, binary('wg-quick'), binary('wireguard-go'), binary('ip')], 'netns harness cleanup', () => {
  /** Alive means running or sleeping; a zombie waiting for init to reap it is gone for our purposes. */
  const alive = (pid: number) => {
    try {
      return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  };

  it('destroy() kills wireguard-go, deletes both namespaces and the UAPI sockets', async () => {
    const pair = await createNetnsPair();
    let vps: VpsTunnel;
    try {
      vps = await startVpsTunnel(pair);
    } catch (err) {
      await pair.destroy();
      throw err;
    }
    const ip = resolveBinary('ip')!;
    const pids = (await execa(ip, ['netns', 'pids', pair.ns.vps])).stdout.split('\n').filter(Boolean).map(Number);
    expect(pids.length).toBeGreaterThan(0);
    expect(fs.existsSync(`/var/run/wireguard/${vps.vpsIface}.sock`)).toBe(true);
    await pair.destroy();
    await pair.destroy();
    const list = (await execa(ip, ['netns', 'list'])).stdout;
    expect(list).not.toContain(pair.ns.desktop);
    expect(list).not.toContain(pair.ns.vps);
    expect(pids.filter(alive)).toEqual([]);
    expect(fs.existsSync(`/var/run/wireguard/${vps.vpsIface}.sock`)).toBe(false);
  });
});
