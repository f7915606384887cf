// The one settings window: opened or brought forward, its webContents trusted by IPC while it lives, pushed events
// checked against their contract, and the .conf file dialog parented to it.
import { dialog, type BrowserWindow } from 'electron';
import { EVENT_CHANNELS, type EventChannel } from '../../core/contracts/ipc.js';
import type { Logger } from '../../core/log/logger.js';
import { createSettingsWindow } from '../window.js';

export interface SettingsSlotDeps {
  preloadPath: string;
  devTools: boolean;
  log: Logger;
  /** The webContents ids the IPC wrapper trusts: this slot adds its window's and removes it when it closes. */
  trusted: Set<number>;
  /** Told when the window closes (the microphone test it started stops). */
  onClosed?(): void;
}

export class SettingsSlot {
  private window: BrowserWindow | null = null;

  constructor(private readonly deps: SettingsSlotDeps) {}

  open(): BrowserWindow {
    const current = this.window;
    if (current && !current.isDestroyed()) {
      if (current.isMinimized()) current.restore();
      current.show();
      current.focus();
      return current;
    }
    const { preloadPath, devTools, log, trusted } = this.deps;
    const created = createSettingsWindow({ preloadPath, devTools, log, onCreated: (w) => trusted.add(w.webContents.id) });
    const id = created.webContents.id;
    created.on('closed', () => {
      trusted.delete(id);
      if (this.window === created) this.window = null;
      this.deps.onClosed?.();
    });
    this.window = created;
    return created;
  }

  /** Pushed events pass their contract too, so nothing the contract does not name reaches the window. */
  send(channel: EventChannel, payload: unknown): void {
    const checked = EVENT_CHANNELS[channel].safeParse(payload);
    if (!checked.success) return void this.deps.log.error('event breaks the IPC contract', { channel });
    const w = this.window;
    if (w && !w.isDestroyed() && !w.webContents.isDestroyed()) w.webContents.send(channel, checked.data);
  }

  async chooseConfFile(): Promise<string | null> {
    const options = { title: 'Import a WireGuard config', properties: ['openFile' as const], filters: [{ name: 'WireGuard config', extensions: ['conf'] }] };
    const w = this.window;
    const res = w && !w.isDestroyed() ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
    return res.canceled ? null : (res.filePaths[0] ?? null);
  }

  /** The folder for the VPS bundle (it holds passwords: the user picks where, a new folder is offered). */
  async chooseBundleDir(): Promise<string | null> {
    const options = { title: 'Save the VPS bundle in a new, empty folder', properties: ['openDirectory' as const, 'createDirectory' as const, 'promptToCreate' as const] };
    const w = this.window;
    const res = w && !w.isDestroyed() ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
    return res.canceled ? null : (res.filePaths[0] ?? null);
  }
}
