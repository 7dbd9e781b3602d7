// The hot loops of the engine, and nothing else: one strided matrix product, column sums and the sum
// of two slabs, the fused gate non-linearities of each cell type (LSTM, GRU, RNN) forward and
// backward, and Adam's two passes.
// Everything that costs time runs through a `Kernels`, which its arena chooses (arena.ts): the
// SIMD kernels of simd/*.ts, or the plain TypeScript loops below, which are the reference the
// SIMD kernels are tested against (and the golden tests check both).
//
// Plain TypeScript, written for V8: 4×4 register blocks, contiguous inner loops where the
// layout allows, k tiled so that a block's operands stay in cache. Functions accept
// Float32Array (production) and Float64Array (gradient checks).

export type Vec = Float32Array | Float64Array;

// Rows of k processed per pass: keeps a 4×K_TILE panel of each operand in L1/L2.
const K_TILE = 256;

/**
 * C[M×N] (+)= A[M×K] · B[K×N] over strided operands: A(i, k) = a[aOff + i·sAm + k·sAk],
 * B(k, j) = b[bOff + k·sBk + j·sBn], so transposes cost nothing. C is dense row-major at cOff
 * with row length N; with `accumulate` false it is overwritten. typescriptKernels (below)
 * calls it for the three products.
 */
function gemm(
  c: Vec, cOff: number, a: Vec, aOff: number, sAm: number, sAk: number,
  b: Vec, bOff: number, sBk: number, sBn: number,
  m: number, n: number, k: number, accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  const A = a, B = b;
  for (let k0 = 0; k0 < k; k0 += K_TILE) {
    const kLen = Math.min(k, k0 + K_TILE) - k0;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const a0 = aOff + i * sAm + k0 * sAk, a1 = a0 + sAm, a2 = a1 + sAm, a3 = a2 + sAm;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const b0 = bOff + j * sBn + k0 * sBk, b1 = b0 + sBn, b2 = b1 + sBn, b3 = b2 + sBn;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let kk = 0, pa = 0, pb = 0; kk < kLen; kk++, pa += sAk, pb += sBk) {
          const x0 = A[a0 + pa], x1 = A[a1 + pa], x2 = A[a2 + pa], x3 = A[a3 + pa];
          const y0 = B[b0 + pb], y1 = B[b1 + pb], y2 = B[b2 + pb], y3 = B[b3 + pb];
          c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
          c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
          c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
          c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        let o = cOff + i * n + j;
        c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += n;
        c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += n;
        c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += n;
        c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
      }
      for (; j < n; j++) {
        const b0 = bOff + j * sBn + k0 * sBk;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let kk = 0, pa = 0, pb = 0; kk < kLen; kk++, pa += sAk, pb += sBk) {
          const y = B[b0 + pb];
          s0 += A[a0 + pa] * y; s1 += A[a1 + pa] * y; s2 += A[a2 + pa] * y; s3 += A[a3 + pa] * y;
        }
        const o = cOff + i * n + j;
        c[o] += s0; c[o + n] += s1; c[o + 2 * n] += s2; c[o + 3 * n] += s3;
      }
    }
    for (; i < m; i++) { // the last rows (all of them at batch 1): 1×4 blocks
      const a0 = aOff + i * sAm + k0 * sAk;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const b0 = bOff + j * sBn + k0 * sBk, b1 = b0 + sBn, b2 = b1 + sBn, b3 = b2 + sBn;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let kk = 0, pa = 0, pb = 0; kk < kLen; kk++, pa += sAk, pb += sBk) {
          const x = A[a0 + pa];
          s0 += x * B[b0 + pb]; s1 += x * B[b1 + pb]; s2 += x * B[b2 + pb]; s3 += x * B[b3 + pb];
        }
        const o = cOff + i * n + j;
        c[o] += s0; c[o + 1] += s1; c[o + 2] += s2; c[o + 3] += s3;
      }
      for (; j < n; j++) {
        const b0 = bOff + j * sBn + k0 * sBk;
        let s = 0;
        for (let kk = 0, pa = 0, pb = 0; kk < kLen; kk++, pa += sAk, pb += sBk) s += A[a0 + pa] * B[b0 + pb];
        c[cOff + i * n + j] += s;
      }
    }
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * One LSTM step for B streams, fused: `gates` holds the pre-activations (B, 4H) in gate order
 * i, f, g, o and is overwritten with the activations; c' = f⊙c + i⊙g, h' = o⊙tanh(c').
 * Offsets let the caller pass slices of (T, B, ·) buffers without copying.
 */
function lstmPointwiseForward(
  gates: Vec, gOff: number, // (B, 4H) in: pre-activations; out: i, f, g, o
  c: Vec, cOff: number, // (B, H) out
  tanhC: Vec, tOff: number, // (B, H) out: tanh(c')
  h: Vec, hOff: number, // (B, H) out
  cPrev: Vec, pOff: number, // (B, H)
  batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = gOff + b * 4 * H, s = b * H;
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(gates[g0 + j]);
      const fg = sigmoid(gates[g0 + H + j]);
      const gg = Math.tanh(gates[g0 + 2 * H + j]);
      const og = sigmoid(gates[g0 + 3 * H + j]);
      gates[g0 + j] = ig; gates[g0 + H + j] = fg; gates[g0 + 2 * H + j] = gg; gates[g0 + 3 * H + j] = og;
      const cn = fg * cPrev[pOff + s + j] + ig * gg;
      const tc = Math.tanh(cn);
      c[cOff + s + j] = cn;
      tanhC[tOff + s + j] = tc;
      h[hOff + s + j] = og * tc;
    }
  }
}

/**
 * Backward of `lstmPointwiseForward` for one step. Reads dh (B, H) and the running cell
 * gradient dc (B, H, from step t+1); writes the pre-activation gradients dGates (B, 4H) and
 * replaces dc with the gradient flowing to c_{t-1}.
 */
function lstmPointwiseBackward(
  dGates: Vec, dgOff: number, // (B, 4H) out
  dc: Vec, // (B, H) in: dL/dc_t from the future; out: dL/dc_{t-1}
  dh: Vec, dhOff: number, // (B, H) in: dL/dh_t
  gates: Vec, gOff: number, // (B, 4H) activations i, f, g, o
  tanhC: Vec, tOff: number, // (B, H)
  cPrev: Vec, pOff: number, // (B, H)
  batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = gOff + b * 4 * H, d0 = dgOff + b * 4 * H, s = b * H;
    for (let j = 0; j < H; j++) {
      const ig = gates[g0 + j], fg = gates[g0 + H + j], gg = gates[g0 + 2 * H + j], og = gates[g0 + 3 * H + j];
      const tc = tanhC[tOff + s + j], d = dh[dhOff + s + j];
      const dct = dc[s + j] + d * og * (1 - tc * tc);
      dGates[d0 + j] = dct * gg * ig * (1 - ig);
      dGates[d0 + H + j] = dct * cPrev[pOff + s + j] * fg * (1 - fg);
      dGates[d0 + 2 * H + j] = dct * ig * (1 - gg * gg);
      dGates[d0 + 3 * H + j] = d * tc * og * (1 - og);
      dc[s + j] = dct * fg;
    }
  }
}

/**
 * One GRU step for B streams, fused, as PyTorch's nn.GRU: `gates` holds the input term (B, 3H)
 * in gate order r, z, n and is overwritten with the activations; `hh` is the recurrent term
 * W_hh·h + b_hh (B, 3H), kept because n's gradient needs its n block.
 * r = σ(x_r + hh_r), z = σ(x_z + hh_z), n = tanh(x_n + r⊙hh_n), h' = (1 − z)⊙n + z⊙h.
 */
function gruPointwiseForward(
  gates: Vec, gOff: number, // (B, 3H) in: input term; out: r, z, n
  hh: Vec, hhOff: number, // (B, 3H) recurrent term
  h: Vec, hOff: number, // (B, H) out
  hPrev: Vec, pOff: number, // (B, H)
  batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = gOff + b * 3 * H, q0 = hhOff + b * 3 * H, s = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gates[g0 + j] + hh[q0 + j]);
      const z = sigmoid(gates[g0 + H + j] + hh[q0 + H + j]);
      const n = Math.tanh(gates[g0 + 2 * H + j] + r * hh[q0 + 2 * H + j]);
      gates[g0 + j] = r; gates[g0 + H + j] = z; gates[g0 + 2 * H + j] = n;
      h[hOff + s + j] = (1 - z) * n + z * hPrev[pOff + s + j];
    }
  }
}

/**
 * Backward of `gruPointwiseForward` for one step: from dh (B, H), the gradients of the input
 * term (dGates) and of the recurrent term (dHh, which differs in its n block: r⊙dn), and the
 * direct path z⊙dh added to dhPrev (B, H).
 */
function gruPointwiseBackward(
  dGates: Vec, dgOff: number, // (B, 3H) out
  dHh: Vec, dqOff: number, // (B, 3H) out
  dhPrev: Vec, dpOff: number, // (B, H) accumulate
  dh: Vec, dhOff: number, // (B, H) in: dL/dh_t
  gates: Vec, gOff: number, // (B, 3H) activations r, z, n
  hh: Vec, hhOff: number, // (B, 3H)
  hPrev: Vec, pOff: number, // (B, H)
  batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = gOff + b * 3 * H, q0 = hhOff + b * 3 * H, d0 = dgOff + b * 3 * H, e0 = dqOff + b * 3 * H, s = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[g0 + j], z = gates[g0 + H + j], n = gates[g0 + 2 * H + j], d = dh[dhOff + s + j];
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * (hPrev[pOff + s + j] - n) * z * (1 - z);
      const dr = dn * hh[q0 + 2 * H + j] * r * (1 - r);
      dGates[d0 + j] = dr; dGates[d0 + H + j] = dz; dGates[d0 + 2 * H + j] = dn;
      dHh[e0 + j] = dr; dHh[e0 + H + j] = dz; dHh[e0 + 2 * H + j] = dn * r;
      dhPrev[dpOff + s + j] += d * z;
    }
  }
}

/** One vanilla RNN step for B streams (nn.RNN, tanh): h' = tanh(pre), pre (B, H) the summed input and recurrent terms. */
function rnnPointwiseForward(pre: Vec, pOff: number, h: Vec, hOff: number, batch: number, hidden: number): void {
  for (let i = 0, n = batch * hidden; i < n; i++) h[hOff + i] = Math.tanh(pre[pOff + i]);
}

/** Backward of `rnnPointwiseForward`: dPre = dh ⊙ (1 − h²). */
function rnnPointwiseBackward(dPre: Vec, dpOff: number, dh: Vec, dhOff: number, h: Vec, hOff: number, batch: number, hidden: number): void {
  for (let i = 0, n = batch * hidden; i < n; i++) {
    const y = h[hOff + i];
    dPre[dpOff + i] = dh[dhOff + i] * (1 - y * y);
  }
}

/** y += x, elementwise over y's length (summing the threads' gradients). */
function addInto(y: Vec, x: Vec): void {
  for (let i = 0; i < y.length; i++) y[i] += x[i];
}

/** a[j] += Σ_r x(r, j), x (rows, cols) at xOff. */
function addColumnSums(a: Vec, x: Vec, xOff: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) a[j] += x[xOff + r * cols + j];
  }
}

function sumOfSquares(x: Vec): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return sum;
}

/** Adam's update of every parameter (adam.ts computes the bias corrections stepSize and root2). */
function adamUpdate(params: Vec, grads: Vec, m: Vec, v: Vec, b1: number, b2: number, eps: number, stepSize: number, root2: number): void {
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    params[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / root2 + eps);
  }
}

type Gemm = (c: Vec, cOff: number, a: Vec, aOff: number, b: Vec, bOff: number, m: number, n: number, k: number, accumulate: boolean) => void;

/** The hot loops, as an arena's kernels provide them. */
export interface Kernels {
  /** C[M×N] (+)= A[M×K] · Bᵀ, B stored row-major [N×K] (PyTorch's weight layout). */
  matmulABt: Gemm;
  /** C[M×N] (+)= A[M×K] · B[K×N], both row-major. */
  matmulAB: Gemm;
  /** C[M×N] (+)= Aᵀ · B[K×N], A stored row-major [K×M] (weight gradients from (N, G) rows). */
  matmulAtB: Gemm;
  /** a[j] += Σ_r x(r, j): a bias's gradient from its (N, G) rows. */
  addColumnSums: typeof addColumnSums;
  /** y += x over y's length. */
  addInto: typeof addInto;
  lstmPointwiseForward: typeof lstmPointwiseForward;
  lstmPointwiseBackward: typeof lstmPointwiseBackward;
  gruPointwiseForward: typeof gruPointwiseForward;
  gruPointwiseBackward: typeof gruPointwiseBackward;
  rnnPointwiseForward: typeof rnnPointwiseForward;
  rnnPointwiseBackward: typeof rnnPointwiseBackward;
  sumOfSquares: typeof sumOfSquares;
  adamUpdate: typeof adamUpdate;
}

/** The TypeScript loops: the reference, and what a plain arena runs (Float32 or Float64). */
export const typescriptKernels: Kernels = {
  matmulABt: (c, cOff, a, aOff, b, bOff, m, n, k, acc) => gemm(c, cOff, a, aOff, k, 1, b, bOff, 1, k, m, n, k, acc),
  matmulAB: (c, cOff, a, aOff, b, bOff, m, n, k, acc) => gemm(c, cOff, a, aOff, k, 1, b, bOff, n, 1, m, n, k, acc),
  matmulAtB: (c, cOff, a, aOff, b, bOff, m, n, k, acc) => gemm(c, cOff, a, aOff, 1, m, b, bOff, n, 1, m, n, k, acc),
  addColumnSums, addInto, lstmPointwiseForward, lstmPointwiseBackward, gruPointwiseForward, gruPointwiseBackward, rnnPointwiseForward, rnnPointwiseBackward, sumOfSquares, adamUpdate,
};
