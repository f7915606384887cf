// Live settings with the real core and an in-process agent: a voice setting changed from the window's IPC handler,
// from `jett config set` against the running agent, and by an edit of config.json reaches the next voice action;
// only the voice service is rebuilt and queued outbox events stay. Not root: a tunnel change answers that the
// installed tunnel setup must run again, and the status says so until it has.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inProcessHandle } from '../../../main/app/agent-handle.js';
import { createHandlers } from '../../../main/app/ipc/handlers.js';
import { handsFreeItems, trayModel } from '../../../main/app/tray/model.js';
import { Agent } from '../../../main/core/agent.js';
import type { VoiceFactory } from '../../../main/core/agent/voice-factory.js';
import type { Config } from '../../../main/core/contracts/config.js';
import type { JettEvents } from '../../../main/core/contracts/events.js';
import { StatusSnapshotSchema } from '../../../main/core/contracts/status.js';
import { writeFileAtomic } from '../../../main/core/fs/atomic-write.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { withLivePeer } from '../../../main/core/tunnel/installed-setup.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { UNUSED_HANDLER_DEPS } from '../../helpers/unused-handlers.js';

const running: Agent[] = [];
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
});

/**
 * A voice pipeline stand-in that remembers the settings it was built with; each toggle records them. In hands-free
 * it keeps the tray's pause as the real pipeline does: paused from the start when the agent builds it paused.
 */
function recordingVoice() {
  const builds: Config['voice'][] = [];
  const toggles: Config['voice'][] = [];
  const factory: VoiceFactory = async ({ config, handsFreePaused }) => {
    const built = config.voice;
    builds.push(built);
    let paused = handsFreePaused ?? false;
    return {
      wake: () => (built.activation === 'handsFree' ? { listening: paused ? 'paused' : 'on', word: built.wakeWord, threshold: built.wakeThreshold, detections: 0, falseWakes: 0, reason: null } : null),
      pauseHandsFree: async (p) => void (paused = p),
      state: () => 'idle',
      hold: async () => undefined,
      bargeIn: () => ({ active: false, reason: 'a stand-in pipeline' }),
      toggle: async () => void toggles.push(built),
      speak: async () => {
        throw new Error('not used');
      },
      ask: async () => {
        throw new Error('not used');
      },
      onTurn: () => () => {},
      stop: async () => {},
    };
  };
  return { factory, builds, toggles };
}

async function startAgent(env: NodeJS.ProcessEnv = {}) {
  const home = tempDir();
  const fullEnv = { ...process.env, JETT_HOME: home, JETT_SECRET_STORE: 'file', ...env };
  const runtime = openRuntime({ env: fullEnv });
  // What the agent starts from is the file, as `jett agent` and the tray do.
  runtime.config.set('tunnel.autoConnect', 'false');
  runtime.config.set('postgres.host', '127.0.0.1');
  runtime.config.set('postgres.port', '1');
  const voice = recordingVoice();
  const agent = new Agent({ runtime, config: runtime.config.load(), env: fullEnv, voice: voice.factory });
  await agent.start();
  running.push(agent);
  const stateEvents: JettEvents['service.state'][] = [];
  agent.bus.on('service.state', (e) => stateEvents.push(e));
  const changed: JettEvents['config.changed'][] = [];
  agent.bus.on('config.changed', (e) => changed.push(e));
  const handlers = createHandlers({
    config: runtime.config,
    secrets: runtime.secrets,
    secretStoreNote: 'note',
    agent: inProcessHandle(agent),
    statusView: async () => ({ snapshot: agent.status(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, turns: [] }),
    onConfigChanged: vi.fn(),
    chooseConfFile: async () => null,
    readConfFile: async (f) => fs.readFileSync(f, 'utf8'),
    writeClipboard: () => {},
    openLink: async () => ({ opened: false, reason: 'tunnel down' }),
    models: { list: async () => ({ models: [], error: null, speech: { dir: home, models: [], error: null } }), pull: async () => {} },
    sendModelProgress: vi.fn(),
    setupTunnel: async () => {},
    ...UNUSED_HANDLER_DEPS,
  });
  return { home, env: fullEnv, runtime, agent, voice, handlers, stateEvents, changed };
}

/** Waits for the agent to announce a rebuild (a deadline, not a timing goal). */
async function rebuilt(changed: unknown[], count: number): Promise<void> {
  const end = Date.now() + 10_000;
  while (changed.length < count) {
    if (Date.now() > end) throw new Error(`the agent announced ${changed.length} settings changes, not ${count}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const restarted = (events: JettEvents['service.state'][]) => [...new Set(events.filter((e) => e.state === 'stopped').map((e) => e.service))];

describe.runIf(process.platform !== 'win32')('live settings in a running agent', () => {
  it('a voice setting from the window, the CLI and a file edit reaches the next voice action; nothing else is rebuilt, nothing queued is lost', async () => {
    const t = await startAgent();
    t.agent.append('note', { n: 1 });
    t.agent.append('note', { n: 2 });
    await t.agent.voiceToggle();
    expect(t.voice.toggles.at(-1)?.silenceMs).toBe(300);

    // The window's Voice tab: saved, and the in-process agent rebuilt voice before the reply.
    await t.handlers['settings:save']({ section: 'voice', values: { silenceMs: 450 } });
    await t.agent.voiceToggle();
    expect(t.voice.toggles.at(-1)?.silenceMs).toBe(450);

    // `jett config set` while the agent runs: the CLI asks it to reload through the control endpoint.
    const cli = await jett(['config', 'set', 'voice.silenceMs', '600'], { home: t.home, env: t.env });
    expect(cli.code).toBe(0);
    expect(cli.stderr).toContain('the running agent took the change (voice)');
    await t.agent.voiceToggle();
    expect(t.voice.toggles.at(-1)?.silenceMs).toBe(600);

    // An editor's save of config.json.
    const raw = JSON.parse(fs.readFileSync(t.runtime.paths.config, 'utf8')) as { voice: Record<string, unknown> };
    writeFileAtomic(t.runtime.paths.config, JSON.stringify({ ...raw, voice: { ...raw.voice, silenceMs: 750, hotkey: 'Ctrl+Alt+K' } }));
    await rebuilt(t.changed, 3);
    await t.agent.voiceToggle();
    expect(t.voice.toggles.at(-1)).toMatchObject({ silenceMs: 750, hotkey: 'Ctrl+Alt+K' });

    expect(t.changed.map((c) => c.sections)).toEqual([['voice'], ['voice'], ['voice']]);
    expect(t.voice.builds.map((b) => b.silenceMs)).toEqual([300, 450, 600, 750]);
    expect(restarted(t.stateEvents)).toEqual(['voice']);
    expect(t.agent.status().outbox.pending).toBe(2);
  });

  it("the tray's pause of hands-free outlives a settings change, until resumed or hands-free is switched off", async () => {
    const t = await startAgent();
    const listening = () => t.agent.status().voice.wake?.listening;
    await t.handlers['settings:save']({ section: 'voice', values: { activation: 'handsFree' } });
    expect(listening()).toBe('on');
    await t.agent.voiceHandsFree(true);
    // Another voice setting from the window rebuilds the pipeline: it comes back paused, its microphone closed.
    await t.handlers['settings:save']({ section: 'voice', values: { silenceMs: 450 } });
    expect(t.voice.builds.at(-1)?.silenceMs).toBe(450);
    expect(listening()).toBe('paused');
    expect(handsFreeItems(t.agent.status().voice.wake)).toMatchObject([{ action: 'hands-free-toggle', checked: false }]);
    // The tray's one click resumes it, and the next rebuild listens.
    await t.agent.voiceHandsFree(false);
    await t.handlers['settings:save']({ section: 'voice', values: { silenceMs: 500 } });
    expect(listening()).toBe('on');
    // Paused, then hands-free switched off and on again: the user asked for it to listen.
    await t.agent.voiceHandsFree(true);
    await t.handlers['settings:save']({ section: 'voice', values: { activation: 'hotkey' } });
    expect(listening()).toBeUndefined();
    await t.handlers['settings:save']({ section: 'voice', values: { activation: 'handsFree' } });
    expect(listening()).toBe('on');
  });

  it('an invalid edit of config.json is reported as config.invalid and the running settings stay whole', async () => {
    const t = await startAgent();
    const invalid: JettEvents['config.invalid'][] = [];
    t.agent.bus.on('config.invalid', (e) => invalid.push(e));
    const raw = JSON.parse(fs.readFileSync(t.runtime.paths.config, 'utf8')) as Record<string, object>;
    writeFileAtomic(t.runtime.paths.config, JSON.stringify({ ...raw, voice: { silenceMs: 450 }, heartbeat: { url: 'not a url' } }));
    await rebuilt(invalid, 1);
    expect(invalid[0]!.message).toMatch(/heartbeat\.url/);
    expect(invalid[0]!.fix).toMatch(/keeps the settings it runs with/);
    await t.agent.voiceToggle();
    expect(t.voice.toggles.at(-1)?.silenceMs).toBe(300);
    expect(t.changed).toEqual([]);
    expect(restarted(t.stateEvents)).toEqual([]);
  });

  it('secrets that change reach the service that reads them: a new postgres.password rebuilds the sync only', async () => {
    const t = await startAgent();
    t.agent.append('note', { n: 1 });
    const reply = await t.handlers['secret:set']({ name: 'postgres.password', value: 'a-new-password' });
    expect(reply.needsTunnelSetup).toBeUndefined();
    expect(t.changed.map((c) => c.sections)).toEqual([['postgres']]);
    expect(restarted(t.stateEvents)).toEqual(['sync']);
    expect(t.agent.status().outbox.pending).toBe(1);
  });
});

describe.runIf(process.platform === 'linux')('not root: the installed tunnel setup against the saved settings', () => {
  it('answers a tunnel change with needsTunnelSetup, shows it in the status until the setup ran again, and the CLI prints the command', async () => {
    const t = await startAgent({ JETT_TUNNEL_CONTROL: 'helper' });
    const vps = generateKeyPair();
    // Nothing configured yet: nothing to compare.
    expect(t.agent.status().tunnelSetup).toBeUndefined();
    await t.handlers['tunnel:generateKeys']({ replace: false });
    const first = await t.handlers['settings:save']({ section: 'tunnel', values: { peerPublicKey: vps.publicKey, endpoint: '192.0.2.2:51820' } });
    expect(first.needsTunnelSetup).toBe(true);
    expect(StatusSnapshotSchema.parse(t.agent.status()).tunnelSetup).toMatchObject({ state: 'unknown', fix: expect.stringContaining('sudo jett tunnel install --secrets-stdin') });

    // The setup's hand-over (what `sudo` then installs) records what the helper runs from.
    const handoff = await jett(['tunnel', 'install', '--handoff'], { home: t.home, env: t.env });
    expect(handoff.code).toBe(0);
    expect(t.agent.status().tunnelSetup).toMatchObject({ state: 'current', fix: null });
    const record = fs.readFileSync(`${t.home}/tunnel-installed.json`, 'utf8');
    expect(record).not.toContain((await t.runtime.secrets.get('tunnel.privateKey'))!);
    expect(fs.statSync(`${t.home}/tunnel-installed.json`).mode & 0o777).toBe(0o600);

    // A save that changes nothing needs no setup; a new endpoint does.
    const poll = await t.handlers['settings:save']({ section: 'tunnel', values: { keepalive: 25 } });
    expect(poll.needsTunnelSetup).toBeUndefined();
    const moved = await t.handlers['settings:save']({ section: 'tunnel', values: { endpoint: '192.0.2.3:51820' } });
    expect(moved.needsTunnelSetup).toBe(true);
    expect(t.agent.status().tunnelSetup).toMatchObject({ state: 'outdated', message: expect.stringContaining('the running tunnel uses older settings') });
    // Where the user looks: `jett status`, and the tray's menu.
    const status = await jett(['status'], { home: t.home, env: t.env });
    expect(status.stdout).toMatch(/^tunnel setup: the running tunnel uses older settings .*; run the tunnel setup again: `jett tunnel install --handoff \| sudo jett tunnel install --secrets-stdin`$/m);
    const tray = trayModel({ status: t.agent.status(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, openAtLogin: false });
    expect(tray.items).toContainEqual({ action: 'open-settings', label: 'The tunnel uses older settings: run the setup again…', enabled: true });

    // From the CLI against the running agent: the command that runs the setup again is printed.
    const peer = await jett(['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', '192.0.2.4:51820'], { home: t.home, env: t.env });
    expect(peer.code).toBe(0);
    expect(peer.stderr).toContain('jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin');
  });

  it('without a running agent, `jett config set tunnel.endpoint` still says the installed setup no longer matches', async () => {
    const home = tempDir();
    const env = { JETT_SECRET_STORE: 'file', JETT_TUNNEL_CONTROL: 'helper' };
    expect((await jett(['keys', 'generate'], { home, env })).code).toBe(0);
    expect((await jett(['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', '192.0.2.2:51820'], { home, env })).code).toBe(0);
    expect((await jett(['tunnel', 'install', '--handoff'], { home, env })).code).toBe(0);
    const same = await jett(['config', 'set', 'tunnel.pollSeconds', '3'], { home, env });
    expect(same.stderr).not.toContain('sudo jett tunnel install');
    const moved = await jett(['config', 'set', 'tunnel.endpoint', '192.0.2.9:51820'], { home, env });
    expect(moved.code).toBe(0);
    expect(moved.stderr).toContain('does not match these settings: run the tunnel setup again: `jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin`');
  });
});

describe('the running interface against a setup that matches', () => {
  it('says to reconnect when the setup was installed again but the interface still runs the old peer', () => {
    const current = { state: 'current' as const, message: 'the installed tunnel matches the settings', fix: null };
    const settings = { peerPublicKey: generateKeyPair().publicKey };
    expect(withLivePeer(current, settings.peerPublicKey, settings)).toBe(current);
    expect(withLivePeer(current, null, settings)).toBe(current);
    expect(withLivePeer(current, generateKeyPair().publicKey, settings)).toMatchObject({ state: 'outdated', fix: expect.stringContaining('jett tunnel down && jett tunnel up') });
  });
});

describe.runIf(process.platform !== 'win32')('`jett agent` in a terminal', () => {
  it('says which parts it rebuilt after an edit of config.json, and why it ignored a bad one', async () => {
    const home = tempDir();
    const file = path.join(home, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ tunnel: { autoConnect: false } }));
    const child = spawn(process.execPath, ['bin/jett.mjs', 'agent'], { env: { ...process.env, JETT_HOME: home, JETT_SECRET_STORE: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const seen = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} within 30 s in: ${out}`)), 30_000);
        const check = () => {
          if (!re.test(out)) return;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await seen(/\| outbox 0 pending/);
      writeFileAtomic(file, JSON.stringify({ tunnel: { autoConnect: false }, voice: { silenceMs: 500 }, heartbeat: { intervalS: 30 } }));
      await seen(/^settings changed: heartbeat, voice rebuilt$/m);
      writeFileAtomic(file, '{"voice": {"silenceMs": 5}}');
      await seen(/^config\.json edit ignored: .*voice\.silenceMs: .*\n  fix: .*keeps the settings it runs with/m);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
    }
  }, 60_000);
});
