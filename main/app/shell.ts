// The Electron shell, composed in one place from its pieces (shell/*): one instance, userData in JETT_HOME, the
// window's protocol and policies, the agent (in-process, or attached through the control endpoint), tray, hotkey,
// OS events, IPC.
import { clipboard, globalShortcut, ipcMain, shell as electronShell, type App, type BrowserWindow } from 'electron';
import type { StatusView } from '../core/contracts/ipc.js';
import { openRuntime, type Runtime } from '../core/runtime.js';
import type { KeyringCall } from '../core/secrets/keyring-call.js';
import { utilityKeyringCall } from './secrets/keyring-utility.js';
import type { AgentHandle } from './agent-handle.js';
import { CaptureHost } from './capture/host.js';
import { MicTestService } from './capture/mic-test.js';
import { appAudioRoute } from './capture/route.js';
import { Hotkey } from './hotkey.js';
import { forkKeyHookUtility } from './keyhook/key-hook-utility.js';
import { VoiceKeys } from './keyhook/voice-keys.js';
import { createHandlers } from './ipc/handlers.js';
import { registerIpcHandlers } from './ipc/register.js';
import { createLoginItem } from './login-item.js';
import { catalogueModels, modelService } from './models.js';
import { createOpenExternal } from './security/open-external.js';
import { attachThroughControlEndpoint, connectAgent, secretStoreNote } from './shell/agent-connect.js';
import { guardNewSessions, identifyApp, secureAfterReady, secureBeforeReady, shellDirs, type ShellDirs } from './shell/electron-setup.js';
import { followAgent } from './shell/follow-agent.js';
import { notify, reporter } from './shell/notify.js';
import { stopBeforeQuit } from './shell/quit.js';
import { quitOnRequest, type QuitSource } from './shell/quit-requests.js';
import { SettingsSlot } from './shell/settings-slot.js';
import { StatusPresenter } from './shell/status-presenter.js';
import { trayActions } from './shell/tray-actions.js';
import { appSetupService } from './setup/compose.js';
import { tunnelSetup } from './tunnel-setup.js';
import { appUninstall } from './uninstall.js';
import { readConfFile } from './tunnel-settings.js';
import type { TrayAction } from './tray/model.js';
import { TrayView } from './tray/tray.js';
import { createCaptureWindow } from './window.js';

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
  | 'setAppUserModelId'
>;

export interface ShellDeps {
  app: ShellApp;
  env?: NodeJS.ProcessEnv;
  /** Finds an agent that already runs; default: the control endpoint in JETT_HOME. */
  attach?: (runtime: Runtime) => Promise<AgentHandle | null>;
  /** Where the built preload, renderer and tray icons are; default: beside the app. */
  dirs?: ShellDirs;
  platform?: NodeJS.Platform;
  /** Where quit requests come from on Windows (signals, `npm start`'s IPC message); default: process. */
  quitSource?: QuitSource;
  /** How the secret store reaches the keyring; default: an Electron utility process. */
  keyringCall?: KeyringCall;
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

/** Returns null when another instance already runs (this one quits; the running one opens its window). */
export async function startShell(deps: ShellDeps): Promise<Shell | null> {
  const { app } = deps;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  const env = deps.env ?? process.env;
  const platform = deps.platform ?? process.platform;
  secureBeforeReady(app, platform);
  identifyApp(app, platform);
  const keyringCall = deps.keyringCall ?? utilityKeyringCall();
  const base = openRuntime({ env, platform, keyringCall });
  const log = base.logger.child({ component: 'shell' });
  // The hidden capture window is made on first use; the permission handlers grant its page alone the microphone.
  // Known only after ready (the preload's folder) and once the tray exists (the presenter).
  const late: { preload?: string; showMicrophone?: (open: boolean) => void } = {};
  const capture = new CaptureHost({ createWindow: () => createCaptureWindow({ preloadPath: late.preload ?? '', log }), log, onMicrophone: (open) => late.showMicrophone?.(open) });
  guardNewSessions(app, log, capture.isCapture);
  // One folder for everything: Electron's own data goes beside the core's config, database and logs.
  app.setPath('userData', base.paths.home);
  await app.whenReady();
  const dirs = deps.dirs ?? shellDirs(app);
  secureAfterReady(app, dirs.renderer, log, capture.isCapture);
  late.preload = dirs.capturePreload;

  // The app's own agent hears and speaks through the capture page (voice.capture "app", the default on every OS).
  const audio = late.preload ? appAudioRoute(capture, platform) : undefined;
  const { agent, runtime } = await connectAgent({ base, env, platform, attach: deps.attach ?? attachThroughControlEndpoint, log, notify, ...(audio ? { audio } : {}) });
  log.info('shell started', { agent: agent.mode, home: runtime.paths.home });
  const report = reporter(log);

  const trusted = new Set<number>();
  // The microphone screen's test runs on the same capture page, and only while the window is open.
  const microphone = new MicTestService({
    page: late.preload ? capture : null,
    config: () => runtime.config.load(),
    agent,
    loadVad: async () => (await import('../core/voice/vad.js')).SileroVad.load(),
    sendLevel: (level) => settings.send('voice:micLevel', level),
    platform,
  });
  const settings = new SettingsSlot({ preloadPath: dirs.preload, devTools: !app.isPackaged, log, trusted, onClosed: () => void microphone.stop() });
  const hotkey = new Hotkey(globalShortcut, () => void agent.voiceToggle().catch(report('voice turn')));
  let hookChanged = () => {};
  // pushToTalk: the key hook in a utility process (press starts a turn, release ends it); the toggle where it cannot run.
  const voiceKeys = new VoiceKeys({ hotkey, fork: forkKeyHookUtility, hold: (down) => void agent.voiceHold(down).catch(report('voice turn')), changed: () => hookChanged(), env, platform });
  const bindVoiceKeys = () => voiceKeys.bind(runtime.config.load().voice.hotkey, runtime.config.load().voice.activation);
  bindVoiceKeys();
  const loginItem = createLoginItem(app, { platform, env });
  const presenter = await StatusPresenter.open({ agent, hotkey: voiceKeys, loginItem, notify, send: (channel, payload) => settings.send(channel, payload) });
  const refresh = () => presenter.refresh();
  late.showMicrophone = (open) => presenter.setMicrophone(open);
  hookChanged = () => void refresh().catch(report('status refresh'));

  const openLink = createOpenExternal({
    // electronegativity review (OPEN_EXTERNAL_JS_CHECK): the only openExternal call; createOpenExternal builds
    // the URL from config (the VPS tunnel address and a fixed port) and refuses while the tunnel is down.
    open: (url) => electronShell.openExternal(url),
    tunnel: async () => ({ peerAddress: runtime.config.load().tunnel.peerAddress, up: ['up', 'degraded'].includes((await agent.status()).tunnel.state) }),
  });

  const models = modelService(
    () => runtime.config.load().ollama.host,
    () => catalogueModels(runtime.config.load().models.dir || runtime.paths.models, env.HF_ENDPOINT),
  );
  const setupTunnel = tunnelSetup({ runtime, env, platform, program: process.execPath, programArgs: app.isPackaged ? [] : [app.getAppPath()] });
  const onConfigChanged = (config: ReturnType<typeof runtime.config.load>) => {
    voiceKeys.bind(config.voice.hotkey, config.voice.activation);
    void refresh().catch(report('status refresh'));
  };
  const setup = appSetupService({
    runtime,
    env,
    platform,
    agent,
    models,
    windowsSetup: setupTunnel,
    chooseBundleDir: () => settings.chooseBundleDir(),
    onConfigChanged,
    onView: (v) => presenter.setSetup(v),
  });
  const handlers = createHandlers({
    config: runtime.config,
    secrets: runtime.secrets,
    secretStoreNote: secretStoreNote(runtime.secrets),
    agent,
    statusView: refresh,
    onConfigChanged,
    chooseConfFile: () => settings.chooseConfFile(),
    readConfFile: async (file) => readConfFile(file),
    writeClipboard: (text) => clipboard.writeText(text),
    openLink,
    models,
    sendModelProgress: (p) => settings.send('models:progress', p),
    setupTunnel,
    setup,
    microphone,
    uninstall: appUninstall({ runtime, agent, loginItem, env, platform, program: process.execPath, programArgs: app.isPackaged ? [] : [app.getAppPath()], keyringCall }),
  });
  const unregisterIpc = registerIpcHandlers(ipcMain, trusted, handlers, log);

  const openSettings = () => settings.open();
  const runTrayAction = trayActions({
    app,
    agent,
    refresh,
    redrawTray: () => presenter.redrawTray(),
    openSettings,
    copyPeerBlock: () => handlers['tunnel:copyPeerBlock'](undefined),
    openLink,
    loginItem,
    notify,
    report,
  });
  const tray = new TrayView(dirs.icons, (action) => void runTrayAction(action), presenter.trayModel());
  presenter.attachTray(tray);
  // The tray's "Setup: N of 10 done" from the start; afterwards each checklist the window asks for updates it.
  void setup.view().catch(report('setup checklist'));

  // Settings changed from the CLI or an edit of config.json: the hotkey follows, and an ignored edit is shown.
  const unwatchSettings = [
    agent.on('config.changed', ({ sections }) => {
      if (sections.includes('voice')) bindVoiceKeys();
      void refresh().catch(report('status refresh'));
    }),
    agent.on('config.invalid', (e) => notify('Jett ignored an edit of config.json', `${e.message}. ${e.fix}`)),
  ];
  const unfollow = followAgent({ agent, presenter, notify, onRefreshFailed: report('status refresh'), pollMs: runtime.config.load().tunnel.pollSeconds * 1000 });
  app.on('second-instance', () => void openSettings());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => {});
  const stop = stopBeforeQuit(app, log, async () => {
    unfollow();
    setup.close();
    for (const u of unwatchSettings) u();
    unregisterIpc();
    voiceKeys.release();
    tray.destroy();
    await agent.close();
    capture.close();
  });
  quitOnRequest(app, platform, deps.quitSource);

  return { runtime, agent, trusted, openSettings, refresh, runTrayAction, stop };
}
