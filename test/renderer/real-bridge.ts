// A real bridge for the renderer tests: the page runs the real preload (bundled with an 'electron' stand-in,
// preload-shim.ts), and each call crosses to Node, where the real registration (main/app/ipc/register.ts: sender,
// size, argument and reply checks, the error envelope) hands it to the real handler map.
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import type { Page } from 'playwright-core';
import type { EventChannel } from '../../main/core/contracts/ipc.js';
import { registerIpcHandlers, type Handlers, type IpcMainLike } from '../../main/app/ipc/register.js';
import type { IpcSenderEvent } from '../../main/app/ipc/sender.js';

export async function realBridgeScript(): Promise<string> {
  const out = await esbuild({
    entryPoints: [path.resolve('preload/index.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'error',
    alias: { electron: path.resolve('test/renderer/preload-shim.ts') },
  });
  return out.outputFiles[0]!.text;
}

export interface RealBridge {
  /** Pushes an event to the page, as main's SettingsSlot.send does. */
  emit(channel: EventChannel, payload: unknown): Promise<void>;
  calls: string[];
}

/** Answers the page's window.jett with `handlers`, registered exactly as the app registers them. */
export async function connectRealBridge(page: Page, handlers: Handlers, log: { warn(m: string): void; error(m: string): void }): Promise<RealBridge> {
  const registered = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void registered.set(channel, listener), removeHandler: (channel) => void registered.delete(channel) };
  const windowId = 1;
  registerIpcHandlers(ipcMain, new Set([windowId]), handlers, log);
  // The settings window's top frame, as Electron describes it to main for a message from it.
  const frame = { url: 'jett://app/index.html', parent: null };
  const event: IpcSenderEvent = { sender: { id: windowId, mainFrame: frame }, senderFrame: frame };
  const calls: string[] = [];
  await page.exposeFunction('__jettInvoke', async (channel: string, args: unknown[]) => {
    calls.push(channel);
    const handler = registered.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  });
  return { calls, emit: (channel, payload) => page.evaluate(([c, p]) => window.__jettEmit(c as string, p), [channel, payload] as const) };
}
