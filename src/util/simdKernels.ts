// Finds the WebAssembly SIMD kernels (model/arena.ts) this runtime runs, from what esbuild.js
// builds: dist/simd-relaxed.wasm (fused multiply-add) where the runtime runs it, else
// dist/simd.wasm. Workers and the CLI pass the bytes to Arena.create for each model; without
// the files (a test running from sources) arenas are plain and the TypeScript kernels do the
// work, only slower.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';

const BUILDS = ['simd-relaxed.wasm', 'simd.wasm']; // fastest first

/** The fastest SIMD build in `distDir` this runtime runs; undefined when there is none. */
export function simdBuild(distDir: string): Uint8Array | undefined {
  for (const name of BUILDS) {
    const file = path.join(distDir, name);
    const wasm = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    if (wasm && runsHere(wasm)) return wasm;
  }
  return undefined;
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
