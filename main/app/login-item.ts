// "Start at login": Electron's login items on Windows and macOS; on Linux, where Electron has none, an XDG
// autostart entry (~/.config/autostart/jett.desktop) that starts this executable (the AppImage when run from one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config'), 'autostart', 'jett.desktop');
}

/** Quotes a path for a desktop entry's Exec key (the spec's rules: double quotes, escape " ` $ \\). */
function execQuote(p: string): string {
  return `"${p.replace(/(["`$\\\\])/g, '\\\\$1')}"`;
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
      fs.writeFileSync(
        file,
        ['[Desktop Entry]', 'Type=Application', 'Name=Jett', 'Comment=Voice assistant tray app', `Exec=${execQuote(exe)}`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n'),
      );
    },
  };
}
