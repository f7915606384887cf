// The settings window's preload: exposes one frozen, task-level API as `window.jett`. The renderer never sees
// ipcRenderer, a channel name or an IPC event; main checks the sender and validates every argument anyway.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventChannel, EventPayload, InvokeChannel, InvokeResult, IpcReply, JettApi } from '../main/core/contracts/ipc.js';

function call<C extends InvokeChannel>(channel: C, arg?: unknown): Promise<IpcReply<InvokeResult<C>>> {
  // One argument at most, and none at all for channels that take none (main refuses extras).
  const pending = arg === undefined ? ipcRenderer.invoke(channel) : ipcRenderer.invoke(channel, arg);
  return pending as Promise<IpcReply<InvokeResult<C>>>;
}

function subscribe<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
  // The IPC event (with its sender) stays here: the listener gets the payload only.
  const wrapped = (_event: IpcRendererEvent, payload: EventPayload<C>) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
}

function deepFreeze<T extends object>(obj: T): Readonly<T> {
  for (const value of Object.values(obj)) if (value && typeof value === 'object') deepFreeze(value);
  return Object.freeze(obj);
}

export const api: JettApi = deepFreeze({
  status: {
    get: () => call('status:get'),
    onChange: (listener) => subscribe('status:changed', listener),
  },
  settings: {
    get: () => call('settings:get'),
    save: (section, values) => call('settings:save', { section, values }),
    setSecret: (name, value) => call('secret:set', { name, value }),
    clearSecret: (name) => call('secret:clear', { name }),
  },
  tunnel: {
    generateKeys: (replace) => call('tunnel:generateKeys', { replace }),
    importConf: () => call('tunnel:importConf'),
    peerBlock: () => call('tunnel:peerBlock'),
    copyPublicKey: () => call('tunnel:copyPublicKey'),
    copyPeerBlock: () => call('tunnel:copyPeerBlock'),
    up: () => call('tunnel:up'),
    down: () => call('tunnel:down'),
    setup: () => call('tunnel:setup'),
  },
  voice: {
    toggle: () => call('voice:toggle'),
    history: (query) => call('voice:history', query),
    deleteHistory: (what) => call('voice:historyDelete', what),
    choices: () => call('voice:choices'),
    microphones: () => call('voice:microphones'),
    micTest: (deviceId) => call('voice:micTest', { deviceId }),
    micTestStop: () => call('voice:micTestStop'),
    onMicLevel: (listener) => subscribe('voice:micLevel', listener),
  },
  memory: {
    list: (query) => call('memory:list', query),
    forget: (what) => call('memory:forget', what),
  },
  models: {
    list: () => call('models:list'),
    pull: (kind, name) => call('models:pull', { kind, name }),
    onProgress: (listener) => subscribe('models:progress', listener),
  },
  links: {
    open: (target) => call('links:open', { target }),
  },
  app: {
    uninstall: (deleteData) => call('app:uninstall', { deleteData }),
  },
  setup: {
    get: () => call('setup:get'),
    vpsBundle: () => call('setup:vpsBundle'),
    vpsPeer: (text) => call('setup:vpsPeer', { text }),
    privileged: () => call('setup:privileged'),
    auditLive: () => call('setup:auditLive'),
  },
});

contextBridge.exposeInMainWorld('jett', api);
