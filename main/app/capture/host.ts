// The capture window's host in main: creates the hidden window on first use, hands its page one MessagePort, and
// gives the core that port (main/core/voice/page-capture.ts turns it into the pipeline's source and sink). A window
// that closes or whose renderer dies is made anew on the next use. It also tells the tray when the microphone opens.
import { MessageChannelMain, type BrowserWindow, type MessagePortMain } from 'electron';
import { APP_ORIGIN } from '../../core/contracts/ipc.js';
import { CAPTURE_PORT_CHANNEL } from '../../core/contracts/capture.js';
import type { CapturePage, CapturePort, TransferredPort } from '../../core/voice/page-capture.js';
import type { IsCaptureContents, PolicyLog } from '../security/web-policies.js';

export interface CaptureHostDeps {
  /** Builds the hidden window (main/app/window.ts createCaptureWindow). */
  createWindow(): BrowserWindow;
  log: PolicyLog;
  /** The tray's "microphone open" mark. */
  onMicrophone?(open: boolean): void;
}

export class CaptureHost implements CapturePage {
  private window: BrowserWindow | null = null;
  private ready: Promise<CapturePort> | null = null;
  private open = false;
  /** Told when the page goes away, so a stream or a reply waiting on it ends instead of hanging. */
  private readonly gone = new Set<() => void>();

  constructor(private readonly deps: CaptureHostDeps) {}

  /** For the session's permission handlers: this window's page alone may open the microphone. */
  readonly isCapture: IsCaptureContents = (contents) => {
    const win = this.window;
    return !!contents && !!win && !win.isDestroyed() && win.webContents.id === contents.id;
  };

  port(): Promise<CapturePort> {
    this.ready ??= this.connect().catch((err: unknown) => {
      this.forget();
      throw err;
    });
    return this.ready;
  }

  microphone(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.deps.onMicrophone?.(open);
  }

  /** Closes the window (the app quits). */
  close(): void {
    const win = this.window;
    this.forget();
    if (win && !win.isDestroyed()) win.close();
  }

  private async connect(): Promise<CapturePort> {
    const win = this.deps.createWindow();
    this.window = win;
    const contents = win.webContents;
    win.once('closed', () => this.forget(win));
    contents.on('render-process-gone', (_e, details: { reason: string }) => {
      this.deps.log.warn('capture page gone', { reason: details.reason });
      this.forget(win);
      if (!win.isDestroyed()) win.close();
    });
    await win.loadURL(`${APP_ORIGIN}/capture.html`);
    const { port1, port2 } = new MessageChannelMain();
    contents.postMessage(CAPTURE_PORT_CHANNEL, null, [port2]);
    port1.start();
    return this.wrap(port1);
  }

  private forget(win?: BrowserWindow): void {
    if (win && win !== this.window) return;
    this.window = null;
    this.ready = null;
    this.microphone(false);
    for (const g of [...this.gone]) g();
  }

  /** MessagePortMain as the core's CapturePort: every message passes on unchecked; the core validates it. */
  private wrap(port: MessagePortMain): CapturePort {
    const listeners = new Set<(raw: unknown, ports: readonly TransferredPort[]) => void>();
    port.on('message', (e: { data: unknown; ports?: MessagePortMain[] }) => {
      const ports = (e.ports ?? []).map(transferred);
      for (const l of [...listeners]) l(e.data, ports);
      for (const p of ports) if (!p.taken) p.close();
    });
    return {
      post: (cmd) => port.postMessage(cmd),
      listen: (listener) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
      closed: (listener) => {
        this.gone.add(listener);
        return () => void this.gone.delete(listener);
      },
    };
  }
}

/** A port the page sent along (a stream's frames, from the capture worker): started when first listened to. */
function transferred(port: MessagePortMain): TransferredPort & { readonly taken: boolean } {
  let taken = false;
  return {
    get taken() {
      return taken;
    },
    listen: (listener) => {
      const onMessage = (e: { data: unknown }) => listener(e.data);
      port.on('message', onMessage);
      if (!taken) port.start();
      taken = true;
      return () => void port.off('message', onMessage);
    },
    close: () => port.close(),
  };
}
