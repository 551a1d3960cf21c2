// The one source of Clave's icons: a terminal prompt (">_"), drawn here as geometry and rendered
// to PNG without dependencies. Writes, next to this file unless --out DIR is given:
//   trayTemplate.png, trayTemplate@2x.png  menu-bar template (black + alpha; macOS tints it)
//   icon.png                               1024 px app icon (electron-builder makes the .icns)
// Regenerate and commit after changing a shape:  npm run icons
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

// --- geometry, in a 16-unit design square --------------------------------------------------

/** Distance from (x, y) to the segment (x1, y1)–(x2, y2). */
function segDist(x, y, [x1, y1, x2, y2]) {
  const [dx, dy] = [x2 - x1, y2 - y1];
  const k = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x1 + k * dx), y - (y1 + k * dy));
}

/** Distance to a rounded rectangle's edge: < 0 inside (exact within `rad` of the edge). */
function roundedRectDist(x, y, [l, t, r, b], rad) {
  const cx = Math.min(Math.max(x, l + rad), r - rad);
  const cy = Math.min(Math.max(y, t + rad), b - rad);
  return Math.hypot(x - cx, y - cy) - rad;
}

const STROKE = 0.75; // half-width of the prompt's strokes
const CHEVRON = [
  [4.6, 5.8, 7.4, 8.2],
  [7.4, 8.2, 4.6, 10.6],
];
const CURSOR = [8.8, 10.6, 11.4, 10.6];
const inChevron = (x, y) => CHEVRON.some((s) => segDist(x, y, s) <= STROKE);
const inCursor = (x, y) => segDist(x, y, CURSOR) <= STROKE;

// --- the two drawings: paint(x, y) → [r, g, b, a] (0…255) at a design point ------------------

/** Menu bar: the window's outline around the prompt, black. */
function trayPaint(x, y) {
  const d = roundedRectDist(x, y, [1.5, 2.5, 14.5, 13.5], 2.2);
  const hit = (d <= 0 && d > -1.4) || inChevron(x, y) || inCursor(x, y);
  return [0, 0, 0, hit ? 255 : 0];
}

/** App icon: a dark tile on Apple's icon grid (824 of 1024 px), green prompt, light cursor. */
function appPaint(x, y) {
  if (inChevron(x, y)) return [126, 224, 161, 255];
  if (inCursor(x, y)) return [232, 236, 243, 255];
  // The tile fills the design square: 16 units = 824 px; its corner radius is 185 px.
  if (roundedRectDist(x, y, [0, 0, 16, 16], (185 / 824) * 16) > 0) return [0, 0, 0, 0];
  const k = y / 16; // vertical gradient, lighter at the top
  const mix = (a, b) => Math.round(a + (b - a) * k);
  return [mix(43, 20), mix(50, 24), mix(69, 33), 255];
}

// --- rendering ---------------------------------------------------------------------------------

/**
 * Renders `paint` into a size×size RGBA buffer; the design square covers `inner` pixels centred
 * in the image. Each pixel averages ss×ss samples (premultiplied), which anti-aliases the edges.
 */
function render(size, paint, { inner = size, ss = 8 } = {}) {
  const px = Buffer.alloc(size * size * 4);
  const offset = (size - inner) / 2;
  for (let py = 0; py < size; py++) {
    for (let pxx = 0; pxx < size; pxx++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++)
        for (let sx = 0; sx < ss; sx++) {
          const x = ((pxx + (sx + 0.5) / ss - offset) * 16) / inner;
          const y = ((py + (sy + 0.5) / ss - offset) * 16) / inner;
          const [cr, cg, cb, ca] = paint(x, y);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      const i = (py * size + pxx) * 4;
      if (a > 0) {
        px[i] = Math.round(r / a);
        px[i + 1] = Math.round(g / a);
        px[i + 2] = Math.round(b / a);
      }
      px[i + 3] = Math.round(a / (ss * ss));
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
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outArg = process.argv.indexOf('--out');
const out =
  outArg >= 0
    ? path.resolve(process.argv[outArg + 1])
    : fileURLToPath(new URL('.', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'trayTemplate.png'), render(16, trayPaint));
writeFileSync(path.join(out, 'trayTemplate@2x.png'), render(32, trayPaint));
writeFileSync(path.join(out, 'icon.png'), render(1024, appPaint, { inner: 824, ss: 4 }));
