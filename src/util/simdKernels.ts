// Turns on the WebAssembly SIMD kernels (model/wasmMemory.ts) in this thread, from what
// esbuild.js builds: dist/simd-relaxed.wasm (fused multiply-add) where the runtime runs it, else
// dist/simd.wasm. Each worker and the CLI call it once at start; without the files (a test
// running from sources) the TypeScript kernels do the work, only slower.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { enableSimd } from '../model/wasmMemory';

const BUILDS = ['simd-relaxed.wasm', 'simd.wasm']; // fastest first

/** Enables the fastest SIMD kernels this runtime runs from `distDir`; false when there are none. */
export function useSimdKernels(distDir: string): boolean {
  for (const name of BUILDS) {
    const file = path.join(distDir, name);
    const wasm = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    if (wasm && runsHere(wasm)) {
      enableSimd(wasm);
      return true;
    }
  }
  return false;
}

/**
 * Whether this runtime runs `wasm`. V8 ships relaxed SIMD from 11.4 (Node 22, VS Code's
 * Electron); Node 20 has it behind a flag, turned on here when needed: it only lets modules use
 * those instructions.
 */
export function runsHere(wasm: Uint8Array): boolean {
  if (!WebAssembly.validate(wasm)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(wasm);
}
