// What the window may do beyond showing its own pages: nothing. Navigation, redirects, new windows, permission
// requests, devices and webviews are denied; each policy is a factory (Signal style) so a unit test calls it directly.
import type { WebContents } from 'electron';
import { APP_ORIGIN } from '../../core/contracts/ipc.js';

export interface PolicyLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Only the app's own origin counts as "the window", compared as a parsed origin (never a string prefix). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** `will-navigate` / `will-redirect`: the window is a single page; any navigation or redirect is cancelled. */
export function createNavigationPolicy(log: PolicyLog) {
  return (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault();
    log.warn('navigation denied', { url: url.slice(0, 200) });
  };
}

/** `setWindowOpenHandler`: no window.open, no target=_blank; links leave only through the openExternal wrapper. */
export function createWindowOpenPolicy(log: PolicyLog) {
  return (details: { url: string }): { action: 'deny' } => {
    log.warn('new window denied', { url: details.url.slice(0, 200) });
    return { action: 'deny' };
  };
}

/** Which webContents is the capture window's (the one page that may open the microphone), if any now. */
export type IsCaptureContents = (contents: { id: number } | null | undefined) => boolean;
export const NO_CAPTURE: IsCaptureContents = () => false;

/**
 * Permission requests (camera, microphone, notifications, ...): all denied, but for one: 'media' with audio only,
 * from the capture window's page. Its video, or any other page's microphone, is refused.
 */
export function createPermissionRequestPolicy(log: PolicyLog, isCapture: IsCaptureContents = NO_CAPTURE) {
  return (webContents: { id: number } | null, permission: string, callback: (granted: boolean) => void, details?: object): void => {
    // Electron's MediaAccessPermissionRequest names the kinds asked for; other requests carry none.
    const asked = details && 'mediaTypes' in details ? details.mediaTypes : undefined;
    const types = Array.isArray(asked) ? asked.map(String) : [];
    if (permission === 'media' && isCapture(webContents) && types.length > 0 && types.every((t) => t === 'audio')) {
      callback(true);
      return;
    }
    log.warn('permission request denied', { permission, ...(permission === 'media' ? { mediaTypes: types.join(',') } : {}) });
    callback(false);
  };
}

/** Synchronous permission checks: the same answer, no; the capture page alone may see that it holds the microphone. */
export function createPermissionCheckPolicy(isCapture: IsCaptureContents = NO_CAPTURE) {
  return (webContents: { id: number } | null, permission: string, _origin?: string, details?: object): boolean =>
    permission === 'media' && !!details && 'mediaType' in details && details.mediaType === 'audio' && isCapture(webContents);
}

/** `will-attach-webview`: the window has no <webview>; any attempt is cancelled. */
export function createWebviewPolicy(log: PolicyLog) {
  return (event: { preventDefault(): void }): void => {
    event.preventDefault();
    log.warn('webview denied');
  };
}

export type DeviceKind = 'hid' | 'serial' | 'usb' | 'bluetooth';
export type DeviceChooser = (event: { preventDefault(): void }, details: unknown, callback: (id: string) => void) => void;

/**
 * The device pickers (`select-hid-device`, `select-serial-port`, `select-usb-device` on the session,
 * `select-bluetooth-device` on a webContents): Electron has no picker of its own, and for Bluetooth it takes the
 * first device when the app does not answer, so each request is answered, with "none".
 */
export function createDeviceChooserPolicy(log: PolicyLog, kind: DeviceKind): DeviceChooser {
  return (event, _details, callback) => {
    event.preventDefault();
    log.warn('device request cancelled', { kind });
    // An empty id is "no device" for every picker.
    callback('');
  };
}

/** What the hook uses of a webContents (Electron's own type: main/app may import 'electron'). */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * `web-contents-created`: every webContents that will ever exist, ours or not, gets the same answers as the window:
 * no navigation, no redirect (a server redirect is a navigation too), no webview, no new window, no Bluetooth device.
 */
export function guardWebContents(contents: GuardedContents, log: PolicyLog): void {
  const navigation = createNavigationPolicy(log);
  contents.on('will-navigate', navigation);
  contents.on('will-redirect', navigation);
  contents.on('will-attach-webview', createWebviewPolicy(log));
  contents.on('select-bluetooth-device', createDeviceChooserPolicy(log, 'bluetooth'));
  contents.setWindowOpenHandler(createWindowOpenPolicy(log));
}
