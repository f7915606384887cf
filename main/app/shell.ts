// The Electron shell's start-up and wiring: one instance, userData in JETT_HOME, the window's protocol and
// policies, the agent (in-process, or attached through the control endpoint), tray, hotkey, OS events, IPC.
import path from 'node:path';
import {
  BrowserWindow,
  Menu,
  Notification,
  clipboard,
  dialog,
  globalShortcut,
  ipcMain,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell as electronShell,
  type App,
} from 'electron';
import { Agent } from '../core/agent.js';
import { APP_SCHEME, EVENT_CHANNELS, type EventChannel, type StatusView } from '../core/contracts/ipc.js';
import type { StatusSnapshot } from '../core/contracts/status.js';
import { ControlClient } from '../core/control/client.js';
import { formatError } from '../core/errors.js';
import { openRuntime, type Runtime } from '../core/runtime.js';
import { attachedHandle, inProcessHandle, type AgentHandle } from './agent-handle.js';
import { Hotkey } from './hotkey.js';
import { createHandlers } from './ipc/handlers.js';
import { registerIpcHandlers } from './ipc/register.js';
import { catalogueModels, modelService } from './models.js';
import { createLoginItem } from './login-item.js';
import { HealthNotifier } from './notifications.js';
import { SafeStorageSecretStore } from './secrets/safe-storage-store.js';
import { createOpenExternal } from './security/open-external.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './security/protocol.js';
import { applicationMenuTemplate } from './security/app-menu.js';
import { applySessionPolicies } from './security/session-policies.js';
import { guardWebContents } from './security/web-policies.js';
import { watchSystemEvents } from './system-events.js';
import { readConfFile } from './tunnel-settings.js';
import { trayModel, type TrayAction } from './tray/model.js';
import { TrayView } from './tray/tray.js';
import { createSettingsWindow } from './window.js';

export type ShellApp = Pick<
  App,
  | 'requestSingleInstanceLock'
  | 'enableSandbox'
  | 'setPath'
  | 'whenReady'
  | 'quit'
  | 'on'
  | 'getAppPath'
  | 'isPackaged'
  | 'getLoginItemSettings'
  | 'setLoginItemSettings'
>;

export interface ShellDeps {
  app: ShellApp;
  env?: NodeJS.ProcessEnv;
  /** Finds an agent that already runs; default: the control endpoint in JETT_HOME. */
  attach?: (runtime: Runtime) => Promise<AgentHandle | null>;
  /** Where the built preload, renderer and tray icons are; default: beside the app. */
  dirs?: { preload: string; renderer: string; icons: string };
  platform?: NodeJS.Platform;
}

export interface Shell {
  runtime: Runtime;
  agent: AgentHandle;
  /** The webContents ids the IPC wrapper trusts (our windows). */
  trusted: ReadonlySet<number>;
  openSettings(): BrowserWindow;
  /** Reads the agent's status and updates tray, window and notifications. */
  refresh(): Promise<StatusView>;
  runTrayAction(action: TrayAction): Promise<void>;
  stop(): Promise<void>;
}

const MAX_TURNS = 20;

async function attachThroughControlEndpoint(runtime: Runtime): Promise<AgentHandle | null> {
  const client = await ControlClient.connectToAgent(runtime.paths);
  return client ? attachedHandle(client) : null;
}

function secretStoreNote(mode: AgentHandle['mode'], home: string): string {
  const file = path.join(home, 'secrets.json');
  return mode === 'in-process'
    ? `This app keeps secrets encrypted by the operating system (safeStorage). The headless agent (jett agent) cannot read them: it reads ${file} only (jett secret set NAME).`
    : `An agent started by \`jett agent\` is running, so this window edits its store: ${file} (mode 0600). Secrets set while the tray app ran its own agent stay in the OS-encrypted store.`;
}

/** Returns null when another instance already runs (this one quits; the running one opens its window). */
export async function startShell(deps: ShellDeps): Promise<Shell | null> {
  const { app } = deps;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // Before `ready`: every renderer sandboxed, whatever a webPreferences says; the window's scheme standard and
  // secure, to get an origin of its own; no default menu, whose View menu opens DevTools (Ctrl+Shift+I).
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);
  const platform = deps.platform ?? process.platform;
  const menu = applicationMenuTemplate(platform);
  Menu.setApplicationMenu(menu ? Menu.buildFromTemplate(menu) : null);
  const base = openRuntime({ env: deps.env ?? process.env });
  const log = base.logger.child({ component: 'shell' });
  // Every session gets the policies as it is created, before any page or dictionary download can use it.
  app.on('session-created', (created) => applySessionPolicies(created, log));
  // One folder for everything: Electron's own data goes beside the core's config, database and logs.
  app.setPath('userData', base.paths.home);
  await app.whenReady();

  const appRoot = app.getAppPath();
  const resources = app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(appRoot, 'resources');
  const dirs = deps.dirs ?? {
    preload: path.join(appRoot, 'dist', 'preload', 'index.cjs'),
    renderer: path.join(appRoot, 'dist', 'renderer'),
    icons: path.join(resources, 'tray'),
  };

  const notify = (title: string, body: string) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  };
  // The default session again (applying twice is harmless): 'session-created' may have fired for it before we
  // listened. Then the same policies as the window's on every webContents that will ever exist.
  applySessionPolicies(session.defaultSession, log);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(dirs.renderer));
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));

  // The window edits the secrets of the agent that runs: an attached `jett agent` reads the 0600 file, an agent
  // in this process reads the store encrypted by the OS (safeStorage).
  const attached = await (deps.attach ?? attachThroughControlEndpoint)(base);
  let agent: AgentHandle;
  let runtime: Runtime = base;
  if (attached) {
    agent = attached;
  } else {
    const secrets = new SafeStorageSecretStore(path.join(base.paths.home, 'secrets.safe.json'), safeStorage, platform, (v) => base.redactor.addSecret(v));
    try {
      await secrets.ensureUsable();
    } catch (err) {
      log.warn('secret store unavailable', { error: formatError(err) });
      notify('Jett cannot store secrets', formatError(err));
    }
    runtime = { ...base, secrets };
    const inProcess = new Agent({ runtime, config: runtime.config.load(), env: deps.env ?? process.env, kind: 'tray' });
    await inProcess.start();
    agent = inProcessHandle(inProcess);
  }
  log.info('shell started', { agent: agent.mode, home: runtime.paths.home });

  const trusted = new Set<number>();
  let window: BrowserWindow | null = null;
  const turns: StatusView['turns'] = [];
  const notifier = new HealthNotifier();
  const report = (what: string) => (err: unknown) => {
    log.warn(`${what} failed`, { error: formatError(err) });
    notify(`Jett: ${what} failed`, formatError(err));
  };

  const hotkey = new Hotkey(globalShortcut, () => void agent.voiceToggle().catch(report('voice turn')));
  hotkey.bind(runtime.config.load().voice.hotkey);

  let lastStatus: StatusSnapshot = await agent.status();
  const view = (): StatusView => ({ snapshot: lastStatus, hotkey: hotkey.view, turns: [...turns] });
  const loginItem = createLoginItem(app, { platform, env: deps.env ?? process.env });
  const model = () => trayModel({ status: lastStatus, hotkey: hotkey.view, openAtLogin: loginItem.get() });

  const openExternal = createOpenExternal({
    // electronegativity review (OPEN_EXTERNAL_JS_CHECK): the only openExternal call; createOpenExternal builds
    // the URL from config (the VPS tunnel address and a fixed port) and refuses while the tunnel is down.
    open: (url) => electronShell.openExternal(url),
    tunnel: async () => ({ peerAddress: runtime.config.load().tunnel.peerAddress, up: ['up', 'degraded'].includes((await agent.status()).tunnel.state) }),
  });

  const openSettings = (): BrowserWindow => {
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return window;
    }
    const created = createSettingsWindow({ preloadPath: dirs.preload, devTools: !app.isPackaged, log, onCreated: (w) => trusted.add(w.webContents.id) });
    const id = created.webContents.id;
    created.on('closed', () => {
      trusted.delete(id);
      if (window === created) window = null;
    });
    window = created;
    return created;
  };

  // Pushed events pass their contract too, so nothing the contract does not name reaches the window.
  const send = (channel: EventChannel, payload: unknown) => {
    const checked = EVENT_CHANNELS[channel].safeParse(payload);
    if (!checked.success) return void log.error('event breaks the IPC contract', { channel });
    if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(channel, checked.data);
  };

  let tray: TrayView | null = null;
  const refresh = async (): Promise<StatusView> => {
    lastStatus = await agent.status();
    for (const n of notifier.next(lastStatus)) notify(n.title, n.body);
    tray?.apply(model());
    const v = view();
    send('status:changed', v);
    return v;
  };

  const handlers = createHandlers({
    config: runtime.config,
    secrets: runtime.secrets,
    secretStoreNote: secretStoreNote(agent.mode, runtime.paths.home),
    agent,
    statusView: refresh,
    onConfigChanged: (config) => {
      if (config.voice.hotkey !== hotkey.view.accelerator || !hotkey.view.registered) hotkey.bind(config.voice.hotkey);
      void refresh().catch(report('status refresh'));
    },
    chooseConfFile: async () => {
      const options = { title: 'Import a WireGuard config', properties: ['openFile' as const], filters: [{ name: 'WireGuard config', extensions: ['conf'] }] };
      const res = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return res.canceled || res.filePaths.length === 0 ? null : res.filePaths[0]!;
    },
    readConfFile: async (file) => readConfFile(file),
    writeClipboard: (text) => clipboard.writeText(text),
    openLink: openExternal,
    models: modelService(
      () => runtime.config.load().ollama.host,
      () => catalogueModels(runtime.config.load().models.dir || runtime.paths.models, (deps.env ?? process.env).HF_ENDPOINT),
    ),
    sendModelProgress: (p) => send('models:progress', p),
  });
  const unregisterIpc = registerIpcHandlers(ipcMain, trusted, handlers, log);

  const runTrayAction = async (action: TrayAction): Promise<void> => {
    switch (action) {
      case 'connect':
        return agent.tunnelUp().then(() => void refresh(), report('connect'));
      case 'disconnect':
        return agent.tunnelDown().then(() => void refresh(), report('disconnect'));
      case 'voice-toggle':
        return agent.voiceToggle().catch(report('voice turn'));
      case 'open-settings':
        openSettings();
        return;
      case 'copy-peer-block':
        return handlers['tunnel:copyPeerBlock'](undefined).then(
          (r) => notify('Jett: [Peer] block copied', r.presharedKeyIncluded ? 'It includes the preshared key: paste it only into the VPS wg0.conf.' : 'Paste it into the VPS wg0.conf.'),
          report('copy the [Peer] block'),
        );
      case 'open-n8n':
      case 'open-portainer': {
        const r = await openExternal(action === 'open-n8n' ? 'n8n' : 'portainer');
        if (!r.opened) notify('Jett', r.reason ?? 'cannot open it');
        return;
      }
      case 'toggle-login':
        loginItem.set(!loginItem.get());
        tray?.apply(model());
        return;
      case 'quit':
        app.quit();
        return;
    }
  };

  tray = new TrayView(dirs.icons, (action) => void runTrayAction(action), model());
  for (const n of notifier.next(lastStatus)) notify(n.title, n.body);

  const unsubscribe = [
    // What the agent asks to tell the user (an n8n message from the inbox, voice that cannot start).
    agent.on('notification', (n) => notify(n.title, n.body)),
    agent.on('voice.turn', (turn) => {
      turns.push({ at: turn.at, speechEndToAudioMs: turn.latencies.speech_end_to_audio_ms });
      if (turns.length > MAX_TURNS) turns.splice(0, turns.length - MAX_TURNS);
    }),
    ...(['tunnel.state', 'outbox.counts', 'inbox.counts', 'voice.state', 'heartbeat.result', 'voice.turn'] as const).map((name) =>
      agent.on(name, () => void refresh().catch(report('status refresh'))),
    ),
  ];
  const stopWatching = watchSystemEvents({ powerMonitor, isOnline: () => net.isOnline(), onEvent: (kind) => agent.systemEvent(kind) });
  const poll = setInterval(() => void refresh().catch(report('status refresh')), runtime.config.load().tunnel.pollSeconds * 1000);
  poll.unref();

  app.on('second-instance', () => void openSettings());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => {});
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(poll);
    stopWatching();
    unsubscribe.forEach((u) => u());
    unregisterIpc();
    hotkey.release();
    tray?.destroy();
    await agent.close();
  };
  // Quitting waits for the agent to stop (the database closed, the lock released), then quits for real.
  app.on('before-quit', (event: { preventDefault(): void }) => {
    if (stopped) return;
    event.preventDefault();
    void stop()
      .catch((err: unknown) => log.warn('stopping failed', { error: formatError(err) }))
      .finally(() => app.quit());
  });

  return { runtime, agent, trusted, openSettings, refresh, runTrayAction, stop };
}
