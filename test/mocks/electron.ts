// A stand-in for the 'electron' module (its binary cannot run here): records what the shell asks of it, and lets
// tests play the parts Electron plays (a renderer invoking a channel, the OS resuming, a shortcut held elsewhere).
import { fork, type Serializable } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

class MockApp extends EventEmitter {
  paths = new Map<string, string>();
  singleInstance = true;
  isReady = false;
  loginItem = { openAtLogin: false };
  setPath = vi.fn((name: string, value: string) => void this.paths.set(name, value));
  getPath = vi.fn((name: string) => this.paths.get(name) ?? `/mock/${name}`);
  requestSingleInstanceLock = vi.fn(() => this.singleInstance);
  /** Throws after ready, as Electron does: the sandbox must be on before the first renderer starts. */
  enableSandbox = vi.fn(() => {
    if (this.isReady) throw new Error('app.enableSandbox() can only be called before app is ready');
  });
  quit = vi.fn();
  exit = vi.fn();
  getVersion = vi.fn(() => '0.0.0-mock');
  isPackaged = false;
  getAppPath = vi.fn(() => process.cwd());
  setAppUserModelId = vi.fn();
  getLoginItemSettings = vi.fn(() => ({ ...this.loginItem }));
  setLoginItemSettings = vi.fn((s: { openAtLogin: boolean }) => void (this.loginItem = { openAtLogin: s.openAtLogin }));
  whenReady = vi.fn(async () => {
    this.isReady = true;
  });
}

export const app = new MockApp();

export class MockSession extends EventEmitter {
  permissionRequestHandler: ((wc: { id: number } | null, permission: string, callback: (granted: boolean) => void, details?: object) => void) | null = null;
  permissionCheckHandler: ((wc: { id: number } | null, permission: string, origin?: string, details?: object) => boolean) | null = null;
  setPermissionRequestHandler = vi.fn((h: MockSession['permissionRequestHandler']) => void (this.permissionRequestHandler = h));
  setPermissionCheckHandler = vi.fn((h: MockSession['permissionCheckHandler']) => void (this.permissionCheckHandler = h));
  devicePermissionHandler: ((details: { deviceType: string; origin: string }) => boolean) | null = null;
  setDevicePermissionHandler = vi.fn((h: MockSession['devicePermissionHandler']) => void (this.devicePermissionHandler = h));
  /** Electron's defaults: the checker on, dictionaries from the Chromium CDN. */
  spellCheckerEnabled = true;
  spellCheckerDictionaryDownloadURL = 'https://redirector.gvt1.com/edgedl/chrome/dict/';
  setSpellCheckerEnabled = vi.fn((on: boolean) => void (this.spellCheckerEnabled = on));
  setSpellCheckerDictionaryDownloadURL = vi.fn((url: string) => void (this.spellCheckerDictionaryDownloadURL = url));
  protocol = { handle: vi.fn(), isProtocolHandled: vi.fn(() => false) };
}

export const session = { defaultSession: new MockSession() };

let nextWebContentsId = 1;

export class MockWebFrame {
  constructor(
    public url: string,
    public parent: MockWebFrame | null = null,
  ) {}
}

export class MockWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new MockWebFrame('jett://app/index.html');
  readonly session = session.defaultSession;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  sent: Array<{ channel: string; payload: unknown }> = [];
  destroyed = false;
  setWindowOpenHandler = vi.fn((h: MockWebContents['windowOpenHandler']) => void (this.windowOpenHandler = h));
  send = vi.fn((channel: string, payload: unknown) => void this.sent.push({ channel, payload }));
  isDestroyed = vi.fn(() => this.destroyed);
  getURL = vi.fn(() => this.mainFrame.url);
  openDevTools = vi.fn();
  /** Messages with transferred ports (the capture window's MessagePort). */
  posted: Array<{ channel: string; message: unknown; ports: MessagePortMain[] }> = [];
  postMessage = vi.fn((channel: string, message: unknown, ports: MessagePortMain[] = []) => void this.posted.push({ channel, message, ports }));
}

/** One end of a MessageChannelMain: what one end posts, the other end's 'message' listeners get (once started). */
export class MessagePortMain extends EventEmitter {
  other: MessagePortMain | null = null;
  started = false;
  postMessage = vi.fn((data: unknown, ports: MessagePortMain[] = []) => void this.other?.emit('message', { data, ports }));
  start = vi.fn(() => void (this.started = true));
  close = vi.fn();
}

export class MessageChannelMain {
  readonly port1 = new MessagePortMain();
  readonly port2 = new MessagePortMain();
  constructor() {
    this.port1.other = this.port2;
    this.port2.other = this.port1;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new MockWebContents();
  loadedURL: string | null = null;
  visible = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }
  loadURL = vi.fn(async (url: string) => {
    this.loadedURL = url;
    this.webContents.mainFrame.url = url;
  });
  show = vi.fn(() => void (this.visible = true));
  hide = vi.fn(() => void (this.visible = false));
  focus = vi.fn();
  restore = vi.fn();
  isMinimized = vi.fn(() => false);
  isDestroyed = vi.fn(() => this.destroyed);
  close = vi.fn(() => {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  });
  setMenu = vi.fn();
}

export const nativeImage = {
  createFromPath: vi.fn((p: string) => ({ path: p, isEmpty: () => false, setTemplateImage: vi.fn() })),
};

export interface MockMenuItem {
  label?: string;
  role?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  accelerator?: string;
  click?: () => void;
}

export const Menu = {
  /** What the app set, and how many windows existed then (Electron builds its default menu when nothing was set). */
  application: { set: false, menu: null as { items: MockMenuItem[] } | null, windowsAtSet: 0 },
  buildFromTemplate: vi.fn((template: MockMenuItem[]) => ({ items: template })),
  setApplicationMenu: vi.fn((menu: { items: MockMenuItem[] } | null) => void (Menu.application = { set: true, menu, windowsAtSet: BrowserWindow.instances.length })),
};

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: unknown;
  tooltip = '';
  menu: { items: MockMenuItem[] } | null = null;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  setImage = vi.fn((image: unknown) => void (this.image = image));
  setToolTip = vi.fn((t: string) => void (this.tooltip = t));
  setContextMenu = vi.fn((m: { items: MockMenuItem[] }) => void (this.menu = m));
  destroy = vi.fn(() => void (this.destroyed = true));
}

class MockGlobalShortcut {
  /** Accelerators another program holds: register() returns false for them, as Electron does. */
  heldElsewhere = new Set<string>();
  handlers = new Map<string, () => void>();
  register = vi.fn((accelerator: string, cb: () => void) => {
    if (this.heldElsewhere.has(accelerator)) return false;
    this.handlers.set(accelerator, cb);
    return true;
  });
  unregister = vi.fn((accelerator: string) => void this.handlers.delete(accelerator));
  unregisterAll = vi.fn(() => this.handlers.clear());
  isRegistered = vi.fn((accelerator: string) => this.handlers.has(accelerator));
  press(accelerator: string): void {
    this.handlers.get(accelerator)?.();
  }
}
export const globalShortcut = new MockGlobalShortcut();

export interface MockIpcEvent {
  sender: MockWebContents;
  senderFrame: MockWebFrame | null;
}

class MockIpcMain extends EventEmitter {
  handlers = new Map<string, (event: MockIpcEvent, ...args: unknown[]) => unknown>();
  handle = vi.fn((channel: string, fn: (event: MockIpcEvent, ...args: unknown[]) => unknown) => {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, fn);
  });
  removeHandler = vi.fn((channel: string) => void this.handlers.delete(channel));
  /** Plays a renderer calling ipcRenderer.invoke(channel, ...args) from `frame` of `sender`. */
  async invoke(channel: string, event: MockIpcEvent, ...args: unknown[]): Promise<unknown> {
    const fn = this.handlers.get(channel);
    if (!fn) throw new Error(`No handler registered for '${channel}'`);
    return fn(event, ...args);
  }
}
export const ipcMain = new MockIpcMain();

/** Linux's backend by default; tests switch it to 'basic_text' to see the store refuse. */
class MockSafeStorage {
  backend: string = 'gnome_libsecret';
  available = true;
  // A reversible stand-in for the OS keyring's encryption: enough to show that ciphertext, not text, is stored.
  private mask(buf: Buffer): Buffer {
    return Buffer.from(buf.map((b, i) => b ^ (0x5a + i) % 256));
  }
  isAsyncEncryptionAvailable = vi.fn(async () => this.available);
  getSelectedStorageBackend = vi.fn(() => this.backend);
  encryptStringAsync = vi.fn(async (text: string) => Buffer.concat([Buffer.from('v10'), this.mask(Buffer.from(text, 'utf8'))]));
  decryptStringAsync = vi.fn(async (buf: Buffer) => {
    if (buf.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return { result: this.mask(buf.subarray(3)).toString('utf8'), shouldReEncrypt: false };
  });
}
export const safeStorage = new MockSafeStorage();

export const protocol = {
  registerSchemesAsPrivileged: vi.fn(),
  handle: vi.fn(),
};

export const shell = {
  openExternal: vi.fn(async (_url: string) => {}),
};

export const dialog = {
  nextOpenResult: { canceled: true, filePaths: [] as string[] },
  showOpenDialog: vi.fn(async () => dialog.nextOpenResult),
  showErrorBox: vi.fn(),
};

export const clipboard = {
  text: '',
  writeText: vi.fn((t: string) => void (clipboard.text = t)),
};

class MockPowerMonitor extends EventEmitter {}
export const powerMonitor = new MockPowerMonitor();

export const net = {
  online: true,
  isOnline: vi.fn(() => net.online),
};

export const nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false });

export class Notification {
  static shown: Array<{ title: string; body: string }> = [];
  static isSupported = vi.fn(() => true);
  constructor(readonly options: { title: string; body: string }) {}
  show = vi.fn(() => void Notification.shown.push({ title: this.options.title, body: this.options.body }));
}

/** Preload's side. */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => void contextBridge.exposed.set(key, api)),
};

class MockIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null }));
}
export const ipcRenderer = new MockIpcRenderer();

/** utilityProcess.fork as a Node child process: the same program, the same one-message-each-way exchange. */
export const utilityProcess = {
  forked: [] as string[],
  fork(modulePath: string, _args: string[], opts: { env?: NodeJS.ProcessEnv }) {
    utilityProcess.forked.push(modulePath);
    const child = fork(modulePath, [], { env: opts.env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    return {
      postMessage: (message: unknown) => void child.send(message as Serializable),
      once: (event: string, listener: (arg: never) => void) => child.once(event, listener as (...args: unknown[]) => void),
      kill: () => child.kill('SIGKILL'),
    };
  },
};

export default {
  MessageChannelMain,
  utilityProcess,
  app,
  session,
  BrowserWindow,
  nativeImage,
  Menu,
  Tray,
  globalShortcut,
  ipcMain,
  safeStorage,
  protocol,
  shell,
  dialog,
  clipboard,
  powerMonitor,
  net,
  nativeTheme,
  Notification,
  contextBridge,
  ipcRenderer,
};
