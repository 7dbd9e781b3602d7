// One GRU layer's recurrence as a forward/backward pair over explicit buffers, as PyTorch's
// nn.GRU (gate order r, z, n). The input term x·W_ihᵀ + b_ih is already in `gates`
// (layerProducts.ts); the recurrent term h·W_hhᵀ + b_hh is kept apart in `hh`, because n sees
// its n block through r: n = tanh(x_n + r⊙(W_hn·h + b_hn)).
// Dimension legend: T steps, B streams, H hidden, G = 3H gate rows, time-major.

import type { Kernels, Vec } from './kernels';
import { recurrentWeightBackward, repeatFirstRow } from './layerProducts';

/** The recurrence: for each step, hh = h_{t-1}·W_hhᵀ + b_hh, then the fused non-linearities. */
export function gruForward(
  k: Kernels,
  gates: Vec, // (T, B, G) in: input term; out: activations r, z, n
  hh: Vec, // (T, B, G) out: recurrent term
  h: Vec, // (T, B, H) out
  h0: Vec, // (B, H)
  weightHh: Vec, // (G, H)
  biasHh: Vec, // (G)
  steps: number, batch: number, hidden: number,
): void {
  const H = hidden, G = 3 * H, BH = batch * H, BG = batch * G;
  hh.set(biasHh);
  repeatFirstRow(hh, steps * batch, G);
  for (let t = 0; t < steps; t++) {
    const first = t === 0, prev = first ? 0 : (t - 1) * BH;
    k.matmulABt(hh, t * BG, first ? h0 : h, prev, weightHh, 0, batch, G, H, true);
    k.gruPointwiseForward(gates, t * BG, hh, t * BG, h, t * BH, first ? h0 : h, prev, batch, H);
  }
}

/**
 * Backward through the recurrence. `dh` holds dL/dh_t from above for every step and is used as
 * scratch (the recurrent gradient is added into it, step by step). Writes the input term's
 * gradient dPre and the recurrent term's dHh (T, B, G); accumulates dW_hh and db_hh; leaves
 * dL/dh_0 in dh0.
 */
export function gruBackward(
  k: Kernels,
  dPre: Vec, // (T, B, G) out
  dHh: Vec, // (T, B, G) out
  dh0: Vec, // (B, H) out
  dWeightHh: Vec, // (G, H) accumulate
  dBiasHh: Vec, // (G) accumulate
  dh: Vec, // (T, B, H) in, clobbered
  gates: Vec, // (T, B, G) activations
  hh: Vec, // (T, B, G)
  h: Vec, // (T, B, H)
  h0: Vec, // (B, H)
  weightHh: Vec, // (G, H)
  steps: number, batch: number, hidden: number,
): void {
  const H = hidden, G = 3 * H, BH = batch * H, BG = batch * G;
  dh0.fill(0);
  for (let t = steps - 1; t >= 0; t--) {
    const first = t === 0, prev = first ? 0 : (t - 1) * BH, dPrev = first ? dh0 : dh;
    k.gruPointwiseBackward(dPre, t * BG, dHh, t * BG, dPrev, prev, dh, t * BH, gates, t * BG, hh, t * BG, first ? h0 : h, prev, batch, H);
    k.matmulAB(dPrev, prev, dHh, t * BG, weightHh, 0, batch, H, G, true);
  }
  recurrentWeightBackward(k, dWeightHh, dHh, h, h0, steps, batch, H, G);
  k.addColumnSums(dBiasHh, dHh, 0, steps * batch, G);
}
