// dist/simd.wasm for tests, built by esbuild.js's own step into a temporary folder, so that
// the SIMD kernels can be tested without a prior build.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export async function buildSimdWasm(): Promise<Uint8Array> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-simd-')), 'simd.wasm');
  const { buildSimdKernels } = require('../../esbuild.js') as { buildSimdKernels: (outFile: string) => Promise<void> };
  await buildSimdKernels(out);
  return fs.readFileSync(out);
}
