// dist/gemm.wasm for tests, built by esbuild.js's own step into a temporary folder, so that
// the SIMD kernels can be tested without a prior build.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export async function buildGemmWasm(): Promise<Uint8Array> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-gemm-')), 'gemm.wasm');
  const { buildGemm } = require('../../esbuild.js') as { buildGemm: (outFile: string) => Promise<void> };
  await buildGemm(out);
  return fs.readFileSync(out);
}
