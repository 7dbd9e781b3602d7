// Where a model's float buffers live, and which kernels run on them. An Arena is owned by one
// model (or one trainer, or one helper thread's view of either): every buffer it hands out
// lives until the arena is disposed, so a subarray kept anywhere stays the memory it was.
// Nothing is freed behind a view's back; passes that recur (a keystroke's beam, an evaluation)
// reuse their buffers explicitly (network.ts scratchActivations).
//
// Two kinds, chosen once and named by `kernels`:
// - plain: ordinary typed arrays and the TypeScript loops of kernels.ts (tests, no dist/).
// - SIMD: one shared WebAssembly memory and the kernels of simd/*.ts (dist/simd*.wasm). The
//   memory is shared, so growing it never detaches the views already handed out, and helper
//   threads attach to it (Arena.attach) and allocate through the same bump pointer, kept in
//   its first 4 bytes. Every operand the SIMD kernels get must live in this memory; one that
//   does not is a bug and throws, rather than silently running the slow loops.

import { typescriptKernels, type Kernels, type Vec } from './kernels';

/** The exports of dist/simd*.wasm: byte addresses in, nothing allocated. */
interface SimdExports {
  gemmDot(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemmAxpy(c: number, a: number, sAm: number, sAk: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  lstmPointwiseForward(gates: number, c: number, tanhC: number, h: number, cPrev: number, batch: number, hidden: number): void;
  lstmPointwiseBackward(dGates: number, dc: number, dh: number, gates: number, tanhC: number, cPrev: number, batch: number, hidden: number): void;
  gruPointwiseForward(gates: number, hh: number, h: number, hPrev: number, batch: number, hidden: number): void;
  gruPointwiseBackward(dGates: number, dHh: number, dhPrev: number, dh: number, gates: number, hh: number, hPrev: number, batch: number, hidden: number): void;
  rnnPointwiseForward(pre: number, h: number, n: number): void;
  rnnPointwiseBackward(dPre: number, dh: number, h: number, n: number): void;
  addColumnSums(a: number, x: number, rows: number, cols: number): void;
  addInto(y: number, x: number, n: number): void;
  sumOfSquares(x: number, n: number): number;
  adamStep(params: number, grads: number, m: number, v: number, n: number, beta1: number, beta2: number, eps: number, stepSize: number, root2: number): void;
  usePackBuffer(address: number): void;
  PACK_FLOATS: WebAssembly.Global;
  FUSED_MULTIPLY_ADD: WebAssembly.Global;
}

/** Where buffers are allocated and which kernels run on them: an Arena, or Float64 arrays for gradient checks. */
export interface BufferSpace {
  floats(n: number): Vec;
  readonly kernels: Kernels;
}

/** What another thread needs to attach to a SIMD arena's memory. */
export interface ArenaShare {
  wasm: Uint8Array; // the kernels' module bytes
  memory: WebAssembly.Memory;
}

const PAGE = 65_536;
// 1 GiB of address space: a reservation, not an allocation. settings.ts holds models to it.
export const ARENA_MAX_BYTES = 16_384 * PAGE;

interface Simd {
  share: ArenaShare;
  exports: SimdExports;
  top: Int32Array; // [0]: bytes handed out from the bottom, by every thread
  buffers: Set<ArrayBufferLike>; // every buffer object the memory has had here (one per growth)
}

export class Arena implements BufferSpace {
  readonly kernels: Kernels;
  private readonly users = new Set<string>(); // threads attached to the memory
  private disposed = false;

  private constructor(private readonly simd: Simd | undefined) {
    this.kernels = simd ? simdKernels(simd.exports, (x, off) => this.address(x, off)) : typescriptKernels;
    if (simd) simd.exports.usePackBuffer(this.floats(simd.exports.PACK_FLOATS.value as number).byteOffset); // this thread's gemm scratch
  }

  /** A SIMD arena when `simd` (the bytes of dist/simd*.wasm, util/simdKernels.ts) is given, else a plain one. */
  static create(simd: Uint8Array | undefined): Arena {
    return simd ? Arena.simd(simd) : Arena.plain();
  }

  /** Ordinary typed arrays and the TypeScript kernels. */
  static plain(): Arena {
    return new Arena(undefined);
  }

  /** The SIMD kernels of `wasm`, in a new memory, or in `share.memory` (another thread's arena, from share()). */
  static simd(wasm: Uint8Array, memory?: WebAssembly.Memory): Arena {
    const fresh = !memory;
    memory ??= new WebAssembly.Memory({ initial: 16, maximum: ARENA_MAX_BYTES / PAGE, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm.slice()), { env: { memory, abort: () => { throw new Error('simd.wasm aborted'); } } });
    const top = new Int32Array(memory.buffer, 0, 1);
    if (fresh) top[0] = 16; // the pointer's own 16 bytes
    return new Arena({ share: { wasm, memory }, exports: instance.exports as unknown as SimdExports, top, buffers: new Set([memory.buffer]) });
  }

  /** Which kernels do the work: 'wasm-relaxed-simd' (fused multiply-add), 'wasm-simd' or 'typescript'. */
  get kernelName(): string {
    return !this.simd ? 'typescript' : this.simd.exports.FUSED_MULTIPLY_ADD.value ? 'wasm-relaxed-simd' : 'wasm-simd';
  }

  /** The memory and kernels, for a helper thread to attach (undefined for a plain arena). */
  get share(): ArenaShare | undefined {
    return this.simd?.share;
  }

  /** n zeroed floats that live as long as the arena. */
  floats(n: number): Float32Array {
    if (this.disposed) throw new Error('a buffer was asked of a disposed arena (a model used after it was replaced)');
    if (!this.simd) return new Float32Array(n);
    const bytes = Math.max(16, Math.ceil((n * 4) / 16) * 16); // 16-byte aligned blocks
    const address = Atomics.add(this.simd.top, 0, bytes);
    const memory = this.simd.share.memory, short = address + bytes - memory.buffer.byteLength;
    if (short > 0) {
      try {
        memory.grow(Math.ceil(short / PAGE));
      } catch {
        throw new Error(`the model needs more than the ${ARENA_MAX_BYTES / 2 ** 30} GiB its memory can hold: choose a smaller hidden size or batch`);
      }
    }
    return this.floatsAt(address, n).fill(0);
  }

  /** A view of n floats at a byte address of the shared memory (a buffer another thread allocated). */
  floatsAt(address: number, n: number): Float32Array {
    if (!this.simd) throw new Error('floatsAt views a SIMD arena\'s memory; this arena is plain');
    const buffer = this.simd.share.memory.buffer; // a newer object once any thread has grown the memory
    this.simd.buffers.add(buffer);
    return new Float32Array(buffer, address, n);
  }

  /** The byte address of x[off] in the shared memory; throws when x lives elsewhere. */
  address(x: Vec, off = 0): number {
    if (!this.simd?.buffers.has(x.buffer) || !(x instanceof Float32Array)) throw new Error('a buffer from outside this arena reached its SIMD kernels');
    return x.byteOffset + 4 * off;
  }

  /** Records a thread that works in this memory until the returned function is called. */
  attach(user: string): () => void {
    this.users.add(user);
    return () => this.users.delete(user);
  }

  /** Ends the arena: no more buffers. Throws while a thread still works in its memory. */
  dispose(): void {
    if (this.users.size > 0) throw new Error(`an arena was disposed while ${[...this.users].join(', ')} still works in it: stop it first`);
    this.disposed = true;
  }
}

/** The Kernels over the SIMD exports: operands become byte addresses (`at` throws for any outside the memory). */
function simdKernels(x: SimdExports, at: (v: Vec, off?: number) => number): Kernels {
  const ts = typescriptKernels;
  return {
    matmulABt: (c, cOff, a, aOff, b, bOff, m, n, k, acc) => x.gemmDot(at(c, cOff), at(a, aOff), at(b, bOff), m, n, k, acc),
    matmulAB: (c, cOff, a, aOff, b, bOff, m, n, k, acc) => x.gemmAxpy(at(c, cOff), at(a, aOff), k, 1, at(b, bOff), m, n, k, acc),
    matmulAtB: (c, cOff, a, aOff, b, bOff, m, n, k, acc) => x.gemmAxpy(at(c, cOff), at(a, aOff), 1, m, at(b, bOff), m, n, k, acc),
    addColumnSums: (a, v, vOff, rows, cols) => x.addColumnSums(at(a), at(v, vOff), rows, cols),
    addInto: (y, v) => x.addInto(at(y), at(v), y.length),
    // The SIMD pointwise kernels take whole vectors of 4 cells.
    lstmPointwiseForward: (g, gOff, c, cOff, t, tOff, h, hOff, p, pOff, B, H) => (H % 4 !== 0
      ? ts.lstmPointwiseForward(g, gOff, c, cOff, t, tOff, h, hOff, p, pOff, B, H)
      : x.lstmPointwiseForward(at(g, gOff), at(c, cOff), at(t, tOff), at(h, hOff), at(p, pOff), B, H)),
    lstmPointwiseBackward: (dg, dgOff, dc, dh, dhOff, g, gOff, t, tOff, p, pOff, B, H) => (H % 4 !== 0
      ? ts.lstmPointwiseBackward(dg, dgOff, dc, dh, dhOff, g, gOff, t, tOff, p, pOff, B, H)
      : x.lstmPointwiseBackward(at(dg, dgOff), at(dc), at(dh, dhOff), at(g, gOff), at(t, tOff), at(p, pOff), B, H)),
    gruPointwiseForward: (g, gOff, q, qOff, h, hOff, p, pOff, B, H) => (H % 4 !== 0
      ? ts.gruPointwiseForward(g, gOff, q, qOff, h, hOff, p, pOff, B, H)
      : x.gruPointwiseForward(at(g, gOff), at(q, qOff), at(h, hOff), at(p, pOff), B, H)),
    gruPointwiseBackward: (dg, dgOff, dq, dqOff, dp, dpOff, dh, dhOff, g, gOff, q, qOff, p, pOff, B, H) => (H % 4 !== 0
      ? ts.gruPointwiseBackward(dg, dgOff, dq, dqOff, dp, dpOff, dh, dhOff, g, gOff, q, qOff, p, pOff, B, H)
      : x.gruPointwiseBackward(at(dg, dgOff), at(dq, dqOff), at(dp, dpOff), at(dh, dhOff), at(g, gOff), at(q, qOff), at(p, pOff), B, H)),
    rnnPointwiseForward: (p, pOff, h, hOff, B, H) => (H % 4 !== 0
      ? ts.rnnPointwiseForward(p, pOff, h, hOff, B, H)
      : x.rnnPointwiseForward(at(p, pOff), at(h, hOff), B * H)),
    rnnPointwiseBackward: (dp, dpOff, dh, dhOff, h, hOff, B, H) => (H % 4 !== 0
      ? ts.rnnPointwiseBackward(dp, dpOff, dh, dhOff, h, hOff, B, H)
      : x.rnnPointwiseBackward(at(dp, dpOff), at(dh, dhOff), at(h, hOff), B * H)),
    sumOfSquares: (v) => x.sumOfSquares(at(v), v.length),
    adamUpdate: (params, grads, m, v, b1, b2, eps, stepSize, root2) => x.adamStep(at(params), at(grads), at(m), at(v), params.length, b1, b2, eps, stepSize, root2),
  };
}
