// A minimal WebSocket endpoint (RFC 6455, binary messages from a browser) for the capture page's relay: the test's
// Node side stands in for main, and a loopback socket from a worker of the page is the nearest a browser page comes
// to Electron's MessagePortMain (a pipe straight into main's event loop), unlike Playwright's bindings, which go
// through CDP as JSON. Each message is the capture contract's message: a little-endian u32 header length, the
// message as JSON with its one ArrayBuffer field (if any) left out and named, then that buffer's bytes. Ports the
// page transfers to main (a stream's frame port) are numbered by the worker: the header says which ones a message
// carries, which one a message came on, and which one this side closed.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface RelaySocket {
  send(data: Buffer): void;
  onMessage(listener: (data: Buffer) => void): void;
  close(): void;
}

type Wire = { [k: string]: unknown };

/** Which port a message came on (none: the page's own), the ports it carries, or a port this side closed. */
export interface Route {
  from?: number;
  ports?: number[];
  close?: number;
}

export function encodeWire(msg: Wire, route: Route = {}): Buffer {
  let key: string | null = null;
  const plain: Wire = {};
  for (const [k, v] of Object.entries(msg)) {
    if (!(v instanceof ArrayBuffer)) plain[k] = v;
    else if (key) throw new Error('the relay carries one ArrayBuffer per message');
    else key = k;
  }
  const head = Buffer.from(JSON.stringify({ msg: plain, buffer: key, route }));
  const body = key ? Buffer.from(msg[key] as ArrayBuffer) : Buffer.alloc(0);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([len, head, body]);
}

export function decodeWire(data: Buffer): { msg: Wire; route: Route } {
  const n = data.readUInt32LE(0);
  const { msg, buffer, route } = JSON.parse(data.subarray(4, 4 + n).toString()) as { msg: Wire; buffer: string | null; route?: Route };
  if (buffer) {
    const b = data.subarray(4 + n);
    msg[buffer] = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
  return { msg, route: route ?? {} };
}

/** The same framing in the page's worker (plain JavaScript, served as the worker's script). */
export const WIRE_SCRIPT = `
const enc = new TextEncoder();
const dec = new TextDecoder();
const encodeWire = (msg, route = {}) => {
  let key = null; const plain = {};
  for (const [k, v] of Object.entries(msg)) { if (v instanceof ArrayBuffer) key = k; else plain[k] = v; }
  const head = enc.encode(JSON.stringify({ msg: plain, buffer: key, route }));
  const body = key ? new Uint8Array(msg[key]) : new Uint8Array(0);
  const out = new Uint8Array(4 + head.length + body.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4); out.set(body, 4 + head.length);
  return out.buffer;
};
const decodeWire = (buf) => {
  const n = new DataView(buf).getUint32(0, true);
  const { msg, buffer, route } = JSON.parse(dec.decode(new Uint8Array(buf, 4, n)));
  const transfer = [];
  if (buffer) { msg[buffer] = buf.slice(4 + n); transfer.push(msg[buffer]); }
  return [msg, transfer, route ?? {}];
};`;

/** Completes the handshake on an upgraded request and returns the socket's message side. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex): RelaySocket {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  (socket as Duplex & { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
  const listeners: Array<(data: Buffer) => void> = [];
  let pending: Buffer = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const fin = (pending[0]! & 0x80) !== 0;
      const opcode = pending[0]! & 0x0f;
      const masked = (pending[1]! & 0x80) !== 0;
      let length = pending[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        at = 10;
      }
      const mask = masked ? pending.subarray(at, at + 4) : null;
      if (masked) at += 4;
      if (pending.length < at + length) return;
      const payload = Buffer.from(pending.subarray(at, at + length));
      pending = pending.subarray(at + length);
      if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
      if (opcode === 0x8) {
        socket.destroy();
        return;
      }
      // Text, binary and continuation frames make up messages; the browser sends no pings unasked.
      if (opcode !== 0x0 && opcode !== 0x1 && opcode !== 0x2) continue;
      fragments.push(payload);
      if (!fin) continue;
      const message = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments);
      fragments = [];
      for (const l of listeners) l(message);
    }
  });
  socket.on('error', () => socket.destroy());
  return {
    send(data) {
      if (socket.destroyed) return;
      const head = data.length < 126 ? Buffer.from([0x82, data.length]) : data.length < 65536 ? Buffer.from([0x82, 126, data.length >> 8, data.length & 0xff]) : Buffer.concat([Buffer.from([0x82, 127]), bigLength(data.length)]);
      socket.write(Buffer.concat([head, data]));
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    close() {
      socket.destroy();
    },
  };
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
