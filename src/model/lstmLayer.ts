// One LSTM layer as forward/backward pairs over explicit buffers (PyTorch layout, gate order
// i, f, g, o). The input-to-hidden term is one large product for all T steps at once, ahead
// of the recurrence; only h·W_hhᵀ must run step by step. Backward accumulates into gradient
// buffers (+=); the network zeroes them once per batch.
// Dimension legend: T steps, B streams, H hidden, G = 4H gate rows, I inputs (V or H),
// N = T·B rows, time-major (row t·B + b is stream b at step t).

import type { Kernels, Vec } from './kernels';
import type { LayerViews } from './params';

/**
 * Layer 0: pre = one-hot(ids)·W_ihᵀ + b_ih + b_hh, i.e. column ids[r] of W_ih plus the biases.
 * W_ih's columns are strided (G×V, PyTorch's layout), so with rows enough to pay for it the
 * columns are first laid out as rows of `tokenRows`, and each row of pre is one copy.
 */
export function oneHotInputForward(
  pre: Vec, // (N, G) out
  ids: Uint16Array, // (N)
  tokenRows: Vec, // (V, G) scratch
  p: LayerViews, rows: number, vocab: number, G: number,
): void {
  const W = p.weightIh, bi = p.biasIh, bh = p.biasHh;
  if (rows < vocab) { // beam and sampling steps: gather the few columns
    for (let r = 0; r < rows; r++) {
      const id = ids[r], o = r * G;
      for (let g = 0; g < G; g++) pre[o + g] = W[g * vocab + id] + bi[g] + bh[g];
    }
    return;
  }
  for (let v = 0; v < vocab; v++) {
    for (let g = 0; g < G; g++) tokenRows[v * G + g] = W[g * vocab + v] + bi[g] + bh[g];
  }
  for (let r = 0; r < rows; r++) pre.set(tokenRows.subarray(ids[r] * G, (ids[r] + 1) * G), r * G);
}

/** Backward of oneHotInputForward: each token's gradient rows summed in `tokenRows`, then added to W_ih's column and the biases. */
export function oneHotInputBackward(
  k: Kernels,
  d: LayerViews, // gradients: weightIh, biasIh, biasHh accumulate
  dPre: Vec, // (N, G)
  ids: Uint16Array, // (N)
  tokenRows: Vec, // (V, G) scratch
  rows: number, vocab: number, G: number,
): void {
  tokenRows.fill(0, 0, vocab * G);
  for (let r = 0; r < rows; r++) {
    const o = ids[r] * G, s = r * G;
    for (let g = 0; g < G; g++) tokenRows[o + g] += dPre[s + g];
  }
  const W = d.weightIh;
  for (let v = 0; v < vocab; v++) {
    for (let g = 0; g < G; g++) W[g * vocab + v] += tokenRows[v * G + g];
  }
  k.addColumnSums(d.biasIh, d.biasHh, tokenRows, 0, vocab, G);
}

/** Layers above 0: pre = x·W_ihᵀ + b_ih + b_hh over all N rows in one product. */
export function denseInputForward(
  k: Kernels,
  pre: Vec, // (N, G) out
  x: Vec, // (N, I) the layer below's h
  p: LayerViews, rows: number, inputs: number, G: number,
): void {
  for (let g = 0; g < G; g++) pre[g] = p.biasIh[g] + p.biasHh[g];
  for (let r = 1; r < rows; r++) pre.copyWithin(r * G, 0, G);
  k.matmulABt(pre, 0, x, 0, p.weightIh, 0, rows, G, inputs, true);
}

export function denseInputBackward(
  k: Kernels,
  dx: Vec, // (N, I) accumulate: gradient to the layer below's h
  d: LayerViews, // gradients: weightIh, biasIh, biasHh accumulate
  dPre: Vec, // (N, G)
  x: Vec, // (N, I)
  p: LayerViews, rows: number, inputs: number, G: number,
): void {
  k.matmulAB(dx, 0, dPre, 0, p.weightIh, 0, rows, inputs, G, true);
  k.matmulAtB(d.weightIh, 0, dPre, 0, x, 0, G, inputs, rows, true);
  k.addColumnSums(d.biasIh, d.biasHh, dPre, 0, rows, G);
}

/** The recurrence: for each step, gates += h_{t-1}·W_hhᵀ, then the fused non-linearities. */
export function lstmForward(
  k: Kernels,
  gates: Vec, // (T, B, G) in: input pre-activations; out: activations i, f, g, o
  c: Vec, // (T, B, H) out
  tanhC: Vec, // (T, B, H) out
  h: Vec, // (T, B, H) out
  h0: Vec, // (B, H)
  c0: Vec, // (B, H)
  weightHh: Vec, // (G, H)
  steps: number, batch: number, hidden: number,
): void {
  const H = hidden, G = 4 * H, BH = batch * H;
  for (let t = 0; t < steps; t++) {
    const first = t === 0, prev = first ? 0 : (t - 1) * BH; // state t-1 lives in h0/c0 or in h/c
    k.matmulABt(gates, t * batch * G, first ? h0 : h, prev, weightHh, 0, batch, G, H, true);
    k.lstmPointwiseForward(gates, t * batch * G, c, t * BH, tanhC, t * BH, h, t * BH, first ? c0 : c, prev, batch, H);
  }
}

/**
 * Backward through the recurrence. `dh` holds dL/dh_t from above for every step and is used
 * as scratch (the recurrent gradient is added into it, step by step). Writes dPre (T, B, G);
 * accumulates dW_hh; leaves dL/dh_0 in dh0 and dL/dc_0 in dc0.
 */
export function lstmBackward(
  k: Kernels,
  dPre: Vec, // (T, B, G) out
  dh0: Vec, // (B, H) out
  dc0: Vec, // (B, H) out
  dWeightHh: Vec, // (G, H) accumulate
  dh: Vec, // (T, B, H) in, clobbered
  gates: Vec, // (T, B, G) activations
  c: Vec, // (T, B, H)
  tanhC: Vec, // (T, B, H)
  h: Vec, // (T, B, H)
  h0: Vec, // (B, H)
  c0: Vec, // (B, H)
  weightHh: Vec, // (G, H)
  steps: number, batch: number, hidden: number,
): void {
  const H = hidden, G = 4 * H, BH = batch * H;
  dc0.fill(0); // used as the running dL/dc
  for (let t = steps - 1; t >= 0; t--) {
    const first = t === 0, prev = first ? 0 : (t - 1) * BH;
    k.lstmPointwiseBackward(dPre, t * batch * G, dc0, dh, t * BH, gates, t * batch * G, tanhC, t * BH, first ? c0 : c, prev, batch, H);
    // dL/dh_{t-1} = the gradient from above (already in dh) + dPre_t·W_hh; at t = 0 it goes to dh0.
    k.matmulAB(first ? dh0 : dh, prev, dPre, t * batch * G, weightHh, 0, batch, H, G, !first);
  }
  // dW_hh += Σ_t dPre_tᵀ·h_{t-1}: one product over steps 1..T-1, then step 0 against h0.
  const rest = (steps - 1) * batch;
  k.matmulAtB(dWeightHh, 0, dPre, batch * G, h, 0, G, H, rest, true);
  k.matmulAtB(dWeightHh, 0, dPre, 0, h0, 0, G, H, batch, true);
}
