// The capture page in real headless Chromium with a fake microphone fed from a WAV file: the built page is served
// through the real protocol handler (with its CSP header) at http://127.0.0.1 (getUserMedia needs a secure
// context), and a stand-in preload hands it a MessagePort exactly as preload/capture.ts does. The port's other end
// is relayed to this Node process, which stands in for main over the same messages (contracts/capture.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppProtocolHandler } from '../../main/app/security/protocol.js';
import { CAPTURE_PORT_MESSAGE, type CaptureCommand } from '../../main/core/contracts/capture.js';
import type { CapturePage, CapturePort } from '../../main/core/voice/page-capture.js';
import { CHROMIUM_ARGS } from './page.js';

/** Serves the built renderer as jett://app would, on a random loopback port; closed with the returned function. */
export async function serveRenderer(rendererDir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const serve = createAppProtocolHandler(rendererDir);
  const server = http.createServer((req, res) => {
    void serve(new Request(`jett://app${new URL(req.url ?? '/', 'http://x').pathname}`)).then(async (r) => {
      const headers: Record<string, string> = {};
      r.headers.forEach((value, key) => void (headers[key] = value));
      res.writeHead(r.status, headers);
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * `headless: false` with `--headless` in the flags: Playwright's own headless mode adds `--mute-audio`, which takes
 * away the echo canceller's reference (the <audio> playback). The fake device loops the file from its start at
 * each getUserMedia.
 */
export async function launchWithMicrophone(wavFile: string): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: false,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavFile}`,
      // Electron's capture window sets autoplayPolicy 'no-user-gesture-required' the same way.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

type Wire = { [k: string]: unknown };

/** ArrayBuffers cross the relay as base64 (the binding carries JSON only), and come back as ArrayBuffers. */
function encode(msg: Wire): Wire {
  const out: Wire = {};
  for (const [k, v] of Object.entries(msg)) out[k] = v instanceof ArrayBuffer ? { base64: Buffer.from(v).toString('base64') } : v;
  return out;
}

function decode(msg: Wire): Wire {
  const out: Wire = {};
  for (const [k, v] of Object.entries(msg)) {
    if (v && typeof v === 'object' && 'base64' in v) {
      const b = Buffer.from((v as { base64: string }).base64, 'base64');
      out[k] = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    } else out[k] = v;
  }
  return out;
}

/** Runs in the page before its scripts: what preload/capture.ts does, plus the relay to Node. */
const STAND_IN_PRELOAD = `(() => {
  const channel = new MessageChannel();
  const toBase64 = (buf) => { let s = ''; const b = new Uint8Array(buf); for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000)); return btoa(s); };
  const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer;
  channel.port1.onmessage = (e) => {
    const out = {};
    for (const [k, v] of Object.entries(e.data)) out[k] = v instanceof ArrayBuffer ? { base64: toBase64(v) } : v;
    window.__jettRelay(out);
  };
  window.__jettSend = (msg) => {
    const out = {}; const transfer = [];
    for (const [k, v] of Object.entries(msg)) { if (v && typeof v === 'object' && 'base64' in v) { out[k] = fromBase64(v.base64); transfer.push(out[k]); } else out[k] = v; }
    channel.port1.postMessage(out, transfer);
  };
  window.addEventListener('load', () => window.postMessage(${JSON.stringify(CAPTURE_PORT_MESSAGE)}, '*', [channel.port2]));
})();`;

export interface OpenedCapturePage extends CapturePage {
  page: Page;
  problems: string[];
  /** Every command this side sent, in order (what main would have posted). */
  sent: CaptureCommand[];
}

export async function openCapturePage(browser: Browser, origin: string): Promise<OpenedCapturePage> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const listeners = new Set<(raw: unknown) => void>();
  await page.exposeBinding('__jettRelay', (_source, msg: Wire) => {
    const decoded = decode(msg);
    for (const l of [...listeners]) l(decoded);
  });
  await page.addInitScript({ content: STAND_IN_PRELOAD });
  await page.goto(`${origin}/capture.html`);
  await page.waitForFunction(() => document.readyState === 'complete');
  const sent: CaptureCommand[] = [];
  const port: CapturePort = {
    post: (cmd) => {
      sent.push(cmd);
      void page.evaluate((m) => (window as unknown as { __jettSend(m: unknown): void }).__jettSend(m), encode(cmd as Wire)).catch(() => undefined);
    },
    listen: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { page, problems, sent, port: async () => port };
}
