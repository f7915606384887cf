// Live settings against real parts: `jett agent` (root, running the tunnel itself) in the desktop namespace of a
// WireGuard pair, a heartbeat webhook and two PostgreSQL clusters on the VPS's tunnel address. The heartbeat URL and
// the database port change from the CLI, the window's handlers (attached through the control endpoint) and an edit
// of config.json: the next beat and the next push go to the new place, and every queued event arrives exactly once.
// Then a new VPS peer (another key, another port): the agent reconnects without restart and packets flow through it.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { attachedHandle } from '../../../main/app/agent-handle.js';
import { createHandlers } from '../../../main/app/ipc/handlers.js';
import { ControlClient } from '../../../main/core/control/client.js';
import { StatusSnapshotSchema } from '../../../main/core/contracts/status.js';
import { writeFileAtomic } from '../../../main/core/fs/atomic-write.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { openRuntime, type Runtime } from '../../../main/core/runtime.js';
import { parseWgDump } from '../../../main/core/tunnel/dump.js';
import { renderVpsWg0Conf } from '../../../main/core/tunnel/config.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { jettInNamespace, type JettChild } from '../../../main/harness/demo/processes.js';
import { jett } from '../../helpers/cli.js';
import { createNetnsPair, startVpsTunnel, TUNNEL, type NetnsPair, type VpsTunnel } from '../../helpers/netns.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { needsPostgres } from '../sync/fixture.js';
import { UNUSED_HANDLER_DEPS } from '../../helpers/unused-handlers.js';

interface Beat {
  port: number;
  auth: string | null;
  clientId: string;
}

const KIND = 'live.tick';
const PORTS = { first: 18081, cli: 18082, window: 18083, file: 18084, inProcess: 18085 } as const;
const DRIVER = path.resolve('test/integration/live/window-driver.ts');
const hookUrl = (port: number) => `http://${TUNNEL.vps}:${port}/webhook/heartbeat`;

// The n8n webhook's stand-in: one server per port on the VPS's tunnel address, one JSON line per request received.
const WEBHOOK = `
const http = require('node:http');
const [host, ...ports] = process.argv.slice(1);
for (const p of ports) {
  http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      let clientId = null;
      try { clientId = JSON.parse(body).client_id; } catch {}
      console.log(JSON.stringify({ port: Number(p), auth: req.headers.authorization || null, clientId }));
      res.end('{}');
    });
  }).listen(Number(p), host, () => console.log(JSON.stringify({ listening: Number(p) })));
}`;

/** Waits until `check` returns a value (a deadline, not a timing goal). */
async function waitFor<T>(what: string, check: () => Promise<T | null> | T | null, ms = 30_000, detail?: () => Promise<string>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${detail ? `\n${await detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWith([root, binary('ip'), binary('wg'), binary('wg-quick'), binary('wireguard-go'), binary('ping'), binary('iptables'), ...needsPostgres], 'live settings in a running agent, on real parts', () => {
  let pair: NetnsPair;
  let vps: VpsTunnel;
  let pgA: TestPostgres;
  let pgB: TestPostgres;
  let webhook: ResultPromise;
  let agent: JettChild;
  let driver: ResultPromise | undefined;
  let control: ControlClient;
  let home: string;
  let runtime: Runtime;
  const env = { JETT_SECRET_STORE: 'file' };
  const beats: Beat[] = [];
  const listening = new Set<number>();
  const events: { event: string; payload: Record<string, unknown> }[] = [];
  let sent = 0;

  const append = async (count: number) => {
    const payloads = Array.from({ length: count }, (_, i) => ({ n: sent + i + 1 }));
    await control.call('outbox.append', { kind: KIND, payloads });
    sent += count;
  };
  const numbers = async (pgc: TestPostgres) => (await pgc.query<{ n: number }>(`SELECT (payload->>'n')::int AS n FROM events WHERE kind = $1 ORDER BY seq`, [KIND])).rows.map((r) => r.n);
  const holdsAll = (pgc: TestPostgres) => async () => ((await numbers(pgc)).length >= sent ? true : null);
  /** The agent's last log lines, for a failure message. */
  const agentLog = async () => {
    const dir = runtime.paths.logs;
    const lines = fs.readdirSync(dir).flatMap((f) => fs.readFileSync(`${dir}/${f}`, 'utf8').trim().split('\n'));
    const states = events.filter((e) => e.event === 'service.state' || e.event === 'config.changed' || e.event === 'tunnel.state').map((e) => JSON.stringify(e));
    const counts = `sent ${sent}, A ${JSON.stringify(await numbers(pgA))}, B ${JSON.stringify(await numbers(pgB))}, status ${JSON.stringify(await control.call('outbox.status'))}`;
    return [counts, ...lines.filter((l) => /sync|push|warn|error|settings|config/.test(l)).slice(-25), ...states.slice(-20)].join('\n');
  };
  const beatsOn = (port: number) => beats.filter((b) => b.port === port).length;
  const changes = () => events.filter((e) => e.event === 'config.changed').length;

  beforeAll(async () => {
    pair = await createNetnsPair({ prefix: 'jl' });
    vps = await startVpsTunnel(pair);
    const allowFrom = [`${TUNNEL.desktop}/32`];
    [pgA, pgB] = await Promise.all([startPostgres({ netns: pair.ns.vps, host: TUNNEL.vps, allowFrom }), startPostgres({ netns: pair.ns.vps, host: TUNNEL.vps, allowFrom })]);
    // One password for the desktop role on both: the move between them is a change of port only.
    await pgB.query(`ALTER ROLE ${pgB.db.user} PASSWORD '${pgA.db.password}'`);

    webhook = execa(resolveBinary('ip')!, ['netns', 'exec', pair.ns.vps, process.execPath, '-e', WEBHOOK, TUNNEL.vps, ...Object.values(PORTS).map(String)], { buffer: false, reject: false, stdin: 'ignore', cleanup: true });
    readline.createInterface({ input: webhook.stdout! }).on('line', (line) => {
      const obj = JSON.parse(line) as { listening?: number } & Beat;
      if (obj.listening) listening.add(obj.listening);
      else beats.push(obj);
    });
    await waitFor('the webhook stand-in', () => (listening.size === Object.keys(PORTS).length ? true : null));

    home = tempDir('jett-live-');
    runtime = openRuntime({ env: { JETT_HOME: home, ...env } });
    const settings: [string, string][] = [
      ['tunnel.interface', vps.desktopIface],
      ['tunnel.address', `${TUNNEL.desktop}/${TUNNEL.prefix}`],
      ['tunnel.peerAddress', TUNNEL.vps],
      ['tunnel.endpoint', `${pair.underlay.vps}:${TUNNEL.port}`],
      ['tunnel.peerPublicKey', vps.vpsKeys.publicKey],
      ['tunnel.pollSeconds', '1'],
      ['postgres.host', TUNNEL.vps],
      ['postgres.port', String(pgA.db.port)],
      ['heartbeat.url', hookUrl(PORTS.first)],
      // Long: a beat comes at tunnel-up and at each rebuild, so each beat seen is the agent's next action.
      ['heartbeat.intervalS', '3600'],
    ];
    for (const [k, v] of settings) runtime.config.set(k, v);
    await runtime.secrets.set('tunnel.privateKey', vps.desktopKeys.privateKey);
    await runtime.secrets.set('postgres.password', pgA.db.password);
    await runtime.secrets.set('heartbeat.token', 'live-settings-token');

    agent = jettInNamespace(pair.ns.desktop, ['agent', '--json'], { JETT_HOME: home, ...env }, (line) => {
      if (line.type === 'event') events.push({ event: String(line.event), payload: line.payload as Record<string, unknown> });
    });
    control = await waitFor('the agent control endpoint', () => ControlClient.connectToAgent(runtime.paths, 500));
    await waitFor('the tunnel to come up', () => (events.some((e) => e.event === 'tunnel.state' && e.payload.to === 'up') ? true : null));
  }, 120_000);

  afterAll(async () => {
    control?.close();
    await agent?.stop();
    driver?.kill('SIGTERM');
    await driver;
    webhook?.kill('SIGTERM');
    await pgA?.stop();
    await pgB?.stop();
    await pair?.destroy();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('beats to the new heartbeat URL after a change from the CLI, the window and a file edit', async () => {
    await waitFor('the first beat', () => (beatsOn(PORTS.first) > 0 ? true : null));
    expect(beats[0]).toMatchObject({ port: PORTS.first, auth: 'Bearer live-settings-token' });

    const cli = await jett(['config', 'set', 'heartbeat.url', hookUrl(PORTS.cli)], { home, env });
    expect(cli.stderr).toContain('the running agent took the change (heartbeat)');
    await waitFor('a beat on the URL set from the CLI', () => (beatsOn(PORTS.cli) > 0 ? true : null));

    // The window, attached to this agent through its control endpoint (the tray app when `jett agent` already runs).
    const windowClient = (await ControlClient.connectToAgent(runtime.paths))!;
    const handlers = createHandlers({
      config: runtime.config,
      secrets: runtime.secrets,
      secretStoreNote: 'note',
      agent: await attachedHandle(windowClient),
      statusView: async () => {
        throw new Error('not used');
      },
      onConfigChanged: vi.fn(),
      chooseConfFile: async () => null,
      readConfFile: async () => '',
      writeClipboard: () => {},
      openLink: async () => ({ opened: false, reason: 'not used' }),
      models: { list: async () => ({ models: [], error: null, speech: { dir: home, models: [], error: null } }), pull: async () => {} },
      sendModelProgress: vi.fn(),
      setupTunnel: async () => {},
      ...UNUSED_HANDLER_DEPS,
    });
    try {
      const reply = await handlers['settings:save']({ section: 'heartbeat', values: { url: hookUrl(PORTS.window) } });
      expect(reply.needsTunnelSetup).toBeUndefined();
      await waitFor('a beat on the URL saved in the window', () => (beatsOn(PORTS.window) > 0 ? true : null));
      // The window's Sync tab moves the database too (checked by the next test's counts).
      await handlers['settings:save']({ section: 'postgres', values: { port: pgB.db.port } });
    } finally {
      windowClient.close();
    }

    const raw = JSON.parse(fs.readFileSync(runtime.paths.config, 'utf8')) as { heartbeat: Record<string, unknown> };
    writeFileAtomic(runtime.paths.config, JSON.stringify({ ...raw, heartbeat: { ...raw.heartbeat, url: hookUrl(PORTS.file) } }));
    await waitFor('a beat on the URL from the edited file', () => (beatsOn(PORTS.file) > 0 ? true : null));

    const clientIds = new Set(beats.map((b) => b.clientId));
    expect(clientIds.size).toBe(1);
    // The agent never restarted: one process, the same start time throughout.
    const changed = events.filter((e) => e.event === 'config.changed').map((e) => e.payload.sections);
    expect(changed).toEqual([['heartbeat'], ['heartbeat'], ['postgres'], ['heartbeat']]);
    const stopped = new Set(events.filter((e) => e.event === 'service.state' && e.payload.state === 'stopped').map((e) => e.payload.service));
    expect([...stopped].sort()).toEqual(['heartbeat', 'sync']);
  }, 120_000);

  it('pushes to the database of the new port, from the CLI and a file edit, and loses or doubles no queued event', async () => {
    // The window moved the sync to B above: the next push goes there, with the whole history (B had none of it).
    await append(20);
    await waitFor('B to hold every event', holdsAll(pgB), 30_000, agentLog);

    // Back to A from the CLI, with a batch queued just before the change.
    await append(30);
    const cli = await jett(['config', 'set', 'postgres.port', String(pgA.db.port)], { home, env });
    expect(cli.code).toBe(0);
    await append(10);
    await waitFor('A to hold every event', holdsAll(pgA), 30_000, agentLog);

    // To B again by an edit of config.json.
    await append(25);
    const raw = JSON.parse(fs.readFileSync(runtime.paths.config, 'utf8')) as { postgres: Record<string, unknown> };
    const seen = changes();
    writeFileAtomic(runtime.paths.config, JSON.stringify({ ...raw, postgres: { ...raw.postgres, port: pgB.db.port } }));
    // Until the watcher has seen the edit, the agent rightly pushes to A; from its announcement on, to B.
    await waitFor('the agent to take the edited file', () => (changes() > seen ? true : null));
    await append(15);
    await waitFor('B to hold every event', holdsAll(pgB), 30_000, agentLog);

    const all = Array.from({ length: sent }, (_, i) => i + 1);
    expect(await numbers(pgB)).toEqual(all);
    const inA = await numbers(pgA);
    expect(new Set(inA).size).toBe(inA.length);
    expect(StatusSnapshotSchema.parse(await control.call('status')).outbox).toMatchObject({ pending: 0, dead: 0 });
  }, 120_000);

  it('connects to a new VPS peer (another key, another port) without restart: the monitor is up against it and packets flow', async () => {
    const pid = StatusSnapshotSchema.parse(await control.call('status')).agent;
    // The old VPS goes away; a new one, with its own key, listens on another port at the same tunnel address.
    const newVps = generateKeyPair();
    const newIface = pair.ifaceName('n');
    const newPort = TUNNEL.port + 1;
    await pair.wgQuickDown('vps', vps.vpsIface);
    await pair.wgQuickUp('vps', newIface, renderVpsWg0Conf({ desktopPublicKey: vps.desktopKeys.publicKey, desktopTunnelAddress: TUNNEL.desktop, address: `${TUNNEL.vps}/${TUNNEL.prefix}`, listenPort: newPort, privateKey: newVps.privateKey }));
    const mark = events.length;
    const beatsBefore = beatsOn(PORTS.file);

    const peer = await jett(['tunnel', 'peer', '--public-key', newVps.publicKey, '--endpoint', `${pair.underlay.vps}:${newPort}`], { home, env });
    expect(peer.code).toBe(0);
    expect(peer.stderr).not.toContain('sudo jett tunnel install');

    await waitFor('the tunnel up against the new peer', async () => {
      const s = StatusSnapshotSchema.parse(await control.call('status'));
      return s.tunnel.state === 'up' && s.tunnel.endpoint === `${pair.underlay.vps}:${newPort}` ? s : null;
    });
    // The new VPS saw the desktop's handshake and its packets; the heartbeat crossed the new tunnel to the webhook.
    const dump = parseWgDump(newIface, (await pair.exec('vps', resolveBinary('wg')!, ['show', newIface, 'dump'])).stdout);
    expect(dump.peers[0]).toMatchObject({ publicKey: vps.desktopKeys.publicKey });
    expect(dump.peers[0]!.latestHandshake).toBeGreaterThan(0);
    expect(dump.peers[0]!.rxBytes).toBeGreaterThan(0);
    await waitFor('a beat through the new tunnel', () => (beatsOn(PORTS.file) > beatsBefore ? true : null));
    // The old VPS may have looked degraded for a moment before the change; then the agent took it down itself.
    const states = events.slice(mark).filter((e) => e.event === 'tunnel.state');
    expect(states.find((e) => e.payload.to === 'down')?.payload.reason).toBe('settings changed: reconnecting with the new ones');
    expect(states.at(-1)?.payload.to).toBe('up');
    expect(StatusSnapshotSchema.parse(await control.call('status')).agent).toEqual(pid);
  }, 120_000);

  it('the tray app\'s own agent (in-process) takes a heartbeat URL and a database port saved in the window', async () => {
    // One agent per user: the headless one makes way for the tray app's, which finds the tunnel up and watches it.
    control.close();
    await agent.stop();
    const driverEvents: { event: string; payload: Record<string, unknown> }[] = [];
    const replies = new Map<number, { reply?: unknown; error?: string }>();
    let ready = false;
    driver = execa(resolveBinary('ip')!, ['netns', 'exec', pair.ns.desktop, process.execPath, '--import', 'tsx', DRIVER], {
      env: { JETT_HOME: home, ...env },
      extendEnv: true,
      buffer: false,
      reject: false,
      stdin: 'pipe',
      cleanup: true,
    });
    readline.createInterface({ input: driver.stdout! }).on('line', (line) => {
      const obj = JSON.parse(line) as { ready?: boolean; id?: number; event?: string; payload?: Record<string, unknown>; reply?: unknown; error?: string };
      if (obj.ready) ready = true;
      else if (obj.id !== undefined) replies.set(obj.id, obj);
      else if (obj.event) driverEvents.push({ event: obj.event, payload: obj.payload ?? {} });
    });
    let nextId = 0;
    const invoke = async (channel: string, arg: unknown) => {
      const id = nextId++;
      driver!.stdin!.write(`${JSON.stringify({ id, channel, arg })}\n`);
      const r = await waitFor(`the window's ${channel}`, () => replies.get(id) ?? null);
      if (r.error) throw new Error(r.error);
      return r.reply as Record<string, unknown>;
    };
    await waitFor('the in-process agent', () => (ready ? true : null), 60_000);
    await waitFor('its monitor to see the tunnel up', () => (driverEvents.some((e) => e.event === 'tunnel.state' && e.payload.to === 'up') ? true : null));

    const beatsBefore = beatsOn(PORTS.inProcess);
    const reply = await invoke('settings:save', { section: 'heartbeat', values: { url: hookUrl(PORTS.inProcess) } });
    expect(reply.needsTunnelSetup).toBeUndefined();
    await waitFor('a beat on the URL saved in the window', () => (beatsOn(PORTS.inProcess) > beatsBefore ? true : null));

    // The sync was on B; the window moves it to A, and the next push (with what A missed) goes there.
    await invoke('settings:save', { section: 'postgres', values: { port: pgA.db.port } });
    const payloads = Array.from({ length: 10 }, (_, i) => ({ n: sent + i + 1 }));
    await invoke('append', { kind: KIND, payloads });
    sent += payloads.length;
    await waitFor('A to hold every event', holdsAll(pgA), 30_000, agentLog);
    expect(await numbers(pgA)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    expect(driverEvents.filter((e) => e.event === 'config.changed').map((e) => e.payload.sections)).toEqual([['heartbeat'], ['postgres']]);
    driver.stdin!.end();
    expect((await driver).exitCode).toBe(0);
  }, 120_000);
});
