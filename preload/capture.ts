// The capture page's preload: no API at all. It passes the one MessagePort main sends (on CAPTURE_PORT_CHANNEL) to
// the page, as the port's owner only: the page talks to main over that port and nothing else.
import { ipcRenderer, type IpcRendererEvent } from 'electron';
import { CAPTURE_PORT_CHANNEL, CAPTURE_PORT_MESSAGE } from '../main/core/contracts/capture-frame.js';

// The page's window, as seen from the preload's isolated world (this project's preload has no DOM types).
declare const window: { postMessage(message: string, targetOrigin: string, transfer: readonly unknown[]): void };

ipcRenderer.once(CAPTURE_PORT_CHANNEL, (event: IpcRendererEvent) => {
  // Electron's documented way from a context-isolated preload to the main world: the port travels with a message
  // to the page's own window ('*' is safe: a message to one's own window never leaves it).
  window.postMessage(CAPTURE_PORT_MESSAGE, '*', event.ports);
});
