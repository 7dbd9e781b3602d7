// Draws media/icon.png, the extension's 128×128 icon: rows of "characters" coloured as the panel
// colours code by a cell (blue below zero, orange above), a cell that switches on inside a
// bracket and off after it. Run once when the design changes: npx tsx scripts/makeIcon.ts
// (the PNG is committed; nothing builds it).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src/util/crc32';

const SIZE = 128;
const pixels = new Uint8Array(SIZE * SIZE * 4); // RGBA

function fill(x0: number, y0: number, w: number, h: number, rgb: number[], radius: number): void {
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const dx = Math.max(x0 + radius - x - 0.5, x - (x0 + w - radius) + 0.5, 0), dy = Math.max(y0 + radius - y - 0.5, y - (y0 + h - radius) + 0.5, 0);
      if (dx * dx + dy * dy > radius * radius) continue;
      pixels.set([...rgb, 255], (y * SIZE + x) * 4);
    }
  }
}

const mix = (a: number[], b: number[], t: number) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
const BACK = [30, 30, 46], NEUTRAL = [62, 64, 84], BLUE = [59, 130, 246], ORANGE = [249, 115, 22];
fill(0, 0, SIZE, SIZE, BACK, 24);
// Row lengths of a small function; the cell is on (positive) inside the bracketed span of each row.
const rows: [number, number, number][] = [[9, 2, 6], [7, 3, 7], [10, 1, 9], [6, 2, 4], [8, 4, 8], [5, 0, 2]]; // length, on from, on to
rows.forEach(([length, from, to], r) => {
  for (let c = 0; c < length; c++) {
    const inside = c >= from && c < to, edge = Math.min(Math.abs(c - from + 0.5), Math.abs(c - to + 0.5));
    const value = inside ? Math.min(1, 0.45 + 0.25 * edge) : -Math.min(1, 0.3 + 0.2 * edge);
    fill(12 + c * 10 + (r % 2) * 2, 14 + r * 17, 8, 13, mix(NEUTRAL, value > 0 ? ORANGE : BLUE, Math.abs(value)), 2);
  }
});

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]), out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1)); // each row: filter 0, then its pixels
for (let y = 0; y < SIZE; y++) raw.set(pixels.subarray(y * SIZE * 4, (y + 1) * SIZE * 4), y * (SIZE * 4 + 1) + 1);
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
fs.writeFileSync(path.resolve(__dirname, '..', 'media', 'icon.png'), png);
