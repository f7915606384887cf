// The settings and status window (one at a time) and the hidden capture window, both served from jett://app, with
// the webPreferences DESIGN.md requires written out literally (electronegativity and the tests read them here) and
// every escape route closed.
import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from '../core/contracts/ipc.js';
import { createNavigationPolicy, createWebviewPolicy, createWindowOpenPolicy, type PolicyLog } from './security/web-policies.js';

export interface WindowDeps {
  preloadPath: string;
  /** Only in development: a packaged build has no way to open DevTools. */
  devTools: boolean;
  log: PolicyLog;
  /** Called with each new window, so the IPC wrapper trusts exactly our windows' webContents. */
  onCreated(window: BrowserWindow): void;
}

export function createSettingsWindow(deps: WindowDeps): BrowserWindow {
  const win = new BrowserWindow({
    width: 980,
    height: 720,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Jett',
    autoHideMenuBar: true,
    webPreferences: {
      // electronegativity review (PRELOAD_JS_CHECK): the preload is ours (preload/index.ts), runs sandboxed and
      // exposes one frozen task-level API through contextBridge, never ipcRenderer or a generic invoke.
      preload: deps.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: deps.devTools,
    },
  });
  const contents = win.webContents;
  const navigation = createNavigationPolicy(deps.log);
  // electronegativity review (LIMIT_NAVIGATION_JS_CHECK): both handlers deny every navigation and window.
  contents.on('will-navigate', navigation);
  contents.on('will-redirect', navigation);
  contents.on('will-attach-webview', createWebviewPolicy(deps.log));
  contents.setWindowOpenHandler(createWindowOpenPolicy(deps.log));
  win.once('ready-to-show', () => win.show());
  deps.onCreated(win);
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

export interface CaptureWindowDeps {
  /** The capture page's own preload (preload/capture.ts): it passes the MessagePort on, and exposes nothing. */
  preloadPath: string;
  log: PolicyLog;
}

/**
 * The hidden window whose page captures the microphone and plays replies (Chromium's audio stack, with its echo
 * canceller). Never shown; it keeps running in the background (no throttling of timers or audio), and may play
 * without a user gesture: nobody clicks in a hidden window.
 */
export function createCaptureWindow(deps: CaptureWindowDeps): BrowserWindow {
  const win = new BrowserWindow({
    show: false,
    width: 200,
    height: 100,
    title: 'Jett capture',
    skipTaskbar: true,
    webPreferences: {
      // electronegativity review (PRELOAD_JS_CHECK): the preload is ours (preload/capture.ts), runs sandboxed and
      // exposes nothing: it hands the page the one MessagePort main sends.
      preload: deps.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: false,
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  const contents = win.webContents;
  const navigation = createNavigationPolicy(deps.log);
  // electronegativity review (LIMIT_NAVIGATION_JS_CHECK): both handlers deny every navigation and window.
  contents.on('will-navigate', navigation);
  contents.on('will-redirect', navigation);
  contents.on('will-attach-webview', createWebviewPolicy(deps.log));
  contents.setWindowOpenHandler(createWindowOpenPolicy(deps.log));
  return win;
}
