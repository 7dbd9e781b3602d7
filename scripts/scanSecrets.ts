// What the secret masking (src/files/secrets.ts) costs and marks on a tree of code, as one JSON
// line: files and characters read, the values its random-looking test marks (and they, to
// check by eye), the milliseconds maskSecrets took, and the share of random strings it catches.
//   usage: npm run scan:secrets -- DIR [DIR …]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { looksRandom, maskSecrets } from '../src/files/secrets';
import { Rng } from '../src/util/rng';

const CODE = /\.(c|h|ts|js|py|go|rs|java)$/;
const VALUE = /(?<=["'`=:]\s*)[A-Za-z0-9+/=_-]{20,}(?![A-Za-z0-9+/=_-])/g; // as secrets.ts reads values

async function main(): Promise<void> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && CODE.test(e.name)) files.push(full);
    }
  };
  process.argv.slice(2).forEach((d) => walk(path.resolve(d)));
  let chars = 0, ms = 0;
  const marked: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    chars += text.length;
    for (const m of text.matchAll(VALUE)) if (looksRandom(m[0])) marked.push(`${path.basename(file)}: ${m[0]}`);
    const t0 = performance.now();
    await maskSecrets(text, file);
    ms += performance.now() - t0;
  }
  const rng = new Rng(1), pick = (n: number, a: string) => Array.from({ length: n }, () => a[rng.nextUint32() % a.length]).join('');
  const b62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const caught = (make: (i: number) => string) => Array.from({ length: 1000 }, (_, i) => looksRandom(make(i))).filter(Boolean).length / 1000;
  console.log(JSON.stringify({
    files: files.length, chars, random_marked: marked.length, marked, mask_ms: Math.round(ms), ms_per_file: Math.round((ms / Math.max(1, files.length)) * 100) / 100,
    caught_base62_64_20_to_49: caught((i) => pick(20 + (i % 30), i % 2 ? b62 : `${b62}+/`)), caught_hex_32_to_64: caught((i) => pick(32 + (i % 33), '0123456789abcdef')),
  }));
}

void main();
