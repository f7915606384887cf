// The settings window's webPreferences and escape routes: every security setting DESIGN.md lists, written literally,
// and navigation, new windows, webviews and permission requests denied.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  createNavigationPolicy,
  createPermissionCheckPolicy,
  createPermissionRequestPolicy,
  createWebviewPolicy,
  createWindowOpenPolicy,
  isAppUrl,
} from '../../../main/app/security/web-policies.js';
import { APP_ORIGIN } from '../../../main/core/contracts/ipc.js';
import { createSettingsWindow } from '../../../main/app/window.js';
import { BrowserWindow } from '../../mocks/electron.js';

const log = { warn: vi.fn() };

function open(devTools = false) {
  const created: number[] = [];
  const win = createSettingsWindow({ preloadPath: '/app/dist/preload/index.cjs', devTools, log, onCreated: (w) => created.push(w.webContents.id) }) as unknown as BrowserWindow;
  return { win, created };
}

describe('the settings window', () => {
  it('has the webPreferences of the security rules', () => {
    const { win } = open();
    expect(win.options.webPreferences).toEqual({
      preload: '/app/dist/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: false,
    });
    expect((open(true).win.options.webPreferences as { devTools: boolean }).devTools).toBe(true);
  });

  it('is the only BrowserWindow the shell creates', () => {
    const files = fs.readdirSync('main/app', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const creators = files.filter((f) => /new BrowserWindow\(/.test(fs.readFileSync(path.join('main/app', f), 'utf8')));
    expect(creators).toEqual(['window.ts']);
  });

  it('loads the app from the custom protocol and is trusted from the start', () => {
    const { win, created } = open();
    expect(win.loadedURL).toBe('jett://app/index.html');
    expect(created).toEqual([win.webContents.id]);
  });

  it('cancels every navigation and redirect, and opens no new window', () => {
    const { win } = open();
    for (const event of ['will-navigate', 'will-redirect']) {
      const e = { preventDefault: vi.fn() };
      win.webContents.emit(event, e, 'https://evil.example/');
      expect(e.preventDefault).toHaveBeenCalled();
    }
    // Even a link back into the app itself opens no window.
    expect(win.webContents.windowOpenHandler!({ url: 'jett://app/index.html' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler!({ url: 'https://n8n.example/' })).toEqual({ action: 'deny' });
  });

  it('cancels any webview', () => {
    const { win } = open();
    const e = { preventDefault: vi.fn() };
    win.webContents.emit('will-attach-webview', e, {}, {});
    expect(e.preventDefault).toHaveBeenCalled();
  });
});

describe('the policies, called directly', () => {
  it('deny each permission request, whatever it is', () => {
    const deny = createPermissionRequestPolicy(log);
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const cb = vi.fn();
      deny(null, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    expect(createPermissionCheckPolicy()(null, 'media', APP_ORIGIN, { mediaType: 'audio' })).toBe(false);
  });

  it('deny navigation and webviews by preventing the default', () => {
    const e = { preventDefault: vi.fn() };
    createNavigationPolicy(log)(e, 'jett://app/other.html');
    createWebviewPolicy(log)(e);
    expect(e.preventDefault).toHaveBeenCalledTimes(2);
    expect(createWindowOpenPolicy(log)({ url: 'about:blank' })).toEqual({ action: 'deny' });
  });

  it('recognise the app origin exactly', () => {
    expect(isAppUrl('jett://app/index.html')).toBe(true);
    for (const url of ['jett://app.evil/', 'jett://apps/', 'https://app/', 'jett://user@evil/', 'not a url', '']) expect(isAppUrl(url)).toBe(false);
  });
});
