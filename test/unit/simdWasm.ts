// dist/simd.wasm (or, relaxed, dist/simd-relaxed.wasm) for tests, built by esbuild.js's own
// step into a temporary folder, so that the SIMD kernels can be tested without a prior build.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runsHere } from '../../src/util/simdKernels';

// `kernels`: what kernelsInUse() says once the build is enabled.
export const SIMD_BUILDS = [
  { name: 'WebAssembly SIMD', relaxed: false, kernels: 'wasm-simd' },
  { name: 'WebAssembly relaxed SIMD (fused multiply-add)', relaxed: true, kernels: 'wasm-relaxed-simd' },
];

export async function buildSimdWasm(relaxed = false): Promise<Uint8Array> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-simd-')), 'simd.wasm');
  const { buildSimdKernels } = require('../../esbuild.js') as { buildSimdKernels: (outFile: string, relaxed: boolean) => Promise<void> };
  await buildSimdKernels(out, relaxed);
  const wasm = fs.readFileSync(out);
  if (!runsHere(wasm)) throw new Error(`this Node (${process.version}) cannot run ${relaxed ? 'relaxed ' : ''}WebAssembly SIMD`);
  return wasm;
}
