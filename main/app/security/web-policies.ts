// What the window may do beyond showing its own pages: nothing. Navigation, new windows, permission requests and
// webviews are denied; each policy is a factory (Signal style) so a unit test calls it directly.
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

/** `will-navigate` / `will-redirect`: the window is a single page; any navigation is cancelled. */
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

/** Permission requests (camera, microphone, notifications, ...): all denied; the microphone is read by main's core. */
export function createPermissionRequestPolicy(log: PolicyLog) {
  return (_webContents: unknown, permission: string, callback: (granted: boolean) => void): void => {
    log.warn('permission request denied', { permission });
    callback(false);
  };
}

/** Synchronous permission checks: the same answer, no. */
export function createPermissionCheckPolicy() {
  return (): boolean => false;
}

/** `will-attach-webview`: the window has no <webview>; any attempt is cancelled. */
export function createWebviewPolicy(log: PolicyLog) {
  return (event: { preventDefault(): void }): void => {
    event.preventDefault();
    log.warn('webview denied');
  };
}
