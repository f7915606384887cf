// "Start at login": Electron's login items on Windows and macOS; on Linux, where Electron has none, an XDG
// autostart entry (~/.config/autostart/jett.desktop) that starts this executable (the AppImage when run from one).
import fs from 'node:fs';
import path from 'node:path';
import { autostartFile, renderAutostart } from '../core/uninstall/autostart.js';

export { autostartFile };

export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export interface LoginItem {
  get(): boolean;
  set(open: boolean): void;
}

export interface LoginItemOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** What the autostart entry runs; default: the AppImage, else this executable. */
  executable?: string;
}

export function createLoginItem(app: LoginItemApp, opts: LoginItemOptions = {}): LoginItem {
  const platform = opts.platform ?? process.platform;
  if (platform !== 'linux') {
    return { get: () => app.getLoginItemSettings().openAtLogin, set: (open) => app.setLoginItemSettings({ openAtLogin: open }) };
  }
  const env = opts.env ?? process.env;
  const file = autostartFile(env);
  return {
    get: () => fs.existsSync(file),
    set: (open) => {
      if (!open) return void fs.rmSync(file, { force: true });
      const exe = opts.executable ?? env.APPIMAGE ?? process.execPath;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, renderAutostart(exe));
    },
  };
}
