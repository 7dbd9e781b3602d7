// Turns on the WebAssembly SIMD kernels (model/wasmMemory.ts) in this thread, from the
// dist/simd.wasm that esbuild.js builds. Each worker and the CLI call it once at start; without
// the file (a test running from sources) the TypeScript kernels do the work, only slower.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { enableSimd } from '../model/wasmMemory';

/** Enables the SIMD kernels from `distDir`/simd.wasm; false when the file is not there. */
export function useSimdKernels(distDir: string): boolean {
  const file = path.join(distDir, 'simd.wasm');
  if (!fs.existsSync(file)) return false;
  enableSimd(fs.readFileSync(file));
  return true;
}
