// WebAssembly SIMD matrix products (AssemblyScript, built by esbuild.js with asc into
// dist/simd.wasm): the fast path behind kernels.ts's matmulABt/AB/AtB when every operand lives
// in the shared WebAssembly memory (see ../wasmMemory.ts). Pointers are byte addresses into
// that memory; matrices are f32, row-major. The TypeScript loops in kernels.ts are the
// reference these are tested against. Built twice: with relaxed SIMD (a fused multiply-add,
// where the runtime has it: Node 22+, VS Code's Electron) and without (Node 20).

/** Whether this build multiplies and adds in one instruction (kernels.ts reports it). */
export const FUSED_MULTIPLY_ADD: bool = ASC_FEATURE_RELAXED_SIMD;

/**
 * C[m×n] (+)= A[m×k] · B[n×k]ᵀ: every C(i, j) is a dot product along k, which is contiguous in
 * both operands; 4 rows × 2 columns of C per pass, 4 lanes of k per step. Two or three rows
 * left over also take a 4-row pass (repeating their last row, storing only theirs): each pass
 * streams all of B, which is what small batches (beam search) wait on.
 */
export function gemmDot(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  const k4 = k & ~3, rowA = <usize>k << 2, rowC = <usize>n << 2;
  let i = 0;
  for (; i + 2 <= m; i += 4) {
    const rows = min(4, m - i);
    const a0 = a + <usize>i * rowA, a1 = a0 + rowA, a2 = rows > 2 ? a1 + rowA : a1, a3 = rows > 3 ? a2 + rowA : a2;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = b + <usize>j * rowA, b1 = b0 + rowA;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let kk = 0; kk < k4; kk += 4) {
        const o = <usize>kk << 2;
        const y0 = v128.load(b0 + o), y1 = v128.load(b1 + o);
        let x = v128.load(a0 + o);
        s00 = madd(x, y0, s00); s01 = madd(x, y1, s01);
        x = v128.load(a1 + o);
        s10 = madd(x, y0, s10); s11 = madd(x, y1, s11);
        x = v128.load(a2 + o);
        s20 = madd(x, y0, s20); s21 = madd(x, y1, s21);
        x = v128.load(a3 + o);
        s30 = madd(x, y0, s30); s31 = madd(x, y1, s31);
      }
      const cc = c + <usize>i * rowC + (<usize>j << 2);
      if (k4 == k) { // the 8 sums two rows at a time, each row's pair of columns in one 64-bit store
        putPairs(cc, rowC, sums2x2(s00, s01, s10, s11), accumulate);
        if (rows > 2) putPairs(cc + 2 * rowC, rows > 3 ? rowC : 0, sums2x2(s20, s21, s30, s31), accumulate);
        continue;
      }
      put(cc, sum(s00) + tail(a0, b0, k4, k), accumulate); put(cc + 4, sum(s01) + tail(a0, b1, k4, k), accumulate);
      put(cc + rowC, sum(s10) + tail(a1, b0, k4, k), accumulate); put(cc + rowC + 4, sum(s11) + tail(a1, b1, k4, k), accumulate);
      if (rows > 2) { put(cc + 2 * rowC, sum(s20) + tail(a2, b0, k4, k), accumulate); put(cc + 2 * rowC + 4, sum(s21) + tail(a2, b1, k4, k), accumulate); }
      if (rows > 3) { put(cc + 3 * rowC, sum(s30) + tail(a3, b0, k4, k), accumulate); put(cc + 3 * rowC + 4, sum(s31) + tail(a3, b1, k4, k), accumulate); }
    }
    for (; j < n; j++) {
      for (let r = 0; r < rows; r++) dotOne(c, a, b, i + r, j, n, k, accumulate);
    }
  }
  for (; i < m; i++) { // a last single row (all of the rows at batch 1): 1 row × 4 columns per pass
    const a0 = a + <usize>i * rowA;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + <usize>j * rowA, b1 = b0 + rowA, b2 = b1 + rowA, b3 = b2 + rowA;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let kk = 0; kk < k4; kk += 4) {
        const o = <usize>kk << 2, x = v128.load(a0 + o);
        s0 = madd(x, v128.load(b0 + o), s0);
        s1 = madd(x, v128.load(b1 + o), s1);
        s2 = madd(x, v128.load(b2 + o), s2);
        s3 = madd(x, v128.load(b3 + o), s3);
      }
      const cc = c + <usize>i * rowC + (<usize>j << 2);
      if (k4 == k) {
        const v = sums2x2(s0, s1, s2, s3);
        v128.store(cc, accumulate ? f32x4.add(v128.load(cc), v) : v);
        continue;
      }
      put(cc, sum(s0) + tail(a0, b0, k4, k), accumulate); put(cc + 4, sum(s1) + tail(a0, b1, k4, k), accumulate);
      put(cc + 8, sum(s2) + tail(a0, b2, k4, k), accumulate); put(cc + 12, sum(s3) + tail(a0, b3, k4, k), accumulate);
    }
    for (; j < n; j++) dotOne(c, a, b, i, j, n, k, accumulate);
  }
}

// Rows of B per panel in gemmAxpy: a panel (K_TILE × n floats) stays in L2 while every block of
// C passes over it.
const K_TILE = 128;

/** Floats in the buffer that gemmAxpy packs blocks of A into: 4 rows × K_TILE. */
export const PACK_FLOATS: i32 = 4 * K_TILE;

// This instance's pack buffer (globals are per instance, so per thread): wasmMemory.ts sets it.
let pack: usize = 0;

export function usePackBuffer(address: usize): void {
  pack = address;
}

/**
 * Copies A(i..i+3, kk) for the panel's kk into the pack buffer, the 4 rows' values side by side.
 * In Aᵀ·B the 4 rows are adjacent floats but successive kk lie m floats apart: at m = 1024 (the
 * gate gradients) that is 4 KB, so a panel's 128 lines share one L1 set and miss on every pass
 * over C's columns; packed, they are 2 KB in a row.
 */
function packRows(a: usize, rowA: usize, stepA: usize, k: i32): void {
  for (let kk = 0, src = a, dst = pack; kk < k; kk++, src += stepA, dst += 16) {
    store<f32>(dst, load<f32>(src)); store<f32>(dst + 4, load<f32>(src + rowA));
    store<f32>(dst + 8, load<f32>(src + 2 * rowA)); store<f32>(dst + 12, load<f32>(src + 3 * rowA));
  }
}

/**
 * C[m×n] (+)= A · B[k×n] with A(i, kk) = a[i·sAm + kk·sAk] (in elements), B row-major: each
 * step adds A(i, kk) times a row of B to a row of C, 4 rows × 8 columns per pass (A's 4 rows
 * packed first), over panels of K_TILE rows of B. With (sAm, sAk) = (k, 1) this is A·B; with (1, m) it is Aᵀ·B.
 */
export function gemmAxpy(c: usize, a: usize, sAm: i32, sAk: i32, b: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  for (let k0 = 0; k0 < k; k0 += K_TILE) {
    axpyPanel(c, a + ((<usize>k0 * sAk) << 2), sAm, sAk, b + ((<usize>k0 * n) << 2), m, n, min(K_TILE, k - k0), accumulate || k0 > 0);
  }
  if (k == 0 && !accumulate) memory.fill(c, 0, (<usize>m * n) << 2);
}

function axpyPanel(c: usize, a: usize, sAm: i32, sAk: i32, b: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  const rowB = <usize>n << 2, rowC = rowB, stepA = <usize>sAk << 2, rowA = <usize>sAm << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    packRows(a + <usize>i * rowA, rowA, stepA, k);
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const cc = c + <usize>i * rowC + (<usize>j << 2);
      let s00 = start(cc, accumulate), s01 = start(cc + 16, accumulate);
      let s10 = start(cc + rowC, accumulate), s11 = start(cc + rowC + 16, accumulate);
      let s20 = start(cc + 2 * rowC, accumulate), s21 = start(cc + 2 * rowC + 16, accumulate);
      let s30 = start(cc + 3 * rowC, accumulate), s31 = start(cc + 3 * rowC + 16, accumulate);
      let pa = pack, pb = b + (<usize>j << 2);
      for (let kk = 0; kk < k; kk++, pa += 16, pb += rowB) {
        const y0 = v128.load(pb), y1 = v128.load(pb + 16);
        let x = v128.load32_splat(pa);
        s00 = madd(x, y0, s00); s01 = madd(x, y1, s01);
        x = v128.load32_splat(pa + 4);
        s10 = madd(x, y0, s10); s11 = madd(x, y1, s11);
        x = v128.load32_splat(pa + 8);
        s20 = madd(x, y0, s20); s21 = madd(x, y1, s21);
        x = v128.load32_splat(pa + 12);
        s30 = madd(x, y0, s30); s31 = madd(x, y1, s31);
      }
      v128.store(cc, s00); v128.store(cc + 16, s01);
      v128.store(cc + rowC, s10); v128.store(cc + rowC + 16, s11);
      v128.store(cc + 2 * rowC, s20); v128.store(cc + 2 * rowC + 16, s21);
      v128.store(cc + 3 * rowC, s30); v128.store(cc + 3 * rowC + 16, s31);
    }
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) axpyOne(c, a, sAm, sAk, b, i + r, j, n, k, accumulate);
    }
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * rowA;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const cc = c + <usize>i * rowC + (<usize>j << 2);
      let s0 = start(cc, accumulate), s1 = start(cc + 16, accumulate);
      let pa = a0, pb = b + (<usize>j << 2);
      for (let kk = 0; kk < k; kk++, pa += stepA, pb += rowB) {
        const x = v128.load32_splat(pa);
        s0 = madd(x, v128.load(pb), s0);
        s1 = madd(x, v128.load(pb + 16), s1);
      }
      v128.store(cc, s0); v128.store(cc + 16, s1);
    }
    for (; j < n; j++) axpyOne(c, a, sAm, sAk, b, i, j, n, k, accumulate);
  }
}

/**
 * a[j] += Σ_r x(r, j), x [rows×cols] row-major: the column sums onesᵀ·x, a bias's gradient.
 * 16 columns (a cache line of each row) per pass, so x is read once.
 */
export function addColumnSums(a: usize, x: usize, rows: i32, cols: i32): void {
  const rowX = <usize>cols << 2;
  let j = 0;
  for (; j + 16 <= cols; j += 16) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let r = 0, p = x + (<usize>j << 2); r < rows; r++, p += rowX) {
      s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p + 16));
      s2 = f32x4.add(s2, v128.load(p + 32)); s3 = f32x4.add(s3, v128.load(p + 48));
    }
    const o = a + (<usize>j << 2);
    v128.store(o, f32x4.add(v128.load(o), s0)); v128.store(o + 16, f32x4.add(v128.load(o + 16), s1));
    v128.store(o + 32, f32x4.add(v128.load(o + 32), s2)); v128.store(o + 48, f32x4.add(v128.load(o + 48), s3));
  }
  for (; j < cols; j++) {
    let s: f32 = 0;
    for (let r = 0, p = x + (<usize>j << 2); r < rows; r++, p += rowX) s += load<f32>(p);
    store<f32>(a + (<usize>j << 2), load<f32>(a + (<usize>j << 2)) + s);
  }
}

/** a·b + c, fused in the relaxed-SIMD build. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(f32x4.mul(a, b), c);
}

/** [Σa, Σb, Σc, Σd] of four accumulators. */
// @ts-ignore: decorator
@inline function sums2x2(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** Lanes 0, 1 to the two floats at p and lanes 2, 3 to those at p + next (next 0: the second row is not stored). */
// @ts-ignore: decorator
@inline function putPairs(p: usize, next: usize, v: v128, accumulate: bool): void {
  const q = p + next;
  if (accumulate) v = f32x4.add(v, v128.load64_lane(q, v128.load64_zero(p), 1));
  v128.store64_lane(p, v, 0);
  if (next) v128.store64_lane(q, v, 1);
}

/** Σ of the lanes, in sums2x2's order: every path gives a row the same bits, however the rows are blocked. */
// @ts-ignore: decorator
@inline function sum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 2)) + (f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function start(p: usize, accumulate: bool): v128 {
  return accumulate ? v128.load(p) : f32x4.splat(0);
}

// @ts-ignore: decorator
@inline function put(p: usize, v: f32, accumulate: bool): void {
  store<f32>(p, accumulate ? load<f32>(p) + v : v);
}

/** The dot product's last k mod 4 terms. */
function tail(a: usize, b: usize, from: i32, k: i32): f32 {
  let s: f32 = 0;
  for (let kk = from; kk < k; kk++) s += load<f32>(a + (<usize>kk << 2)) * load<f32>(b + (<usize>kk << 2));
  return s;
}

/** One C(i, j), in the same order of operations as the blocked passes (so a row's bits do not depend on its block). */
function dotOne(c: usize, a: usize, b: usize, i: i32, j: i32, n: i32, k: i32, accumulate: bool): void {
  const a0 = a + ((<usize>i * k) << 2), b0 = b + ((<usize>j * k) << 2), k4 = k & ~3;
  let s = f32x4.splat(0);
  for (let kk = 0; kk < k4; kk += 4) s = madd(v128.load(a0 + (<usize>kk << 2)), v128.load(b0 + (<usize>kk << 2)), s);
  put(c + ((<usize>i * n + j) << 2), sum(s) + tail(a0, b0, k4, k), accumulate);
}

function axpyOne(c: usize, a: usize, sAm: i32, sAk: i32, b: usize, i: i32, j: i32, n: i32, k: i32, accumulate: bool): void {
  let s: f32 = 0;
  for (let kk = 0; kk < k; kk++) s += load<f32>(a + ((<usize>i * sAm + <usize>kk * sAk) << 2)) * load<f32>(b + ((<usize>kk * n + j) << 2));
  put(c + ((<usize>i * n + j) << 2), s, accumulate);
}
