// What every session allows pages to do beyond showing the app: no permission, no device, and no network request
// the user did not ask for. A factory over a structural session type, so unit tests call it with a stand-in.
import { APP_ORIGIN } from '../../core/contracts/ipc.js';
import { createDeviceChooserPolicy, createPermissionCheckPolicy, createPermissionRequestPolicy, NO_CAPTURE, type DeviceChooser, type IsCaptureContents, type PolicyLog } from './web-policies.js';

export interface PolicySession {
  setPermissionRequestHandler(handler: ReturnType<typeof createPermissionRequestPolicy>): void;
  setPermissionCheckHandler(handler: ReturnType<typeof createPermissionCheckPolicy>): void;
  setDevicePermissionHandler(handler: (details: { deviceType: string; origin: string }) => boolean): void;
  on(event: 'select-hid-device' | 'select-serial-port' | 'select-usb-device', listener: DeviceChooser): unknown;
  setSpellCheckerEnabled(enabled: boolean): void;
  setSpellCheckerDictionaryDownloadURL(url: string): void;
}

/**
 * Where Chromium's spell checker would fetch its Hunspell dictionaries (a Google CDN by default, on Windows and
 * Linux, as soon as a session starts, whatever webPreferences.spellcheck says): the app's own scheme, which serves
 * no .bdic file, so the request never leaves the machine.
 */
export const NO_DICTIONARIES_URL = `${APP_ORIGIN}/no-spellchecker-dictionaries/`;

/** `setDevicePermissionHandler`: no HID, serial or USB device is ever granted to a page, even one granted before. */
export function createDevicePermissionPolicy(log: PolicyLog) {
  return (details: { deviceType: string; origin: string }): boolean => {
    log.warn('device permission denied', { deviceType: details.deviceType, origin: details.origin.slice(0, 200) });
    return false;
  };
}

/** `isCapture` names the capture window's webContents: the only one granted the microphone (audio only). */
export function applySessionPolicies(ses: PolicySession, log: PolicyLog, isCapture: IsCaptureContents = NO_CAPTURE): void {
  ses.setPermissionRequestHandler(createPermissionRequestPolicy(log, isCapture));
  ses.setPermissionCheckHandler(createPermissionCheckPolicy(isCapture));
  ses.setDevicePermissionHandler(createDevicePermissionPolicy(log));
  ses.on('select-hid-device', createDeviceChooserPolicy(log, 'hid'));
  ses.on('select-serial-port', createDeviceChooserPolicy(log, 'serial'));
  ses.on('select-usb-device', createDeviceChooserPolicy(log, 'usb'));
  // The URL first: turning the checker off does not stop Electron from preparing the OS locale's dictionary.
  ses.setSpellCheckerDictionaryDownloadURL(NO_DICTIONARIES_URL);
  ses.setSpellCheckerEnabled(false);
}
