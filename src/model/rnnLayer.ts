// One vanilla RNN layer's recurrence (PyTorch's nn.RNN with tanh) as a forward/backward pair
// over explicit buffers: h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), the input term and both
// biases already in `pre` (layerProducts.ts). min-char-rnn's model, and the paper's baseline.
// Dimension legend: T steps, B streams, H hidden (= G, one gate row per cell), time-major.

import type { Kernels, Vec } from './kernels';
import { recurrentWeightBackward } from './layerProducts';

/** The recurrence: for each step, pre += h_{t-1}·W_hhᵀ, then h = tanh(pre). */
export function rnnForward(
  k: Kernels,
  pre: Vec, // (T, B, H) in: input term
  h: Vec, // (T, B, H) out
  h0: Vec, // (B, H)
  weightHh: Vec, // (H, H)
  steps: number, batch: number, hidden: number,
): void {
  const H = hidden, BH = batch * H;
  for (let t = 0; t < steps; t++) {
    const first = t === 0, prev = first ? 0 : (t - 1) * BH;
    k.matmulABt(pre, t * BH, first ? h0 : h, prev, weightHh, 0, batch, H, H, true);
    k.rnnPointwiseForward(pre, t * BH, h, t * BH, batch, H);
  }
}

/**
 * Backward through the recurrence. `dh` holds dL/dh_t from above for every step and is used as
 * scratch. Writes dPre (T, B, H); accumulates dW_hh; leaves dL/dh_0 in dh0.
 */
export function rnnBackward(
  k: Kernels,
  dPre: Vec, // (T, B, H) out
  dh0: Vec, // (B, H) out
  dWeightHh: Vec, // (H, H) accumulate
  dh: Vec, // (T, B, H) in, clobbered
  h: Vec, // (T, B, H)
  h0: Vec, // (B, H)
  weightHh: Vec, // (H, H)
  steps: number, batch: number, hidden: number,
): void {
  const H = hidden, BH = batch * H;
  for (let t = steps - 1; t >= 0; t--) {
    const first = t === 0, prev = first ? 0 : (t - 1) * BH;
    k.rnnPointwiseBackward(dPre, t * BH, dh, t * BH, h, t * BH, batch, H);
    k.matmulAB(first ? dh0 : dh, prev, dPre, t * BH, weightHh, 0, batch, H, H, !first);
  }
  recurrentWeightBackward(k, dWeightHh, dPre, h, h0, steps, batch, H, H);
}
