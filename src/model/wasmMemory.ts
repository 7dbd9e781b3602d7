// The shared WebAssembly memory that the SIMD kernels (simd/*.ts, built into dist/simd.wasm)
// work in, and the float buffers allocated in it. Once a worker calls enableSimd, `floats(n)`
// places model buffers (parameters, gradients, Adam's moments, activations) there, and
// kernels.ts and adam.ts hand work whose operands all live there to WebAssembly.
// Without it (tests of the reference loops, Float64 gradient checks) everything stays in
// ordinary typed arrays.
// The memory is shared, so growing it never detaches the views already handed out, and the
// threads of a parallel training step work in one memory (each allocating through the bump
// pointer kept at its address 0). A buffer's block returns to its thread's free list when its
// view is garbage collected, so owners must keep the view they were given (subarrays of it are
// fine while it lives).

export interface SimdKernels {
  gemmDot(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemmAxpy(c: number, a: number, sAm: number, sAk: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  lstmPointwiseForward(gates: number, c: number, tanhC: number, h: number, cPrev: number, batch: number, hidden: number): void;
  lstmPointwiseBackward(dGates: number, dc: number, dh: number, gates: number, tanhC: number, cPrev: number, batch: number, hidden: number): void;
  addColumnSums(a: number, b: number, x: number, rows: number, cols: number): void;
  addInto(y: number, x: number, n: number): void;
  sumOfSquares(x: number, n: number): number;
  adamStep(params: number, grads: number, m: number, v: number, n: number, beta1: number, beta2: number, eps: number, stepSize: number, root2: number): void;
  usePackBuffer(address: number): void;
  PACK_FLOATS: WebAssembly.Global;
  FUSED_MULTIPLY_ADD: WebAssembly.Global;
}

const PAGE = 65_536;
// 1 GiB of address space: a reservation, not an allocation; the largest models need ~300 MB.
const MAX_PAGES = 16_384;

interface Arena {
  memory: WebAssembly.Memory;
  wasm: Uint8Array; // the module's bytes, for other threads to instantiate
  kernels: SimdKernels;
  buffers: Set<ArrayBufferLike>; // every buffer object the memory has had (one per growth)
  top: Int32Array; // [0]: bytes handed out from the bottom, shared by the threads
  free: Map<number, number[]>; // block size in bytes → free block addresses
  registry: FinalizationRegistry<{ address: number; bytes: number }>;
  pack?: Float32Array; // this thread's scratch for gemmAxpy, kept alive here
}

let arena: Arena | undefined;

/**
 * Instantiates the SIMD kernels from dist/simd.wasm's bytes, in a new memory or in `shared`, the
 * memory of another thread (simdMemory()); from now on `floats` allocates in it. Returns the
 * way back (buffers already handed out stay valid).
 */
export function enableSimd(wasm: Uint8Array, shared?: WebAssembly.Memory): () => void {
  const memory = shared ?? new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm.slice()), { env: { memory, abort: () => { throw new Error('simd.wasm aborted'); } } });
  const free = new Map<number, number[]>();
  const top = new Int32Array(memory.buffer, 0, 1);
  if (!shared) top[0] = 16; // the pointer's own 16 bytes
  arena = {
    memory, wasm, kernels: instance.exports as unknown as SimdKernels, buffers: new Set([memory.buffer]), top, free,
    registry: new FinalizationRegistry(({ address, bytes }) => free.get(bytes)?.push(address) ?? free.set(bytes, [address])),
  };
  arena.pack = floats(arena.kernels.PACK_FLOATS.value as number);
  arena.kernels.usePackBuffer(arena.pack.byteOffset);
  return () => (arena = undefined);
}

/** The kernels' module and the memory they work in, for another thread to share (enableSimd's arguments). */
export function simdShare(): { wasm: Uint8Array; memory: WebAssembly.Memory } | undefined {
  return arena && { wasm: arena.wasm, memory: arena.memory };
}

/** Whether the SIMD kernels are in use. */
export function simdEnabled(): boolean {
  return arena !== undefined;
}

/** Which kernels do the work: 'wasm-relaxed-simd' (fused multiply-add), 'wasm-simd' or 'typescript'. */
export function kernelsInUse(): string {
  return !arena ? 'typescript' : arena.kernels.FUSED_MULTIPLY_ADD.value ? 'wasm-relaxed-simd' : 'wasm-simd';
}

/** n zeroed floats: in the SIMD kernels' memory when enabled. */
export function floats(n: number): Float32Array {
  if (!arena) return new Float32Array(n);
  const bytes = Math.max(16, Math.ceil((n * 4) / 16) * 16); // 16-byte aligned blocks
  let address = arena.free.get(bytes)?.pop();
  if (address === undefined) {
    address = Atomics.add(arena.top, 0, bytes);
    const short = address + bytes - arena.memory.buffer.byteLength;
    if (short > 0) arena.memory.grow(Math.ceil(short / PAGE));
  }
  const view = floatsAt(address, n);
  view.fill(0);
  arena.registry.register(view, { address, bytes });
  return view;
}

/** A view of n floats at a byte address of the kernels' memory (a buffer another thread allocated). */
export function floatsAt(address: number, n: number): Float32Array {
  if (!arena) throw new Error('floatsAt needs the SIMD kernels enabled');
  const buffer = arena.memory.buffer; // a newer object once any thread has grown the memory
  arena.buffers.add(buffer);
  return new Float32Array(buffer, address, n);
}

/** The byte address of a buffer in the kernels' memory, or undefined when `x` lives elsewhere. */
export function simdAddress(x: Float32Array | Float64Array): number | undefined {
  return arena && x instanceof Float32Array && arena.buffers.has(x.buffer) ? x.byteOffset : undefined;
}

export function simdKernels(): SimdKernels | undefined {
  return arena?.kernels;
}
