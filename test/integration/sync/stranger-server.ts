// A stranger holding the VPS address on the desktop's LAN (run inside the test's VPS-side namespace): it speaks
// just enough PostgreSQL to ask for the password the wrong way, or just enough HTTP to take a heartbeat, and prints
// every byte it receives as JSON lines {port, conn, data (base64)} so the test can look for the password.
import net from 'node:net';

export type StrangerMode = 'cleartext' | 'md5' | 'sasl-then-cleartext' | 'trust' | 'http';

function msg(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), len, body]);
}

function auth(code: number, extra: Buffer = Buffer.alloc(0)): Buffer {
  const c = Buffer.alloc(4);
  c.writeInt32BE(code);
  return msg('R', Buffer.concat([c, extra]));
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** What the stranger says once the startup message is in, and after the client's next message. */
function script(mode: StrangerMode): { afterStartup: Buffer; afterNext: Buffer | null } {
  switch (mode) {
    case 'cleartext':
      return { afterStartup: auth(3), afterNext: null };
    case 'md5':
      return { afterStartup: auth(5, Buffer.from([1, 2, 3, 4])), afterNext: null };
    case 'sasl-then-cleartext':
      // Offer SCRAM, then, once the client has started it, ask for the password in cleartext instead.
      return { afterStartup: auth(10, Buffer.from('SCRAM-SHA-256\0\0')), afterNext: auth(3) };
    case 'trust':
      // Let the client in without any password, in one write, hoping it sends its events.
      return {
        afterStartup: Buffer.concat([auth(0), msg('S', Buffer.from('server_version\x0015.0\x00')), msg('K', Buffer.concat([int32(4242), int32(1)])), msg('Z', Buffer.from('I'))]),
        afterNext: null,
      };
    case 'http':
      return { afterStartup: Buffer.alloc(0), afterNext: null };
  }
}

const ports = JSON.parse(process.argv[2] ?? '{}') as Record<string, StrangerMode>;
const host = process.argv[3] ?? '0.0.0.0';
let conns = 0;
let listening = 0;
for (const [portText, mode] of Object.entries(ports)) {
  const port = Number(portText);
  net
    .createServer((socket) => {
      const conn = ++conns;
      let seen = 0;
      let startupLen: number | null = null;
      let answeredNext = false;
      const say = script(mode);
      socket.on('data', (d: Buffer) => {
        process.stdout.write(`${JSON.stringify({ port, conn, data: d.toString('base64') })}\n`);
        seen += d.length;
        if (mode === 'http') {
          if (d.includes('\r\n\r\n')) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
          return;
        }
        if (startupLen === null && seen >= 4) {
          startupLen = d.readInt32BE(0);
          socket.write(say.afterStartup);
        } else if (startupLen !== null && seen > startupLen && !answeredNext && say.afterNext) {
          answeredNext = true;
          socket.write(say.afterNext);
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => process.stdout.write(`${JSON.stringify({ port, conn, closed: true })}\n`));
    })
    .listen(port, host, () => {
      if (++listening === Object.keys(ports).length) process.stdout.write(`${JSON.stringify({ listening: true })}\n`);
    });
}
