// The Electron shell against the mocked electron module: one instance, one folder, the agent running, tray and
// hotkey wired, OS events passed on, and IPC answering our window only.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SafeStorageSecretStore } from '../../../main/app/secrets/safe-storage-store.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { startShell, type ShellApp } from '../../../main/app/shell.js';
import { ErrorEnvelopeSchema } from '../../../main/core/contracts/errors.js';
import { SettingsViewSchema, StatusViewSchema } from '../../../main/core/contracts/ipc.js';
import * as electron from '../../mocks/electron.js';
import { tempDir } from '../../helpers/tmp.js';
import { eventFrom, FakeAgent, snapshot } from './helpers.js';

const { app, ipcMain, globalShortcut, powerMonitor, Tray, BrowserWindow, Notification, MockWebContents, session } = electron;

// The mock implements what the shell uses of Electron's App, not all of its overloads.
const shellApp = electron.app as unknown as ShellApp;
const dirs = { preload: '/app/dist/preload/index.cjs', renderer: '/app/dist/renderer', icons: '/app/resources/tray' };

beforeEach(() => {
  // Each test starts the shell anew, from before `ready` (app.enableSandbox() is refused after it).
  app.isReady = false;
  app.singleInstance = true;
  app.paths.clear();
  app.removeAllListeners();
  ipcMain.handlers.clear();
  globalShortcut.handlers.clear();
  globalShortcut.heldElsewhere.clear();
  powerMonitor.removeAllListeners();
  Tray.instances.length = 0;
  BrowserWindow.instances.length = 0;
  Notification.shown.length = 0;
  electron.safeStorage.backend = 'gnome_libsecret';
});

describe('startShell', () => {
  it('puts Electron userData in JETT_HOME and starts the agent in-process', async () => {
    const home = tempDir();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: home }, attach: async () => null, dirs, platform: 'linux' });
    expect(app.paths.get('userData')).toBe(home);
    expect(shell!.agent.mode).toBe('in-process');
    expect((await shell!.agent.status()).agent.pid).toBe(process.pid);
    await shell!.stop();
  });

  it('quits when another instance holds the lock', async () => {
    app.singleInstance = false;
    expect(await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, dirs })).toBeNull();
    expect(app.quit).toHaveBeenCalled();
  });

  it('attaches to an agent that already runs instead of starting a second one', async () => {
    const agent = new FakeAgent();
    agent.current = snapshot({ tunnel: { state: 'up', handshakeAgeS: 14 } });
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    expect(shell!.agent).toBe(agent);
    const tray = Tray.instances.at(-1)!;
    expect(tray.tooltip).toContain('Tunnel up, handshake 14 s ago');
    expect((tray.image as { path: string }).path).toBe('/app/resources/tray/tunnel-up-idle.png');
    await shell!.stop();
    expect(agent.calls).toContain('close');
  });

  it('follows the agent: tray icon and a notification when the tunnel is lost, not on every poll', async () => {
    const agent = new FakeAgent();
    agent.current = snapshot({ tunnel: { state: 'up', handshakeAgeS: 3 } });
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    agent.current = snapshot({ tunnel: { state: 'lost', reason: 'the VPS stopped answering probes' }, voice: { state: 'listening' } });
    agent.bus.emit('tunnel.state', { from: 'up', to: 'lost', reason: 'probe timeout', at: new Date().toISOString() });
    await shell!.refresh();
    await shell!.refresh();
    const tray = Tray.instances.at(-1)!;
    expect((tray.image as { path: string }).path).toBe('/app/resources/tray/tunnel-down-listening.png');
    expect(Notification.shown.filter((n) => n.title === 'Jett: tunnel lost')).toHaveLength(1);
    await shell!.stop();
  });

  it('stops the agent before quitting, then quits', async () => {
    const agent = new FakeAgent();
    await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    app.quit.mockClear();
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(agent.calls).toContain('close');
    expect(Tray.instances.at(-1)!.destroyed).toBe(true);
    // The second before-quit (from that quit) goes through.
    prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });

  it('routes tray menu clicks: connect, copy the [Peer] block, open n8n while up, start at login', async () => {
    const home = tempDir();
    const agent = new FakeAgent();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: home, XDG_CONFIG_HOME: home }, attach: async () => agent, dirs, platform: 'linux' });
    const click = async (label: string) => {
      Tray.instances.at(-1)!.menu!.items.find((i) => i.label === label)!.click!();
      await new Promise((r) => setTimeout(r, 20));
    };
    await click('Connect tunnel');
    expect(agent.calls).toContain('tunnelUp');
    await click('Copy the VPS [Peer] block');
    expect(Notification.shown.at(-1)?.title).toBe('Jett: copy the [Peer] block failed');
    const win = shell!.openSettings() as unknown as InstanceType<typeof BrowserWindow>;
    await ipcMain.invoke('tunnel:generateKeys', eventFrom(win.webContents), { replace: false });
    await click('Copy the VPS [Peer] block');
    expect(electron.clipboard.text).toMatch(/^# Jett desktop\n\[Peer\]\nPublicKey = [A-Za-z0-9+/]{43}=\nAllowedIPs = 10\.0\.0\.1\/32\n$/);
    electron.shell.openExternal.mockClear();
    agent.current = snapshot({ tunnel: { state: 'up' } });
    await shell!.refresh();
    await click('Open n8n');
    expect(electron.shell.openExternal).toHaveBeenCalledWith('http://10.0.0.2:5678/');
    await click('Start at login');
    expect(Tray.instances.at(-1)!.menu!.items.find((i) => i.label === 'Start at login')?.checked).toBe(true);
    await shell!.stop();
  });

  it('shows the agent\'s notifications on the desktop, and the last turns\' latencies in the status', async () => {
    const agent = new FakeAgent();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    agent.bus.emit('notification', { title: 'Jett: message from n8n', body: 'The backup finished.' });
    expect(Notification.shown).toContainEqual({ title: 'Jett: message from n8n', body: 'The backup finished.' });
    const latencies = { speech_end_ms: -120, turn_end_ms: 0 as const, stt_final_ms: 80, llm_first_token_ms: 210, first_fragment_ms: 260, tts_first_audio_ms: 300, playback_start_ms: 310, speech_end_to_audio_ms: 430 };
    const turn = { id: 't1', at: '2026-11-27T10:00:00.000Z', source: 'microphone' as const, transcript: 'hi', reply: 'hello', fragments: 1, outcome: 'answered' as const, reason: null, engines: { stt: 'test', llm: 'test', tts: 'test' }, audio: null, latencies };
    for (let i = 0; i < 25; i++) agent.bus.emit('voice.turn', { ...turn, id: `t${i}` });
    const view = await shell!.refresh();
    expect(view.turns).toHaveLength(20);
    expect(view.turns.at(-1)).toEqual({ at: '2026-11-27T10:00:00.000Z', speechEndToAudioMs: 430 });
    await shell!.stop();
  });

  it('opens the settings window when a second instance starts', async () => {
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => new FakeAgent(), dirs, platform: 'linux' });
    app.emit('second-instance');
    expect(BrowserWindow.instances).toHaveLength(1);
    app.emit('second-instance');
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(BrowserWindow.instances[0]!.show).toHaveBeenCalled();
    await shell!.stop();
  });

  it('registers the hotkey, which toggles a voice turn through the agent', async () => {
    const agent = new FakeAgent();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    globalShortcut.press('Ctrl+Alt+J');
    await Promise.resolve();
    expect(agent.calls).toContain('voiceToggle');
    await shell!.stop();
    expect(globalShortcut.handlers.size).toBe(0);
  });

  it('reports a hotkey another program holds in the tray and to the window', async () => {
    globalShortcut.heldElsewhere.add('Ctrl+Alt+J');
    const agent = new FakeAgent();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    const labels = Tray.instances.at(-1)!.menu!.items.map((i) => i.label);
    expect(labels).toContain('Hotkey unavailable: Ctrl+Alt+J is held by another program; close it or choose another hotkey under Voice');
    const view = await shell!.refresh();
    expect(view.hotkey).toEqual({ accelerator: 'Ctrl+Alt+J', registered: false, error: expect.stringContaining('held by another program') });
    await shell!.stop();
  });

  it('passes suspend, resume and unlock to the agent', async () => {
    const agent = new FakeAgent();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    powerMonitor.emit('unlock-screen');
    expect(agent.systemEvents).toEqual(['suspend', 'resume', 'resume']);
    await shell!.stop();
    powerMonitor.emit('resume');
    expect(agent.systemEvents).toHaveLength(3);
  });

  it('answers the settings window it opened, and no other webContents', async () => {
    const agent = new FakeAgent();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'linux' });
    const win = shell!.openSettings() as unknown as InstanceType<typeof BrowserWindow>;
    expect(win.loadedURL).toBe('jett://app/index.html');
    const ok = (await ipcMain.invoke('settings:get', eventFrom(win.webContents))) as { ok: boolean; value: unknown };
    expect(ok.ok).toBe(true);
    // Attached to a `jett agent`: the window edits the store that agent reads.
    expect(SettingsViewSchema.parse(ok.value).secretStore.kind).toBe('file');
    const foreign = (await ipcMain.invoke('settings:get', eventFrom(new MockWebContents()))) as { ok: boolean; error: unknown };
    expect(foreign.ok).toBe(false);
    expect(ErrorEnvelopeSchema.parse(foreign.error).message).toBe('settings:get: refused: the message did not come from a Jett window');
    // Status pushes reach the window, checked against the contract.
    agent.current = snapshot({ tunnel: { state: 'up', handshakeAgeS: 5 } });
    await shell!.refresh();
    const pushed = win.webContents.sent.filter((m) => m.channel === 'status:changed').at(-1)!;
    expect(StatusViewSchema.parse(pushed.payload).snapshot.tunnel.state).toBe('up');
    // A closed window's id is trusted no more.
    win.close();
    const closed = (await ipcMain.invoke('settings:get', eventFrom(win.webContents))) as { ok: boolean };
    expect(closed.ok).toBe(false);
    await shell!.stop();
  });

  it('denies permissions for the whole session and guards every webContents ever created', async () => {
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => new FakeAgent(), dirs, platform: 'linux' });
    const granted: boolean[] = [];
    session.defaultSession.permissionRequestHandler!(null, 'media', (g) => granted.push(g), {});
    expect(granted).toEqual([false]);
    expect(session.defaultSession.permissionCheckHandler!(null, 'clipboard-read', 'jett://app', {})).toBe(false);
    const contents = new MockWebContents();
    app.emit('web-contents-created', {}, contents);
    let prevented = 0;
    contents.emit('will-navigate', { preventDefault: () => prevented++ }, 'https://evil.example/');
    contents.emit('will-redirect', { preventDefault: () => prevented++ }, 'https://evil.example/');
    contents.emit('will-attach-webview', { preventDefault: () => prevented++ });
    expect(prevented).toBe(3);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    await shell!.stop();
  });

  it('runs its own agent on the one store jett agent uses, and says so', async () => {
    // No D-Bus session in this env: no keyring answers, so both runners share the 0600 file.
    const home = tempDir();
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: home }, attach: async () => null, dirs, platform: 'linux' });
    const win = shell!.openSettings() as unknown as InstanceType<typeof BrowserWindow>;
    const reply = (await ipcMain.invoke('settings:get', eventFrom(win.webContents))) as { value: unknown };
    const store = SettingsViewSchema.parse(reply.value).secretStore;
    expect(store.kind).toBe('file');
    expect(store.location).toBe(path.join(home, 'secrets.json'));
    expect(store.note).toContain('share a file only you can read');
    await shell!.stop();
  });

  it('moves the old safeStorage secrets into the one store at start, then removes the old file', async () => {
    const home = tempDir();
    const safeFile = path.join(home, 'secrets.safe.json');
    await new SafeStorageSecretStore(safeFile, electron.safeStorage, 'linux').set('postgres.password', 'from-the-tray');
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: home }, attach: async () => null, dirs, platform: 'linux' });
    // What `jett` reads from the same JETT_HOME: the value the tray had.
    expect(await new FileSecretStore(path.join(home, 'secrets.json')).get('postgres.password')).toBe('from-the-tray');
    expect(fs.existsSync(safeFile)).toBe(false);
    await shell!.stop();
  });

  it('notifies, keeps the old file and keeps running, when Linux offers only the basic_text backend to read it', async () => {
    const home = tempDir();
    const safeFile = path.join(home, 'secrets.safe.json');
    await new SafeStorageSecretStore(safeFile, electron.safeStorage, 'linux').set('postgres.password', 'from-the-tray');
    electron.safeStorage.backend = 'basic_text';
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: home }, attach: async () => null, dirs, platform: 'linux' });
    expect(Notification.shown.find((n) => n.title === 'Jett cannot move its old secrets')?.body).toMatch(/keyring/);
    expect(fs.existsSync(safeFile)).toBe(true);
    expect(shell!.agent.mode).toBe('in-process');
    await shell!.stop();
  });

  it('on Windows names itself with the installer\'s AppUserModelID before ready, so toasts show and are Jett\'s', async () => {
    const appId = (parseYaml(fs.readFileSync(path.join(process.cwd(), 'electron-builder.yml'), 'utf8')) as { appId: string }).appId;
    let readyAtCall: boolean | null = null;
    app.setAppUserModelId.mockClear();
    app.setAppUserModelId.mockImplementation(() => void (readyAtCall = app.isReady));
    const shell = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => new FakeAgent(), dirs, platform: 'win32' });
    expect(app.setAppUserModelId.mock.calls).toEqual([[appId]]);
    expect(readyAtCall).toBe(false);
    await shell!.stop();
  });

  it('leaves the AppUserModelID alone on Linux, which takes the app\'s identity from its .desktop file', async () => {
    app.setAppUserModelId.mockClear();
    const linux = await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => new FakeAgent(), dirs, platform: 'linux' });
    expect(app.setAppUserModelId).not.toHaveBeenCalled();
    await linux!.stop();
  });

  it('on Windows a quit request from npm start runs the teardown: the agent is stopped, then the app quits', async () => {
    const agent = new FakeAgent();
    const quitSource = new EventEmitter();
    await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => agent, dirs, platform: 'win32', quitSource });
    app.quit.mockClear();
    app.quit.mockImplementationOnce(() => void app.emit('before-quit', { preventDefault: () => {} }));
    quitSource.emit('message', 'jett:quit');
    await vi.waitFor(() => expect(agent.calls).toContain('close'));
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(2));
  });
});
