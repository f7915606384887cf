// Electron's own set-up around the shell, before and after `ready`: sandbox, the window's scheme, no default menu,
// the session and webContents policies, and where the built preload, renderer and tray icons are.
import path from 'node:path';
import { Menu, protocol, session, type App } from 'electron';
import { APP_SCHEME } from '../../core/contracts/ipc.js';
import type { Logger } from '../../core/log/logger.js';
import { applicationMenuTemplate } from '../security/app-menu.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from '../security/protocol.js';
import { applySessionPolicies } from '../security/session-policies.js';
import { guardWebContents, type IsCaptureContents } from '../security/web-policies.js';
import { APP_USER_MODEL_ID } from '../../core/uninstall/windows-login-item.js';

export interface ShellDirs {
  preload: string;
  /** The capture page's preload; absent in older test set-ups, where the app then captures with sox. */
  capturePreload?: string;
  renderer: string;
  icons: string;
}

/**
 * Before `ready`: every renderer sandboxed, whatever a webPreferences says; the window's scheme standard and
 * secure, to get an origin of its own; no default menu, whose View menu opens DevTools (Ctrl+Shift+I).
 */
export function secureBeforeReady(app: Pick<App, 'enableSandbox'>, platform: NodeJS.Platform): void {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);
  const menu = applicationMenuTemplate(platform);
  Menu.setApplicationMenu(menu ? Menu.buildFromTemplate(menu) : null);
}

// electron-builder.yml's appId: the installer gives the Start-menu shortcut this AppUserModelID (and Electron names the
// login item after it, which `jett uninstall` removes).
export { APP_USER_MODEL_ID };

/**
 * Windows shows a toast only for an AppUserModelID that a Start-menu shortcut carries, and credits it to that
 * shortcut's app; without this call toasts may not show, or come from "Electron".
 */
export function identifyApp(app: Pick<App, 'setAppUserModelId'>, platform: NodeJS.Platform): void {
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
}

/** Every session gets the policies as it is created, before any page or dictionary download can use it. */
export function guardNewSessions(app: Pick<App, 'on'>, log: Logger, isCapture?: IsCaptureContents): void {
  app.on('session-created', (created) => applySessionPolicies(created, log, isCapture));
}

/**
 * After `ready`: the default session again (applying twice is harmless: 'session-created' may have fired for it
 * before we listened), the window's scheme served from the renderer folder, and the same policies as the window's
 * on every webContents that will ever exist.
 */
export function secureAfterReady(app: Pick<App, 'on'>, rendererDir: string, log: Logger, isCapture?: IsCaptureContents): void {
  applySessionPolicies(session.defaultSession, log, isCapture);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));
}

/** The built preload, renderer and tray icons: beside the app, the icons in resources (packaged: the app's resources). */
export function shellDirs(app: Pick<App, 'getAppPath' | 'isPackaged'>): ShellDirs {
  const appRoot = app.getAppPath();
  const resources = app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(appRoot, 'resources');
  return {
    preload: path.join(appRoot, 'dist', 'preload', 'index.cjs'),
    capturePreload: path.join(appRoot, 'dist', 'preload', 'capture.cjs'),
    renderer: path.join(appRoot, 'dist', 'renderer'),
    icons: path.join(resources, 'tray'),
  };
}
