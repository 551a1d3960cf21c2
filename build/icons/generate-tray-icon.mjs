// Draws the menu-bar template icon (black + alpha; macOS tints it for light and dark menu bars):
// a terminal window with a prompt. Writes trayTemplate.png (16 pt) and trayTemplate@2x.png.
//   node build/icons/generate-tray-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const dir = new URL('.', import.meta.url);

/** Coverage (0…1) of the point (x, y) in a 16×16 design. */
function inside(x, y) {
  // Rounded-rectangle outline: the window.
  const [l, t, r, b, rad, w] = [1.5, 2.5, 14.5, 13.5, 2.2, 1.4];
  const roundedDist = () => {
    const cx = Math.min(Math.max(x, l + rad), r - rad);
    const cy = Math.min(Math.max(y, t + rad), b - rad);
    return Math.hypot(x - cx, y - cy) - rad; // < 0 inside the rounded rectangle
  };
  const d = roundedDist();
  if (d <= 0 && d > -w) return true;
  // Prompt chevron ">".
  const seg = (x1, y1, x2, y2, half) => {
    const [dx, dy] = [x2 - x1, y2 - y1];
    const k = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (x1 + k * dx), y - (y1 + k * dy)) <= half;
  };
  if (seg(4.6, 5.8, 7.4, 8.2, 0.75) || seg(7.4, 8.2, 4.6, 10.6, 0.75)) return true;
  // Cursor "_".
  if (seg(8.8, 10.6, 11.4, 10.6, 0.75)) return true;
  return false;
}

function render(size) {
  const ss = 8;
  const px = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let pxx = 0; pxx < size; pxx++) {
      let hits = 0;
      for (let sy = 0; sy < ss; sy++)
        for (let sx = 0; sx < ss; sx++) {
          const x = ((pxx + (sx + 0.5) / ss) * 16) / size;
          const y = ((py + (sy + 0.5) / ss) * 16) / size;
          if (inside(x, y)) hits++;
        }
      const i = (py * size + pxx) * 4;
      px[i + 3] = Math.round((hits / (ss * ss)) * 255); // RGB stay 0: black
    }
  }
  return png(size, size, px);
}

function png(width, height, rgba) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

writeFileSync(new URL('trayTemplate.png', dir), render(16));
writeFileSync(new URL('trayTemplate@2x.png', dir), render(32));
