// Draws the tray icons as PNGs (no image tools needed): a disc coloured by the tunnel's state (green up, amber
// degraded, red down) with a mark for the voice state (ring idle, dot listening, bars speaking, dot in a ring while
// the microphone is open). 32 px and @2x,
// and the 512 px application icon.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const TUNNEL = { up: [31, 157, 85], degraded: [217, 147, 13], down: [201, 58, 58] };
const VOICE = ['idle', 'listening', 'speaking', 'open'];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGBA PNG from `pixel(x, y)` in unit coordinates, 4x4 supersampled for smooth edges. */
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const ss = 4;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const p = pixel((x + (sx + 0.5) / ss) / size, (y + (sy + 0.5) / ss) / size);
          if (!p) continue;
          r += p[0] * p[3]; g += p[1] * p[3]; b += p[2] * p[3]; a += p[3];
        }
      }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const n = ss * ss;
      raw[o] = a ? Math.round(r / a) : 0;
      raw[o + 1] = a ? Math.round(g / a) : 0;
      raw[o + 2] = a ? Math.round(b / a) : 0;
      raw[o + 3] = Math.round((a / n) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function painter(tunnel, voice) {
  const colour = TUNNEL[tunnel];
  const white = [255, 255, 255, 1];
  return (x, y) => {
    const dx = x - 0.5, dy = y - 0.5;
    const d = Math.hypot(dx, dy);
    if (d > 0.47) return null;
    if (voice === 'idle' && d > 0.15 && d < 0.24) return white;
    if (voice === 'listening' && d < 0.2) return white;
    if (voice === 'open' && (d < 0.12 || (d > 0.2 && d < 0.28))) return white;
    if (voice === 'speaking') {
      for (const [cx, h] of [[-0.16, 0.12], [0, 0.22], [0.16, 0.12]]) {
        if (Math.abs(dx - cx) < 0.045 && Math.abs(dy) < h) return white;
      }
    }
    return [...colour, 1];
  };
}

/** Writes every icon into `dir`; returns the names written. */
export function makeTrayIcons(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const names = [];
  for (const tunnel of Object.keys(TUNNEL)) {
    for (const voice of VOICE) {
      const name = `tunnel-${tunnel}-${voice}`;
      fs.writeFileSync(path.join(dir, `${name}.png`), png(32, painter(tunnel, voice)));
      fs.writeFileSync(path.join(dir, `${name}@2x.png`), png(64, painter(tunnel, voice)));
      names.push(name);
    }
  }
  return names;
}

/** The application icon (installer, taskbar, .deb): the "up" disc at 512 px; electron-builder derives the rest. */
export function makeAppIcon(file) {
  fs.writeFileSync(file, png(512, painter('up', 'idle')));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(makeTrayIcons(process.argv[2] ?? 'resources/tray').join('\n'));
  makeAppIcon('build/icon.png');
}
