// The capture page in real headless Chromium with a fake microphone fed from a WAV file: the built page is served
// through the real protocol handler (with its CSP header) at http://127.0.0.1 (getUserMedia needs a secure
// context), and a stand-in preload hands it a MessagePort exactly as preload/capture.ts does. The port's other end
// goes to a worker of the page, which carries every message over a loopback WebSocket to this Node process (as
// Electron's MessagePortMain carries it to main, off the page's main thread), and so do the ports the page transfers
// to main (a stream's frames, which the capture worker posts itself); this process stands in for main over the
// same messages (contracts/capture.ts). Every wait has a time limit, and closing the server closes every socket.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppProtocolHandler } from '../../main/app/security/protocol.js';
import { CAPTURE_PORT_MESSAGE, type CaptureCommand } from '../../main/core/contracts/capture.js';
import type { CapturePage, CapturePort, TransferredPort } from '../../main/core/voice/page-capture.js';
import { CHROMIUM_ARGS } from './page.js';
import { acceptWebSocket, decodeWire, encodeWire, WIRE_SCRIPT, type RelaySocket } from './ws-relay.js';

/** How long the page's relay may take to connect before openCapturePage fails (a loaded machine included). */
const RELAY_CONNECT_MS = 20_000;

/**
 * The relay worker: owns the port's other end (as main does in the app) and joins it to the WebSocket, with every
 * port the page transfers on it, numbered in order.
 */
const RELAY_WORKER = `${WIRE_SCRIPT}
onmessage = (e) => {
  const port = e.ports[0];
  const ws = new WebSocket('ws://' + location.host + '/__relay/' + e.data.id);
  ws.binaryType = 'arraybuffer';
  const transferred = [];
  const carry = (p) => {
    const from = transferred.push(p) - 1;
    p.onmessage = (m) => ws.send(encodeWire(m.data, { from }));
    return from;
  };
  // The port holds the page's messages until the socket is open.
  ws.onopen = () => { port.onmessage = (m) => ws.send(encodeWire(m.data, { ports: m.ports.map(carry) })); };
  ws.onmessage = (m) => {
    const [msg, transfer, route] = decodeWire(m.data);
    if (route.close === undefined) return port.postMessage(msg, transfer);
    transferred[route.close]?.close();
    transferred[route.close] = null;
  };
  ws.onclose = () => port.close();
  onmessage = null;
};`;

/** A served renderer's relays still waiting for their worker to connect, by id. */
const relays = new Map<string, Map<string, (socket: RelaySocket) => void>>();

/**
 * Serves the built renderer as jett://app would, on a random loopback port, plus the relay worker's script
 * (/__relay-worker.js, whose own policy lets it reach this server's socket) and its WebSocket (/__relay/<id>);
 * closed, with every relay socket, by the returned function.
 */
export async function serveRenderer(rendererDir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const serve = createAppProtocolHandler(rendererDir);
  let host = '';
  const server = http.createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === '/__relay-worker.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'content-security-policy': `default-src 'none'; connect-src ws://${host}`, 'cross-origin-resource-policy': 'same-origin' });
      res.end(RELAY_WORKER);
      return;
    }
    void serve(new Request(`jett://app${new URL(req.url ?? '/', 'http://x').pathname}`)).then(async (r) => {
      const headers: Record<string, string> = {};
      r.headers.forEach((value, key) => void (headers[key] = value));
      res.writeHead(r.status, headers);
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  const waiting = new Map<string, (socket: RelaySocket) => void>();
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    const id = /^\/__relay\/([0-9a-f]+)$/.exec(req.url ?? '')?.[1];
    const connected = id ? waiting.get(id) : undefined;
    if (!id || !connected) return void socket.destroy();
    waiting.delete(id);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    connected(acceptWebSocket(req, socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const origin = `http://${host}`;
  relays.set(origin, waiting);
  return {
    origin,
    close: () => {
      relays.delete(origin);
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
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

/** Runs in the page before its scripts: what preload/capture.ts does, with the relay worker as main. */
function standInPreload(id: string): string {
  return `(() => {
  if (location.pathname !== '/capture.html') return;
  const channel = new MessageChannel();
  new Worker('/__relay-worker.js').postMessage({ id: ${JSON.stringify(id)} }, [channel.port1]);
  window.addEventListener('load', () => window.postMessage(${JSON.stringify(CAPTURE_PORT_MESSAGE)}, '*', [channel.port2]));
})();`;
}

export interface OpenedCapturePage extends CapturePage {
  page: Page;
  problems: string[];
  /** Every command this side sent, in order (what main would have posted). */
  sent: CaptureCommand[];
}

/** The relay's socket once its worker connects, or an error after RELAY_CONNECT_MS (the id is then forgotten). */
function relayConnection(waiting: Map<string, (socket: RelaySocket) => void>, id: string): Promise<RelaySocket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`the capture page's relay worker did not connect within ${RELAY_CONNECT_MS / 1000} s`));
    }, RELAY_CONNECT_MS);
    waiting.set(id, (socket) => {
      clearTimeout(timer);
      resolve(socket);
    });
  });
}

/** Port `n` of the page's worker as main's TransferredPort: its messages come tagged with `n`; closing it tells the worker. */
function relayedPort(n: number, carried: Map<number, Set<(raw: unknown) => void>>, socket: RelaySocket): TransferredPort & { readonly taken: boolean } {
  const mine = new Set<(raw: unknown) => void>();
  carried.set(n, mine);
  let taken = false;
  return {
    get taken() {
      return taken;
    },
    listen: (l) => {
      taken = true;
      mine.add(l);
      return () => void mine.delete(l);
    },
    close: () => {
      if (carried.get(n) !== mine) return;
      carried.delete(n);
      socket.send(encodeWire({}, { close: n }));
    },
  };
}

export async function openCapturePage(browser: Browser, origin: string): Promise<OpenedCapturePage> {
  const waiting = relays.get(origin);
  if (!waiting) throw new Error(`${origin} is not served by serveRenderer`);
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const id = crypto.randomBytes(8).toString('hex');
  const connected = relayConnection(waiting, id);
  // Awaited below whatever happens first, so a failed load does not leave it rejected unheard.
  connected.catch(() => undefined);
  await page.addInitScript({ content: standInPreload(id) });
  await page.goto(`${origin}/capture.html`);
  const socket = await connected;
  page.on('close', () => socket.close());
  const listeners = new Set<(raw: unknown, ports: readonly TransferredPort[]) => void>();
  /** The listeners of each port the page transferred, by the worker's number. */
  const carried = new Map<number, Set<(raw: unknown) => void>>();
  socket.onMessage((data) => {
    const { msg, route } = decodeWire(data);
    if (route.from !== undefined) {
      for (const l of [...(carried.get(route.from) ?? [])]) l(msg);
      return;
    }
    const ports = (route.ports ?? []).map((n) => relayedPort(n, carried, socket));
    for (const l of [...listeners]) l(msg, ports);
    // As main's host does: a port no listener took is closed.
    for (const p of ports) if (!p.taken) p.close();
  });
  const sent: CaptureCommand[] = [];
  const port: CapturePort = {
    post: (cmd) => {
      sent.push(cmd);
      socket.send(encodeWire(cmd as { [k: string]: unknown }));
    },
    listen: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { page, problems, sent, port: async () => port };
}
