// Stands in for 'electron' when the real preload (preload/index.ts) is bundled into the test page: contextBridge sets
// window.jett, ipcRenderer.invoke crosses to Node through Playwright's exposed function (where the real IPC
// registration and handlers answer), and events pushed from Node reach ipcRenderer.on's listeners.
type Listener = (event: { sender: null }, payload: unknown) => void;

declare global {
  interface Window {
    /** Exposed by real-bridge.ts: (channel, args) to the real handler map, through register.ts's checks. */
    __jettInvoke(channel: string, args: unknown[]): Promise<unknown>;
    /** Called from Node to push an event (status:changed, models:progress). */
    __jettEmit(channel: string, payload: unknown): void;
  }
}

const listeners = new Map<string, Set<Listener>>();

window.__jettEmit = (channel, payload) => {
  for (const l of listeners.get(channel) ?? []) l({ sender: null }, payload);
};

export const ipcRenderer = {
  invoke: (channel: string, ...args: unknown[]) => window.__jettInvoke(channel, args),
  on(channel: string, listener: Listener) {
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)!.add(listener);
  },
  removeListener(channel: string, listener: Listener) {
    listeners.get(channel)?.delete(listener);
  },
};

export const contextBridge = {
  exposeInMainWorld(name: string, api: unknown) {
    Object.defineProperty(window, name, { value: api, writable: false, configurable: false });
  },
};

export type IpcRendererEvent = { sender: null };
