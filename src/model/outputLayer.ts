// The output layer and the loss, as forward/backward pairs: logits = h·W_outᵀ + b_out, then
// softmax cross-entropy, mean over the N = T·B rows, in nats. Softmax always subtracts the
// row's maximum first, so large logits cannot overflow.
// Dimension legend: N rows, H hidden, V vocabulary.

import type { Kernels, Vec } from './kernels';

export function linearForward(
  k: Kernels,
  logits: Vec, // (N, V) out
  h: Vec, // (N, H)
  weight: Vec, // (V, H)
  bias: Vec, // (V)
  rows: number, hidden: number, vocab: number,
): void {
  for (let r = 0; r < rows; r++) logits.set(bias, r * vocab);
  k.matmulABt(logits, 0, h, 0, weight, 0, rows, vocab, hidden, true);
}

export function linearBackward(
  k: Kernels,
  dh: Vec, // (N, H) accumulate
  dWeight: Vec, // (V, H) accumulate
  dBias: Vec, // (V) accumulate
  dLogits: Vec, // (N, V)
  h: Vec, // (N, H)
  weight: Vec, // (V, H)
  rows: number, hidden: number, vocab: number,
): void {
  k.matmulAB(dh, 0, dLogits, 0, weight, 0, rows, hidden, vocab, true);
  k.matmulAtB(dWeight, 0, dLogits, 0, h, 0, vocab, hidden, rows, true);
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vocab; v++) dBias[v] += dLogits[r * vocab + v];
  }
}

/** Mean cross-entropy of `targets` under softmax(logits), in nats. */
export function crossEntropyForward(
  logits: Vec, // (N, V)
  targets: Uint16Array, // (N)
  rows: number, vocab: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) total += logSumExp(logits, r * vocab, vocab) - logits[r * vocab + targets[r]];
  return total / rows;
}

/**
 * dL/dlogits of the mean cross-entropy: (softmax − one-hot(target)) / meanOver, where meanOver
 * is N, or the rows of the whole batch when these rows are a part of it (a shard).
 */
export function crossEntropyBackward(
  dLogits: Vec, // (N, V) out
  logits: Vec, // (N, V)
  targets: Uint16Array, // (N)
  rows: number, vocab: number, meanOver: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * vocab;
    let max = -Infinity, sum = 0;
    for (let v = 0; v < vocab; v++) max = Math.max(max, logits[o + v]);
    for (let v = 0; v < vocab; v++) sum += dLogits[o + v] = Math.exp(logits[o + v] - max);
    const scale = 1 / (sum * meanOver);
    for (let v = 0; v < vocab; v++) dLogits[o + v] *= scale;
    dLogits[o + targets[r]] -= 1 / meanOver;
  }
}

/** log Σ exp over one row, max-subtracted. */
export function logSumExp(x: Vec, offset: number, length: number): number {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, x[offset + i]);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(x[offset + i] - max);
  return max + Math.log(sum);
}
