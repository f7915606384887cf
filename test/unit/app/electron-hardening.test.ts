// Electron's own defaults that undo the window's policies, against the mocked electron module: the default menu
// (DevTools in a packaged build), renderers outside the sandbox, redirects, device pickers, and the spell checker's
// dictionary download from a Google CDN that nobody asked for.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { applicationMenuTemplate } from '../../../main/app/security/app-menu.js';
import { createAppProtocolHandler } from '../../../main/app/security/protocol.js';
import { applySessionPolicies, createDevicePermissionPolicy, NO_DICTIONARIES_URL } from '../../../main/app/security/session-policies.js';
import { createDeviceChooserPolicy, guardWebContents, isAppUrl } from '../../../main/app/security/web-policies.js';
import { startShell, type ShellApp } from '../../../main/app/shell.js';
import { APP_ORIGIN } from '../../../main/core/contracts/ipc.js';
import * as electron from '../../mocks/electron.js';
import { tempDir } from '../../helpers/tmp.js';
import { FakeAgent } from './helpers.js';

const { app, session, Menu, BrowserWindow, MockSession, MockWebContents, ipcMain, Tray } = electron;
const shellApp = app as unknown as ShellApp;
const dirs = { preload: '/app/dist/preload/index.cjs', renderer: '/app/dist/renderer', icons: '/app/resources/tray' };
const log = { warn: vi.fn() };

beforeEach(() => {
  app.isReady = false;
  app.isPackaged = false;
  app.removeAllListeners();
  app.enableSandbox.mockClear();
  app.whenReady.mockClear();
  ipcMain.handlers.clear();
  BrowserWindow.instances.length = 0;
  Tray.instances.length = 0;
  Menu.application = { set: false, menu: null, windowsAtSet: 0 };
  const ses = session.defaultSession;
  ses.removeAllListeners();
  ses.spellCheckerEnabled = true;
  ses.spellCheckerDictionaryDownloadURL = 'https://redirector.gvt1.com/edgedl/chrome/dict/';
  ses.devicePermissionHandler = null;
});

async function shellOn(platform: NodeJS.Platform) {
  return (await startShell({ app: shellApp, env: { JETT_HOME: tempDir() }, attach: async () => new FakeAgent(), dirs, platform }))!;
}

function chooserEvent() {
  return { preventDefault: vi.fn() };
}

describe('before ready', () => {
  it('turns the sandbox on for every renderer, before app ready (Electron refuses it later)', async () => {
    const shell = await shellOn('linux');
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
    expect(app.enableSandbox.mock.invocationCallOrder[0]!).toBeLessThan(app.whenReady.mock.invocationCallOrder[0]!);
    await shell.stop();
  });

  it('sets no application menu on Windows and Linux, before any window, so no DevTools item or shortcut exists', async () => {
    for (const platform of ['linux', 'win32'] as const) {
      app.isReady = false;
      const shell = await shellOn(platform);
      expect(Menu.application).toEqual({ set: true, menu: null, windowsAtSet: 0 });
      await shell.stop();
    }
  });

  it('keeps only the app and Edit menus on macOS, neither of which opens DevTools', async () => {
    const shell = await shellOn('darwin');
    expect(Menu.application.menu!.items).toEqual([{ role: 'appMenu' }, { role: 'editMenu' }]);
    expect(JSON.stringify(applicationMenuTemplate('darwin'))).not.toMatch(/devtools|viewMenu|windowMenu/i);
    await shell.stop();
  });

  it('opens the window without DevTools in a packaged build, with them in development', async () => {
    app.isPackaged = true;
    // Electron sets it in a packaged app; the shell reads its resources from there.
    Object.defineProperty(process, 'resourcesPath', { value: '/app/resources', configurable: true });
    let shell = await shellOn('linux');
    const packaged = shell.openSettings() as unknown as InstanceType<typeof BrowserWindow>;
    expect((packaged.options.webPreferences as { devTools: boolean }).devTools).toBe(false);
    await shell.stop();
    Reflect.deleteProperty(process, 'resourcesPath');
    app.isPackaged = false;
    app.isReady = false;
    shell = await shellOn('linux');
    const dev = shell.openSettings() as unknown as InstanceType<typeof BrowserWindow>;
    expect((dev.options.webPreferences as { devTools: boolean }).devTools).toBe(true);
    await shell.stop();
  });
});

describe('every webContents ever created', () => {
  it('has server redirects cancelled, like navigation, wherever they lead', async () => {
    const shell = await shellOn('linux');
    const contents = new MockWebContents();
    app.emit('web-contents-created', {}, contents);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'jett://app/index.html']) {
      const e = { preventDefault: vi.fn() };
      contents.emit('will-redirect', e, url);
      expect(e.preventDefault).toHaveBeenCalled();
    }
    await shell.stop();
  });

  it('gets no Bluetooth device: the picker is answered with none instead of Electron choosing the first', () => {
    const contents = new MockWebContents();
    guardWebContents(contents as unknown as Parameters<typeof guardWebContents>[0], log);
    const e = chooserEvent();
    const callback = vi.fn();
    contents.emit('select-bluetooth-device', e, [{ deviceId: 'aa:bb', deviceName: 'headset' }], callback);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(callback).toHaveBeenCalledWith('');
  });
});

describe('the session', () => {
  it('denies HID, serial and USB devices, both the permission and the picker', async () => {
    const shell = await shellOn('linux');
    const ses = session.defaultSession;
    for (const deviceType of ['hid', 'serial', 'usb']) expect(ses.devicePermissionHandler!({ deviceType, origin: APP_ORIGIN })).toBe(false);
    for (const event of ['select-hid-device', 'select-serial-port', 'select-usb-device']) {
      const e = chooserEvent();
      const callback = vi.fn();
      ses.emit(event, e, { deviceList: [{ deviceId: '1', name: 'keyboard' }], portList: [{ portId: '1' }] }, callback);
      expect(e.preventDefault).toHaveBeenCalled();
      expect(callback).toHaveBeenCalledExactlyOnceWith('');
    }
    expect(ses.permissionCheckHandler!(null, 'hid', APP_ORIGIN, {})).toBe(false);
    await shell.stop();
  });

  it('downloads no spell-checker dictionary: the checker is off and its download URL stays on this machine', async () => {
    const shell = await shellOn('linux');
    const ses = session.defaultSession;
    expect(ses.spellCheckerEnabled).toBe(false);
    expect(isAppUrl(ses.spellCheckerDictionaryDownloadURL)).toBe(true);
    // The URL is set before the checker is turned off: turning it off first could still start a download.
    expect(ses.setSpellCheckerDictionaryDownloadURL.mock.invocationCallOrder.at(-1)!).toBeLessThan(ses.setSpellCheckerEnabled.mock.invocationCallOrder.at(-1)!);
    // What a download would get from the app's own protocol: nothing.
    const res = await createAppProtocolHandler(tempDir())(new Request(`${NO_DICTIONARIES_URL}en-US-10-1.bdic`));
    expect(res.status).toBe(404);
    await shell.stop();
  });

  it('applies the same policies to any session created later', async () => {
    const shell = await shellOn('linux');
    const other = new MockSession();
    app.emit('session-created', other);
    expect(other.spellCheckerEnabled).toBe(false);
    expect(other.devicePermissionHandler!({ deviceType: 'usb', origin: 'https://evil.example' })).toBe(false);
    const granted: boolean[] = [];
    other.permissionRequestHandler!(null, 'media', (g) => granted.push(g), {});
    expect(granted).toEqual([false]);
    await shell.stop();
  });

  it('the policies, called directly, deny and log', () => {
    const warn = vi.fn();
    expect(createDevicePermissionPolicy({ warn })({ deviceType: 'hid', origin: APP_ORIGIN })).toBe(false);
    const callback = vi.fn();
    createDeviceChooserPolicy({ warn }, 'serial')(chooserEvent(), {}, callback);
    expect(callback).toHaveBeenCalledWith('');
    expect(warn).toHaveBeenCalledWith('device request cancelled', { kind: 'serial' });
    const ses = new MockSession();
    applySessionPolicies(ses, { warn });
    expect(ses.setPermissionCheckHandler).toHaveBeenCalled();
    expect(ses.setSpellCheckerEnabled).toHaveBeenCalledWith(false);
  });
});
