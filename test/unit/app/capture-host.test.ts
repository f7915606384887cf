// The capture window and its host with a mocked Electron: the window's security settings written literally, the
// port handed over once per window, a window that goes away ending the stream that waited on it, and the session's
// permission handlers granting the microphone (audio only) to the capture page and to nothing else.
import { describe, expect, it, vi } from 'vitest';
import { CaptureHost } from '../../../main/app/capture/host.js';
import { appAudioRoute } from '../../../main/app/capture/route.js';
import { applySessionPolicies } from '../../../main/app/security/session-policies.js';
import { createCaptureWindow, createSettingsWindow } from '../../../main/app/window.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { CAPTURE_PORT_CHANNEL } from '../../../main/core/contracts/capture.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { CaptureError } from '../../../main/core/voice/errors.js';
import { PageCaptureSource } from '../../../main/core/voice/page-capture.js';
import { BrowserWindow, MessageChannelMain, MockSession, type MessagePortMain } from '../../mocks/electron.js';

const log = { warn: vi.fn() };

function host() {
  const windows: BrowserWindow[] = [];
  const mic: boolean[] = [];
  const h = new CaptureHost({
    createWindow: () => {
      const w = createCaptureWindow({ preloadPath: '/app/dist/preload/capture.cjs', log }) as unknown as BrowserWindow;
      windows.push(w);
      return w as never;
    },
    log,
    onMicrophone: (open) => mic.push(open),
  });
  return { h, windows, mic };
}

/** The page's end of the port the host handed to window `w`. */
function pageEnd(w: BrowserWindow): MessagePortMain {
  const sent = w.webContents.posted.find((p) => p.channel === CAPTURE_PORT_CHANNEL);
  return sent!.ports[0]!;
}

describe('the capture window', () => {
  it('is hidden, sandboxed, isolated, never throttled, and loads the capture page from the app protocol', async () => {
    const { h, windows } = host();
    await h.port();
    const w = windows[0]!;
    expect(w.options.show).toBe(false);
    expect(w.options.webPreferences).toEqual({
      preload: '/app/dist/preload/capture.cjs',
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
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    });
    expect(w.loadedURL).toBe('jett://app/capture.html');
    // One port, sent once, to this window only.
    expect(w.webContents.posted).toHaveLength(1);
    expect(w.webContents.posted[0]!.ports).toHaveLength(1);
  });

  it('is made once, on first use, and again after it closed', async () => {
    const { h, windows } = host();
    expect(windows).toHaveLength(0);
    const [a, b] = await Promise.all([h.port(), h.port()]);
    expect(a).toBe(b);
    expect(windows).toHaveLength(1);
    windows[0]!.close();
    await h.port();
    expect(windows).toHaveLength(2);
  });

  it('a stream whose window goes away ends with an error, and the tray shows the microphone closed', async () => {
    const { h, windows, mic } = host();
    const source = new PageCaptureSource(h, { settings: { deviceId: '', echoCancellation: true, noiseSuppression: true, autoGainControl: true }, platform: 'win32' });
    const it = source.chunks()[Symbol.asyncIterator]();
    const next = it.next();
    await vi.waitFor(() => expect(windows).toHaveLength(1));
    const page = pageEnd(windows[0]!);
    const start = await new Promise<{ session: number }>((resolve) => page.once('message', (e: { data: { session: number } }) => resolve(e.data)));
    page.postMessage({ type: 'started', session: start.session, label: 'Mic', trackRate: 48000, echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    // The stream's frames come on a port of their own, which the page transfers (the capture worker holds the other end).
    const frames = new MessageChannelMain();
    const stray = new MessageChannelMain();
    page.postMessage({ type: 'frames', session: start.session }, [frames.port1]);
    page.postMessage({ type: 'devices', devices: [] }, [stray.port1]);
    frames.port2.postMessage({ type: 'frame', session: start.session, seq: 0, pcm: new ArrayBuffer(1024), audioEndMs: 1, levelDb: -60 });
    expect((await next).value).toHaveLength(512);
    expect(frames.port1.start).toHaveBeenCalled();
    // A port no listener took is closed as soon as its message was handled.
    expect(stray.port1.start).not.toHaveBeenCalled();
    expect(stray.port1.close).toHaveBeenCalled();
    expect(frames.port1.close).not.toHaveBeenCalled();
    expect(mic).toEqual([true]);
    windows[0]!.close();
    await expect(it.next()).rejects.toBeInstanceOf(CaptureError);
    expect(mic).toEqual([true, false]);
    expect(frames.port1.close).toHaveBeenCalled();
  });
});

describe('the microphone permission', () => {
  it('is granted to the capture page for audio only; video, other pages and other permissions are refused', async () => {
    const { h } = host();
    const ses = new MockSession();
    applySessionPolicies(ses, log, h.isCapture);
    const ask = (contents: { id: number } | null, permission: string, details?: object) =>
      new Promise<boolean>((resolve) => ses.permissionRequestHandler!(contents, permission, resolve, details));
    const check = (contents: { id: number } | null, permission: string, details?: object) => ses.permissionCheckHandler!(contents, permission, 'jett://app', details);

    // Before the capture window exists, nothing is granted.
    expect(await ask({ id: 999 }, 'media', { mediaTypes: ['audio'] })).toBe(false);
    await h.port();
    const capture = { id: (BrowserWindow.instances.at(-1) as BrowserWindow).webContents.id };
    const settings = (createSettingsWindow({ preloadPath: '/app/dist/preload/index.cjs', devTools: false, log, onCreated: () => {} }) as unknown as BrowserWindow).webContents;

    expect(await ask(capture, 'media', { mediaTypes: ['audio'] })).toBe(true);
    expect(check(capture, 'media', { mediaType: 'audio' })).toBe(true);
    expect(await ask(capture, 'media', { mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(await ask(capture, 'media', { mediaTypes: ['video'] })).toBe(false);
    expect(await ask(capture, 'media', { mediaTypes: [] })).toBe(false);
    expect(check(capture, 'media', { mediaType: 'video' })).toBe(false);
    for (const p of ['notifications', 'geolocation', 'clipboard-read', 'display-capture', 'openExternal']) expect(await ask(capture, p)).toBe(false);
    expect(await ask(settings, 'media', { mediaTypes: ['audio'] })).toBe(false);
    expect(check(settings, 'media', { mediaType: 'audio' })).toBe(false);
    expect(await ask(null, 'media', { mediaTypes: ['audio'] })).toBe(false);

    // A closed capture window grants nothing any more.
    h.close();
    expect(await ask(capture, 'media', { mediaTypes: ['audio'] })).toBe(false);
  });
});

describe('the app audio route', () => {
  it('is the capture page by default, on every OS; voice.capture "sox" leaves capture to sox', () => {
    const { h } = host();
    const logger = createLogger({ sink: () => undefined, format: 'json' });
    for (const platform of ['win32', 'linux', 'darwin'] as const) {
      const route = appAudioRoute(h, platform)(ConfigSchema.parse({}), logger);
      expect(route?.sink.name).toBe('app');
      expect(route?.openSource().name).toBe('app');
    }
    expect(appAudioRoute(h, 'win32')(ConfigSchema.parse({ voice: { capture: 'sox' } }), logger)).toBeNull();
  });
});
