// The products every recurrent layer kind (lstmLayer.ts, gruLayer.ts, rnnLayer.ts) shares, over
// explicit buffers in PyTorch's layout: the input-to-hidden term, one large product for all T
// steps at once ahead of the recurrence, and W_hh's gradient, one product after it. Backward
// accumulates into gradient buffers (+=); the network zeroes them once per batch.
// An LSTM's and an RNN's pre-activations are the plain sum x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, so
// both biases join the input term (`withHiddenBias`); a GRU's n gate multiplies its recurrent
// term by r, so its b_hh stays with that term (gruLayer.ts).
// Dimension legend: T steps, B streams, H hidden, G gate rows, I inputs (V or H),
// N = T·B rows, time-major (row t·B + b is stream b at step t).

import type { Kernels, Vec } from './kernels';
import type { LayerViews } from './params';

/**
 * Layer 0: pre = one-hot(ids)·W_ihᵀ + b_ih (+ b_hh), i.e. column ids[r] of W_ih plus the biases.
 * W_ih's columns are strided (G×V, PyTorch's layout), so with rows enough to pay for it the
 * columns are first laid out as rows of `tokenRows`, and each row of pre is one copy.
 */
export function oneHotInputForward(
  pre: Vec, // (N, G) out
  ids: Uint16Array, // (N)
  tokenRows: Vec, // (V, G) scratch
  p: LayerViews, rows: number, vocab: number, G: number, withHiddenBias: boolean,
): void {
  const W = p.weightIh, bi = p.biasIh, bh = p.biasHh;
  if (rows < vocab) { // beam and sampling steps: gather the few columns
    for (let r = 0; r < rows; r++) {
      const id = ids[r], o = r * G;
      for (let g = 0; g < G; g++) pre[o + g] = W[g * vocab + id] + bi[g] + (withHiddenBias ? bh[g] : 0);
    }
    return;
  }
  for (let v = 0; v < vocab; v++) {
    for (let g = 0; g < G; g++) tokenRows[v * G + g] = W[g * vocab + v] + bi[g] + (withHiddenBias ? bh[g] : 0);
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
  rows: number, vocab: number, G: number, withHiddenBias: boolean,
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
  k.addColumnSums(d.biasIh, tokenRows, 0, vocab, G);
  if (withHiddenBias) k.addColumnSums(d.biasHh, tokenRows, 0, vocab, G);
}

/** Layers above 0: pre = x·W_ihᵀ + b_ih (+ b_hh) over all N rows in one product. */
export function denseInputForward(
  k: Kernels,
  pre: Vec, // (N, G) out
  x: Vec, // (N, I) the layer below's h
  p: LayerViews, rows: number, inputs: number, G: number, withHiddenBias: boolean,
): void {
  for (let g = 0; g < G; g++) pre[g] = p.biasIh[g] + (withHiddenBias ? p.biasHh[g] : 0);
  repeatFirstRow(pre, rows, G);
  k.matmulABt(pre, 0, x, 0, p.weightIh, 0, rows, G, inputs, true);
}

export function denseInputBackward(
  k: Kernels,
  dx: Vec, // (N, I) accumulate: gradient to the layer below's h
  d: LayerViews, // gradients: weightIh, biasIh, biasHh accumulate
  dPre: Vec, // (N, G)
  x: Vec, // (N, I)
  p: LayerViews, rows: number, inputs: number, G: number, withHiddenBias: boolean,
): void {
  k.matmulAB(dx, 0, dPre, 0, p.weightIh, 0, rows, inputs, G, true);
  k.matmulAtB(d.weightIh, 0, dPre, 0, x, 0, G, inputs, rows, true);
  k.addColumnSums(d.biasIh, dPre, 0, rows, G);
  if (withHiddenBias) k.addColumnSums(d.biasHh, dPre, 0, rows, G);
}

/** Copies row 0 of x (rows, width) into every other row: a bias laid out ahead of a product that accumulates onto it. */
export function repeatFirstRow(x: Vec, rows: number, width: number): void {
  for (let r = 1; r < rows; r++) x.copyWithin(r * width, 0, width);
}

/** dW_hh += Σ_t dRecᵀ_t·h_{t-1}, dRec (T, B, G) the recurrent term's gradient: one product over steps 1..T-1, then step 0 against h0. */
export function recurrentWeightBackward(
  k: Kernels,
  dWeightHh: Vec, // (G, H) accumulate
  dRec: Vec, // (T, B, G)
  h: Vec, // (T, B, H)
  h0: Vec, // (B, H)
  steps: number, batch: number, hidden: number, G: number,
): void {
  k.matmulAtB(dWeightHh, 0, dRec, batch * G, h, 0, G, hidden, (steps - 1) * batch, true);
  k.matmulAtB(dWeightHh, 0, dRec, 0, h0, 0, G, hidden, batch, true);
}
