// "Start at login": Electron's login items on Windows and macOS, an XDG autostart entry on Linux.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostartFile, createLoginItem } from '../../../main/app/login-item.js';
import { app } from '../../mocks/electron.js';
import { tempDir } from '../../helpers/tmp.js';

describe('createLoginItem', () => {
  it('writes and removes ~/.config/autostart/jett.desktop on Linux', () => {
    const env = { XDG_CONFIG_HOME: tempDir(), APPIMAGE: '/home/ann/Apps/Jett "beta" $1.AppImage' };
    const item = createLoginItem(app, { platform: 'linux', env });
    expect(item.get()).toBe(false);
    item.set(true);
    const file = autostartFile(env);
    expect(file).toBe(path.join(env.XDG_CONFIG_HOME, 'autostart', 'jett.desktop'));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\nName=Jett\n');
    expect(text).toContain('Exec="/home/ann/Apps/Jett \\\\"beta\\\\" \\\\$1.AppImage"\n');
    expect(item.get()).toBe(true);
    item.set(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('uses Electron\'s login items on Windows', () => {
    const item = createLoginItem(app, { platform: 'win32' });
    item.set(true);
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
    expect(item.get()).toBe(true);
    item.set(false);
    expect(item.get()).toBe(false);
  });
});
