// The part of the WebAssembly JavaScript API the SIMD kernels use (wasmMemory.ts,
// simdKernels.ts). Every host has it: Node, worker threads, webviews. Declared here because the model's tsconfig admits no
// environment types; the root tsconfig reads this file too (@types/node declares no Memory).
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Global {
    readonly value: unknown;
  }
  function validate(bytes: Uint8Array): boolean;
}
