// The first-run checklist's core and main side without a window: each step's state and blocker, the pasted
// install.sh output read strictly, WireGuard found or not (Linux programs, Windows' Program Files replayed), the
// tray's compact line, and the setup service's actions with a real config, file secret store and bundle generator.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { privilegedStep } from '../../../main/app/setup/privileged.js';
import { createSetupService, type SetupServiceDeps } from '../../../main/app/setup/service.js';
import { setupItems, trayModel } from '../../../main/app/tray/model.js';
import { jettPaths } from '../../../main/core/config/paths.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import type { WinTrustFs } from '../../../main/core/process/privileged-windows.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { LINUX_PRIVILEGED_COMMAND, setupChecklist, WIREGUARD_WINDOWS_INSTALLER, type SetupFacts } from '../../../main/core/setup/checklist.js';
import { parseInstallOutput } from '../../../main/core/setup/vps-peer-text.js';
import { findWireguard } from '../../../main/core/setup/wireguard-found.js';
import { generateDesktopKeys } from '../../../main/core/tunnel/desktop-keys.js';
import { ERROR_CANCELLED } from '../../../main/core/tunnel/elevation.js';
import type { ProcessRunner } from '../../../main/core/tunnel/runner.js';
import { loadDesktopConfig } from '../../../main/core/tunnel/setup.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { recordInstalledTunnel } from '../../../main/core/tunnel/installed-setup.js';
import { tunnelSetup } from '../../../main/app/tunnel-setup.js';
import type { StatusSnapshot } from '../../../main/core/contracts/status.js';
import type { VoiceTurnRecord } from '../../../main/core/contracts/voice.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { voiceTurn } from '../../helpers/event-samples.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { wireguardConfigPath } from '../../../main/core/tunnel/install.js';
import { snapshot } from '../app/helpers.js';

const VPS_KEY = generateKeyPair().publicKey;

function empty(): SetupFacts {
  return {
    platform: 'linux',
    wireguard: { found: true, where: '/usr/bin/wg-quick with /usr/bin/wireguard-go' },
    keys: null,
    bundle: { dir: null, secretsStored: false },
    peer: null,
    privileged: { state: 'todo', detail: 'not set up' },
    tunnel: { state: 'down', reason: 'not started' },
    audit: null,
    models: { missing: ['whisper-base', 'kokoro-82m'], installed: [] },
    ollama: { running: false, model: 'llama3.2:3b', error: 'Ollama is not running at http://127.0.0.1:11434' },
    voice: { configured: false, reason: 'no speech-to-text model installed (models.stt whisper-base)', next: 'Settings > Models, or `jett models pull whisper-base`', running: false, firstTurn: null },
    errors: {},
  };
}

const state = (f: SetupFacts) => Object.fromEntries(setupChecklist(f).steps.map((s) => [s.id, s.state]));

describe('the checklist', () => {
  it('on an empty JETT_HOME: keys first, the tunnel steps wait for it and say for what, models and Ollama are open', () => {
    const view = setupChecklist(empty());
    expect(state(empty())).toEqual({ wireguard: 'done', keys: 'todo', bundle: 'blocked', peer: 'blocked', privileged: 'blocked', connect: 'blocked', audit: 'blocked', models: 'todo', ollama: 'todo', voice: 'blocked' });
    expect(view.next).toBe('keys');
    expect(view.done).toBe(1);
    expect(view.total).toBe(10);
    const bundle = view.steps.find((s) => s.id === 'bundle')!;
    expect(bundle.blockedBy).toBe('keys');
    expect(bundle.detail).toBe("first: This desktop's keys");
    expect(bundle.action).toEqual({ kind: 'none' });
  });

  it('every step done: next is null; a failed audit keeps its step open with the failed checks named', () => {
    const all: SetupFacts = {
      ...empty(),
      keys: { fingerprint: '3f2a-91c0-7be4-d812' },
      bundle: { dir: '/home/u/jett-vps', secretsStored: true },
      peer: { fingerprint: '8c1e-0b7d-22fa-9e40', endpoint: '203.0.113.7:51820' },
      privileged: { state: 'done', detail: 'set up' },
      tunnel: { state: 'up', reason: 'probe answered' },
      audit: { at: '2026-11-29T20:00:00.000Z', passed: true, failed: [] },
      models: { missing: [], installed: ['whisper-base', 'kokoro-82m'] },
      ollama: { running: true, model: 'llama3.2:3b', present: true },
      voice: { configured: true, reason: 'whisper-base and kokoro-82m installed', next: null, running: true, firstTurn: { at: '2026-11-29T20:05:00.000Z', transcript: 'what is on today' } },
    };
    expect(setupChecklist(all).next).toBeNull();
    expect(setupChecklist(all).done).toBe(10);
    const failed = setupChecklist({ ...all, audit: { at: 'now', passed: false, failed: ['postgres 203.0.113.7:5432'] } });
    expect(failed.next).toBe('audit');
    expect(failed.steps.find((s) => s.id === 'audit')!.detail).toBe('failed at now: postgres 203.0.113.7:5432');
  });

  it('a setup made for other keys or another peer is not done; an action that failed shows its message and fix', () => {
    const f: SetupFacts = { ...empty(), keys: { fingerprint: 'x' }, bundle: { dir: '/b', secretsStored: true }, peer: { fingerprint: 'y', endpoint: 'h:1' }, privileged: { state: 'stale', detail: 'set up for other keys' } };
    expect(state(f).privileged).toBe('todo');
    const err = setupChecklist({ ...f, errors: { privileged: { message: 'UAC was declined', fix: 'press Set up again and choose Yes' } } }).steps.find((s) => s.id === 'privileged')!;
    expect(err.state).toBe('error');
    expect(err.error).toEqual({ message: 'UAC was declined', fix: 'press Set up again and choose Yes' });
  });

  it('missing WireGuard blocks the privileged setup and names the install (the apt command, or the Windows installer page)', () => {
    const f: SetupFacts = { ...empty(), keys: { fingerprint: 'x' }, bundle: { dir: '/b', secretsStored: true }, peer: { fingerprint: 'y', endpoint: 'h:1' } };
    const linux = setupChecklist({ ...f, wireguard: { found: false, missing: 'wg-quick', install: { kind: 'command', text: 'sudo apt-get install wireguard-tools' } } });
    expect(linux.steps[0]!.action).toEqual({ kind: 'command', label: 'Install the packages, then check again', text: 'sudo apt-get install wireguard-tools' });
    expect(linux.steps.find((s) => s.id === 'privileged')!.blockedBy).toBe('wireguard');
    const win = setupChecklist({ ...f, platform: 'win32', wireguard: { found: false, missing: 'WireGuard for Windows', install: { kind: 'link', url: WIREGUARD_WINDOWS_INSTALLER } } });
    expect(win.steps[0]!.action).toMatchObject({ kind: 'link', url: 'https://www.wireguard.com/install/' });
  });
});

describe('the voice-turn step', () => {
  const ready: SetupFacts = {
    ...empty(),
    models: { missing: [], installed: ['whisper-base'] },
    ollama: { running: true, model: 'llama3.2:3b', present: true },
    voice: { configured: true, reason: 'whisper-base installed', next: null, running: true, firstTurn: null },
  };
  const voice = (f: SetupFacts) => setupChecklist(f).steps.find((s) => s.id === 'voice')!;

  it('waits for the models and Ollama, then for voice itself, each time saying why; nothing to press meanwhile', () => {
    expect(voice({ ...ready, ollama: { running: false, model: 'llama3.2:3b', error: 'Ollama is not running at http://127.0.0.1:11434' } })).toMatchObject({ state: 'blocked', blockedBy: 'ollama', detail: 'first: Ollama', action: { kind: 'none' } });
    expect(voice({ ...ready, models: { missing: ['whisper-base'], installed: [] } })).toMatchObject({ state: 'blocked', blockedBy: 'models' });
    const unconfigured = voice({ ...ready, voice: { ...empty().voice } });
    expect(unconfigured).toMatchObject({ state: 'blocked', blockedBy: null, action: { kind: 'none' } });
    expect(unconfigured.detail).toBe('voice is not configured: no speech-to-text model installed (models.stt whisper-base); next: Settings > Models, or `jett models pull whisper-base`');
    expect(voice({ ...ready, voice: { ...ready.voice, running: false } }).detail).toMatch(/^voice is set up but not running: see why in JETT_HOME\/logs\/jett.log/);
  });

  it('ready: the button starts a turn; done once a turn was answered, and the checklist is complete', () => {
    expect(voice(ready)).toMatchObject({ state: 'todo', action: { kind: 'button', label: 'Start a voice turn' } });
    const done = voice({ ...ready, voice: { ...ready.voice, firstTurn: { at: '2026-11-29T20:05:00.000Z', transcript: 'what is on today' } } });
    expect(done).toMatchObject({ state: 'done', detail: 'a first turn was answered at 2026-11-29T20:05:00.000Z: "what is on today"', action: { kind: 'button', label: 'Try again' } });
  });
});

describe("install.sh's output, pasted", () => {
  // The last lines resources/vps/install.sh prints (its `say` and `printf` at "--- done ---").
  const output = (endpoint: string, key = VPS_KEY) =>
    `install: done: the stack listens on 10.0.0.2 (WireGuard UDP 51820) only\ninstall: on the desktop, run:\n\n  jett tunnel peer --public-key ${key} --endpoint ${endpoint}\n\n`;

  it('takes the whole output or only its line, CRLF too', () => {
    expect(parseInstallOutput(output('203.0.113.7:51820'))).toEqual({ publicKey: VPS_KEY, endpoint: '203.0.113.7:51820' });
    expect(parseInstallOutput(`jett tunnel peer --public-key ${VPS_KEY} --endpoint vps.example.org:51820`)).toEqual({ publicKey: VPS_KEY, endpoint: 'vps.example.org:51820' });
    expect(parseInstallOutput(output('203.0.113.7:51820').replace(/\n/g, '\r\n')).endpoint).toBe('203.0.113.7:51820');
  });

  it('refuses what is not that line, with a fix, and never quotes a pasted secret back', () => {
    const privateKey = generateKeyPair().privateKey;
    const cases: Array<[string, RegExp]> = [
      [`[Interface]\nPrivateKey = ${privateKey}\n`, /has no `jett tunnel peer/],
      [output('THIS_VPS_PUBLIC_IP:51820'), /could not tell the VPS's public address/],
      [output('203.0.113.7'), /is not HOST:PORT/],
      [output('203.0.113.7:51820', 'not-a-key'), /is not a WireGuard public key/],
      [`${output('203.0.113.7:51820')}${output('198.51.100.9:51820')}`, /2 different `jett tunnel peer` lines/],
      [`jett tunnel peer --public-key ${VPS_KEY} --endpoint 203.0.113.7:51820; rm -rf ~`, /has no `jett tunnel peer/],
    ];
    for (const [text, message] of cases) {
      let caught: unknown;
      try {
        parseInstallOutput(text);
      } catch (err) {
        caught = err;
      }
      expect((caught as Error).message).toMatch(message);
      expect((caught as { fix: string }).fix.length).toBeGreaterThan(10);
      expect(JSON.stringify({ m: (caught as Error).message, f: (caught as { fix: string }).fix })).not.toContain(privateKey);
    }
  });
});

describe('WireGuard found', () => {
  it('Linux: wg and wg-quick in the system folders, with the kernel module or wireguard-go; else the apt command', () => {
    const have = (names: string[]) => (n: string) => (names.includes(n) ? `/usr/bin/${n}` : null);
    expect(findWireguard({ platform: 'linux', env: {}, resolve: have(['wg', 'wg-quick', 'wireguard-go']), kernelModule: () => false })).toEqual({ found: true, where: '/usr/bin/wg-quick with /usr/bin/wireguard-go' });
    expect(findWireguard({ platform: 'linux', env: {}, resolve: have(['wg', 'wg-quick']), kernelModule: () => true })).toEqual({ found: true, where: '/usr/bin/wg-quick with the kernel module' });
    expect(findWireguard({ platform: 'linux', env: {}, resolve: have([]), kernelModule: () => false })).toEqual({
      found: false,
      missing: 'wg, wg-quick, the kernel module or wireguard-go',
      install: { kind: 'command', text: 'sudo apt-get install wireguard-tools wireguard-go' },
    });
  });

  // Where WireGuard for Windows installs: WireGuard/wireguard-windows installer/wireguard.wxs puts wireguard.exe and
  // wg.exe in "WireGuardFolder" = ProgramFiles64Folder\WireGuard (amd64, arm64). The environment is what Windows
  // sets for a 64-bit process (test/helpers/windows-disk.ts).
  const env = { ProgramFiles: 'C:\\Program Files', ProgramW6432: 'C:\\Program Files', SystemRoot: 'C:\\Windows' };
  const disk = (files: Record<string, string | null>): WinTrustFs => ({
    lstatSync: (p) => {
      const hit = Object.keys(files).find((f) => f.toLowerCase() === p.toLowerCase());
      if (!hit) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
      return { isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false };
    },
    realpathSync: { native: (p) => files[Object.keys(files).find((f) => f.toLowerCase() === p.toLowerCase())!] ?? p },
  });

  it('Windows: found only in the real Program Files\\WireGuard; missing or behind a junction, the installer page', () => {
    const installed = { 'C:\\Program Files\\WireGuard\\wireguard.exe': null, 'C:\\Program Files\\WireGuard\\wg.exe': null };
    expect(findWireguard({ platform: 'win32', env, winFs: disk(installed) })).toEqual({ found: true, where: 'C:\\Program Files\\WireGuard\\wireguard.exe' });
    const none = findWireguard({ platform: 'win32', env, winFs: disk({ 'C:\\Users\\alice\\bin\\wireguard.exe': null }) });
    expect(none).toEqual({ found: false, missing: 'WireGuard for Windows (C:\\Program Files\\WireGuard\\wireguard.exe does not exist)', install: { kind: 'link', url: 'https://www.wireguard.com/install/' } });
    const junction = findWireguard({ platform: 'win32', env, winFs: disk({ ...installed, 'C:\\Program Files\\WireGuard\\wireguard.exe': 'C:\\Users\\alice\\wg\\wireguard.exe' }) });
    expect(junction.found).toBe(false);
    // A 32-bit view of the environment must not send the lookup to Program Files (x86).
    const tampered = findWireguard({ platform: 'win32', env: { ProgramFiles: 'C:\\Users\\alice\\Program Files' }, winFs: disk(installed) });
    expect(tampered.found).toBe(false);
  });
});

describe("the tray's compact checklist", () => {
  it('"Setup: N of 10 done" and the next step, which opens the window; nothing once all is done', () => {
    const items = setupItems(setupChecklist(empty()));
    expect(items.map((i) => [i.label, i.action, i.enabled])).toEqual([
      ['Setup: 1 of 10 done', null, false],
      ["Next: This desktop's keys: Generate keys…", 'open-settings', true],
    ]);
    expect(setupItems(null)).toEqual([]);
    const menu = trayModel({ status: snapshot(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, openAtLogin: false, setup: setupChecklist(empty()) });
    expect(menu.items.slice(2, 4).map((i) => i.label)).toEqual(['Setup: 1 of 10 done', "Next: This desktop's keys: Generate keys…"]);
    expect(setupItems({ ...setupChecklist(empty()), next: null })).toEqual([]);
  });
});

describe('the setup service (real config, file secret store, bundle generator)', () => {
  function service(over: Partial<SetupServiceDeps> = {}) {
    const home = tempDir();
    const paths = jettPaths(home);
    const config = new ConfigStore(paths.config);
    const secrets = new FileSecretStore(path.join(home, 'secrets.json'));
    const changed: unknown[] = [];
    // What the running agent is told to read again (it rebuilds the services they feed), and what it says.
    const reloads: string[][] = [];
    const refreshes: string[][] = [];
    const bus = new EventBus();
    const agent = { current: snapshot() as StatusSnapshot };
    const s = createSetupService({
      runtime: { config, secrets, paths },
      platform: 'linux',
      // Not root: the tunnel runs from the installed setup (as for every user but root on Linux).
      env: { JETT_TUNNEL_CONTROL: 'helper' },
      agent: {
        status: async () => agent.current,
        on: (name, listener) => bus.on(name, listener),
        reloadConfig: async (names = [], refresh = []) => (reloads.push([...names]), refresh.length && refreshes.push([...refresh]), { sections: [], needsTunnelSetup: false }),
      },
      models: { list: async () => ({ models: [], error: 'Ollama is not running', speech: { dir: path.join(home, 'models'), models: [], error: null } }) },
      wireguard: () => ({ found: true, where: '/usr/bin/wg-quick' }),
      chooseBundleDir: async () => path.join(tempDir(), 'vps'),
      privileged: async () => ({ outcome: 'manual', command: LINUX_PRIVILEGED_COMMAND }),
      auditLive: async () => ({ tunnelAddress: '10.0.0.2', publicAddress: null, interface: 'jett0', checks: [], passed: true }),
      onConfigChanged: (c) => void changed.push(c),
      ...over,
    });
    return { s, home, paths, config, secrets, changed, reloads, refreshes, bus, agent };
  }

  it('the bundle: into the chosen folder, its two secrets in the store, the folder remembered', async () => {
    const t = service();
    await generateDesktopKeys(t.secrets, { replace: false, presharedKey: false, howToReplace: '' });
    const r = await t.s.vpsBundle();
    if (r.canceled) throw new Error('not chosen');
    expect(fs.existsSync(path.join(r.dir, 'install.sh'))).toBe(true);
    expect(r.storedSecrets.sort()).toEqual(['heartbeat.token', 'postgres.password', 'qdrant.apiKey']);
    expect(t.reloads.map((names) => names.sort())).toEqual([['heartbeat.token', 'postgres.password', 'qdrant.apiKey']]);
    expect(r.view.steps.find((s) => s.id === 'bundle')!.state).toBe('done');
    expect(JSON.stringify(r)).not.toContain((await t.secrets.get('postgres.password'))!);
  });

  it('saving again: the last folder is rewritten with its passwords kept; another folder with files is refused', async () => {
    const dir = path.join(tempDir(), 'vps');
    const other = tempDir();
    fs.writeFileSync(path.join(other, 'notes.txt'), 'mine');
    let chosen = dir;
    const t = service({ chooseBundleDir: async () => chosen });
    await generateDesktopKeys(t.secrets, { replace: false, presharedKey: false, howToReplace: '' });
    await t.s.vpsBundle();
    const password = await t.secrets.get('postgres.password');
    const again = await t.s.vpsBundle();
    expect(again.canceled).toBe(false);
    expect(await t.secrets.get('postgres.password')).toBe(password);
    chosen = other;
    const refused = await t.s.vpsBundle().catch((err: unknown) => err as { message: string; fix: string });
    expect(refused).toMatchObject({ message: `${other} is not empty`, fix: 'choose a new or empty folder (saving again into the folder of the last bundle rewrites it and keeps its passwords)' });
    // The step stays done (the last bundle is still there); the window's toast shows the refusal.
    expect((await t.s.view()).steps.find((s) => s.id === 'bundle')!.state).toBe('done');
    expect(fs.readdirSync(other)).toEqual(['notes.txt']);
  });

  it('a folder that cannot be written: a clear error on the step, nothing stored, nothing remembered', async () => {
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, 'x');
    const t = service({ chooseBundleDir: async () => path.join(blocker, 'vps') });
    await generateDesktopKeys(t.secrets, { replace: false, presharedKey: false, howToReplace: '' });
    await expect(t.s.vpsBundle()).rejects.toThrow(/cannot write the VPS bundle to .*a-file\/vps: a part of the path is a file; nothing was stored/);
    expect((await t.secrets.list()).sort()).toEqual(['tunnel.privateKey']);
    const step = (await t.s.view()).steps.find((s) => s.id === 'bundle')!;
    expect(step.state).toBe('error');
    expect(step.error!.fix).toMatch(/choose a folder you can write to/);
    expect(fs.existsSync(path.join(t.home, 'setup.json'))).toBe(false);
  });

  it('the peer: a good paste is stored and announced; a bad one stores nothing', async () => {
    const t = service();
    await expect(t.s.vpsPeer('hello')).rejects.toThrow(/has no `jett tunnel peer/);
    expect(t.config.load().tunnel.peerPublicKey).toBe('');
    expect(t.changed).toEqual([]);
    expect(t.reloads).toEqual([]);
    const r = await t.s.vpsPeer(`install: on the desktop, run:\n  jett tunnel peer --public-key ${VPS_KEY} --endpoint 203.0.113.7:51820\n`);
    expect(r.endpoint).toBe('203.0.113.7:51820');
    expect(t.config.load().tunnel).toMatchObject({ peerPublicKey: VPS_KEY, endpoint: '203.0.113.7:51820' });
    expect(t.changed).toHaveLength(1);
    expect(t.reloads).toEqual([[]]);
  });

  it('the privileged step on Linux without root: the exact command to run, and the step stays open', async () => {
    const t = service();
    await generateDesktopKeys(t.secrets, { replace: false, presharedKey: false, howToReplace: '' });
    const r = await t.s.privileged();
    expect(r).toMatchObject({ outcome: 'manual', command: 'jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin' });
    expect(r.view.steps.find((s) => s.id === 'privileged')!.state).not.toBe('done');
  });

  const peerLine = (endpoint: string) => `jett tunnel peer --public-key ${VPS_KEY} --endpoint ${endpoint}`;
  const stepOf = async (t: { s: { view(): Promise<{ steps: Array<{ id: string; state: string; detail: string }> }> } }, id: string) => (await t.s.view()).steps.find((st) => st.id === id)!;

  it('the privileged step reads the one installed-tunnel record: none, current after `jett tunnel install --handoff`, outdated after a new peer', async () => {
    const t = service();
    await generateDesktopKeys(t.secrets, { replace: false, presharedKey: false, howToReplace: '' });
    await t.s.vpsBundle();
    await t.s.vpsPeer(peerLine('203.0.113.7:51820'));
    const none = await stepOf(t, 'privileged');
    expect(none.state).toBe('todo');
    expect(none.detail).toContain('no tunnel setup is recorded for these settings');
    // What `jett tunnel install --handoff` records on the user's side (main/cli/commands/tunnel.ts), as the window's
    // Windows button and the root install do: JETT_HOME/tunnel-installed.json, and no other record.
    recordInstalledTunnel(t.home, (await loadDesktopConfig(t.config.load().tunnel, t.secrets)).text);
    expect(await stepOf(t, 'privileged')).toMatchObject({ state: 'done', detail: expect.stringContaining('the installed tunnel matches the settings') });
    expect(fs.readdirSync(t.home).filter((f) => f.endsWith('.json')).sort()).toEqual(['config.json', 'secrets.json', 'setup.json', 'tunnel-installed.json']);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(t.home, 'setup.json'), 'utf8'))).sort()).toEqual(['audit', 'bundleDir', 'voiceTurn']);
    await t.s.vpsPeer(peerLine('198.51.100.9:51820'));
    const after = await stepOf(t, 'privileged');
    expect(after.state).toBe('todo');
    expect(after.detail).toMatch(/the running tunnel uses older settings .*: a key, the peer or the endpoint changed since; run the tunnel setup again: `jett tunnel install --handoff \| sudo jett tunnel install --secrets-stdin`/);
  });

  it("a running agent's tunnelSetup wins, and the step, the tray and the status say the same", async () => {
    const t = service();
    await generateDesktopKeys(t.secrets, { replace: false, presharedKey: false, howToReplace: '' });
    await t.s.vpsBundle();
    await t.s.vpsPeer(peerLine('203.0.113.7:51820'));
    recordInstalledTunnel(t.home, (await loadDesktopConfig(t.config.load().tunnel, t.secrets)).text);
    // The file matches, but the agent saw the running interface still on the old peer (withLivePeer): it says outdated.
    const fix = 'reconnect: `jett tunnel down && jett tunnel up` (or Disconnect, then Connect)';
    t.agent.current = { ...snapshot(), tunnelSetup: { state: 'outdated', message: 'the running tunnel still uses the old peer', fix } };
    const view = await t.s.view();
    expect(view.steps.find((st) => st.id === 'privileged')).toMatchObject({ state: 'todo', detail: `the running tunnel still uses the old peer; ${fix}` });
    const tray = trayModel({ status: t.agent.current, hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, openAtLogin: false, setup: view });
    expect(tray.items.map((i) => i.label)).toContain('The tunnel uses older settings: run the setup again…');
    t.agent.current = { ...snapshot(), tunnelSetup: { state: 'current', message: 'the installed tunnel matches the settings', fix: null } };
    const current = await t.s.view();
    expect(current.steps.find((st) => st.id === 'privileged')!.state).toBe('done');
    expect(trayModel({ status: t.agent.current, hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, openAtLogin: false, setup: current }).items.map((i) => i.label)).not.toContain('The tunnel uses older settings: run the setup again…');
  });

  it('root on Linux (the agent runs wg-quick from the settings): done once keys and peer exist, with nothing to install', async () => {
    const t = service({ env: { JETT_TUNNEL_CONTROL: 'direct' } });
    await generateDesktopKeys(t.secrets, { replace: false, presharedKey: false, howToReplace: '' });
    await t.s.vpsBundle();
    expect((await stepOf(t, 'privileged')).state).toBe('blocked');
    await t.s.vpsPeer(peerLine('203.0.113.7:51820'));
    const step = (await t.s.view()).steps.find((st) => st.id === 'privileged')!;
    expect(step).toMatchObject({ state: 'done', action: { kind: 'none' }, detail: 'nothing to install: Jett runs as root here and brings the tunnel up from the saved settings itself' });
    expect(fs.existsSync(path.join(t.home, 'tunnel-installed.json'))).toBe(false);
  });

  it('the first answered voice turn completes the last step, for good; a failed turn does not', async () => {
    const t = service();
    const turn = (outcome: VoiceTurnRecord['outcome'], transcript: string): VoiceTurnRecord => ({ ...voiceTurn(transcript, 900), at: '2026-11-29T20:05:00.000Z', transcript, outcome });
    t.bus.emit('voice.turn', turn('failed', 'hello?'));
    expect((await stepOf(t, 'voice')).state).not.toBe('done');
    t.bus.emit('voice.turn', turn('answered', 'what is on today'));
    t.bus.emit('voice.turn', turn('answered', 'and tomorrow'));
    expect(await stepOf(t, 'voice')).toMatchObject({ state: 'done', detail: 'a first turn was answered at 2026-11-29T20:05:00.000Z: "what is on today"' });
    // Remembered in JETT_HOME/setup.json: a new start of the app still shows it done.
    t.s.close();
    const again = createSetupService({
      runtime: { config: t.config, secrets: t.secrets, paths: t.paths },
      platform: 'linux',
      env: {},
      agent: { status: async () => snapshot(), on: () => () => {}, reloadConfig: async () => ({ sections: [], needsTunnelSetup: false }) },
      models: { list: async () => ({ models: [], error: 'Ollama is not running', speech: { dir: '', models: [], error: null } }) },
      wireguard: () => ({ found: true, where: '/usr/bin/wg-quick' }),
      chooseBundleDir: async () => null,
      privileged: async () => ({ outcome: 'manual', command: null }),
      auditLive: async () => ({ tunnelAddress: '10.0.0.2', publicAddress: null, interface: 'jett0', checks: [], passed: true }),
      onConfigChanged: () => {},
    });
    expect((await again.view()).steps.find((st) => st.id === 'voice')!.state).toBe('done');
  });
});

describe('the privileged step on Windows (UAC, replayed)', () => {
  it('a No at the prompt: the step shows the error and its fix, nothing is recorded; a Yes: done, sign in again', async () => {
    const home = tempDir();
    const paths = jettPaths(home);
    const config = new ConfigStore(paths.config);
    const secrets = new FileSecretStore(path.join(home, 'secrets.json'));
    // What ShellExecute's "runas" returns through PowerShell: 1223 (ERROR_CANCELLED) when the user says No at the
    // consent prompt (main/core/tunnel/elevation.ts, as test/unit/tunnel/windows-install.test.ts replays it), else
    // the elevated step's own exit status.
    let answer: number = ERROR_CANCELLED;
    const ran: string[][] = [];
    const runner: ProcessRunner = { run: async (_file, args) => (ran.push([...args]), { exitCode: answer, stdout: '', stderr: '' }) };
    // The app's own Windows step (main/app/tunnel-setup.ts), powershell.exe where Windows keeps it: it records what it
    // installed in tunnel-installed.json, the one record the step and the agent's status read.
    const fsx: WinTrustFs = { lstatSync: () => ({ isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false }), realpathSync: { native: (p: string) => p } };
    const windowsSetup = tunnelSetup({ runtime: { config, secrets, paths }, env: { SystemRoot: 'C:\\Windows', USERNAME: 'alice', USERDOMAIN: 'DESKTOP-1' }, platform: 'win32', program: 'C:\\Program Files\\Jett\\Jett.exe', programArgs: [], runner, fsx });
    const refreshes: string[][] = [];
    const s = createSetupService({
      runtime: { config, secrets, paths },
      platform: 'win32',
      env: {},
      agent: { status: async () => snapshot(), on: () => () => {}, reloadConfig: async (_names, refresh = []) => (refresh.length && refreshes.push([...refresh]), { sections: [], needsTunnelSetup: false }) },
      models: { list: async () => ({ models: [], error: 'Ollama is not running', speech: { dir: path.join(home, 'models'), models: [], error: null } }) },
      wireguard: () => ({ found: true, where: 'C:\\Program Files\\WireGuard\\wireguard.exe' }),
      chooseBundleDir: async () => path.join(tempDir(), 'vps'),
      privileged: privilegedStep({ runtime: { secrets, config, paths }, platform: 'win32', env: {}, isRoot: false, windowsSetup }),
      auditLive: async () => ({ tunnelAddress: '10.0.0.2', publicAddress: null, interface: 'jett0', checks: [], passed: true }),
      onConfigChanged: () => {},
    });
    await generateDesktopKeys(secrets, { replace: false, presharedKey: false, howToReplace: '' });
    await s.vpsBundle();
    await s.vpsPeer(`jett tunnel peer --public-key ${VPS_KEY} --endpoint 203.0.113.7:51820`);
    await expect(s.privileged()).rejects.toThrow(/cancelled at the Windows prompt; nothing was changed/);
    const declined = (await s.view()).steps.find((st) => st.id === 'privileged')!;
    expect(declined).toMatchObject({ state: 'error', action: { kind: 'button', label: 'Set up (asks for administrator rights)' } });
    expect(declined.error!.fix).toMatch(/choose Yes when Windows asks/);
    answer = 0;
    const r = await s.privileged();
    expect(r.outcome).toBe('sign-in-again');
    expect(r.view.steps.find((st) => st.id === 'privileged')!.state).toBe('done');
    // The agent was told to compare again (its tunnelSetup turns current, as the step did), once, after the Yes only.
    expect(refreshes).toEqual([['tunnelSetup']]);
    expect(fs.existsSync(path.join(home, 'tunnel-installed.json'))).toBe(true);
    expect(ran).toHaveLength(2);
    expect(JSON.stringify(ran)).not.toContain((await secrets.get('tunnel.privateKey'))!);
  });
});

describeWith([binary('wg-quick'), binary('wg'), binary('visudo')], 'the privileged step when the app runs as root with JETT_TUNNEL_CONTROL=helper', () => {
  it('applies the install plan (under a test folder), records it in tunnel-installed.json, and the agent is told: done', async () => {
    const home = tempDir();
    const paths = jettPaths(home);
    const config = new ConfigStore(paths.config);
    const secrets = new FileSecretStore(path.join(home, 'secrets.json'));
    const installRoot = tempDir();
    // The agent's tunnel runs through the installed helper, as for a user who is not root.
    const env = { JETT_HOME: home, JETT_TUNNEL_CONTROL: 'helper', USER: 'root', PATH: process.env.PATH };
    const refreshes: string[][] = [];
    const s = createSetupService({
      runtime: { config, secrets, paths },
      platform: 'linux',
      env,
      agent: { status: async () => snapshot(), on: () => () => {}, reloadConfig: async (_names, refresh = []) => (refresh.length && refreshes.push([...refresh]), { sections: [], needsTunnelSetup: false }) },
      models: { list: async () => ({ models: [], error: 'Ollama is not running', speech: { dir: path.join(home, 'models'), models: [], error: null } }) },
      wireguard: () => ({ found: true, where: '/usr/bin/wg-quick' }),
      chooseBundleDir: async () => path.join(tempDir(), 'vps'),
      privileged: privilegedStep({ runtime: { secrets, config, paths }, platform: 'linux', env, isRoot: true, installRoot, windowsSetup: async () => {} }),
      auditLive: async () => ({ tunnelAddress: '10.0.0.2', publicAddress: null, interface: 'jett0', checks: [], passed: true }),
      onConfigChanged: () => {},
    });
    await generateDesktopKeys(secrets, { replace: false, presharedKey: false, howToReplace: '' });
    await s.vpsBundle();
    await s.vpsPeer(`jett tunnel peer --public-key ${VPS_KEY} --endpoint 203.0.113.7:51820`);
    expect((await s.view()).steps.find((st) => st.id === 'privileged')!.state).toBe('todo');
    const r = await s.privileged();
    expect(r.outcome).toBe('done');
    expect(r.view.steps.find((st) => st.id === 'privileged')).toMatchObject({ state: 'done', detail: expect.stringContaining('the installed tunnel matches the settings') });
    expect(fs.readFileSync(path.join(installRoot, wireguardConfigPath(config.load().tunnel.interface)), 'utf8')).toContain(`PublicKey = ${VPS_KEY}`);
    expect(refreshes).toEqual([['tunnelSetup']]);
    // The record holds a digest, never the key it was made from.
    expect(fs.readFileSync(path.join(home, 'tunnel-installed.json'), 'utf8')).not.toContain((await secrets.get('tunnel.privateKey'))!);
  });
});
