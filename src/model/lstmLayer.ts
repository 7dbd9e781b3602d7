// One LSTM layer's recurrence as a forward/backward pair over explicit buffers (PyTorch layout,
// gate order i, f, g, o). The input term is already in `gates` (layerProducts.ts); only
// h·W_hhᵀ must run step by step.
// Dimension legend: T steps, B streams, H hidden, G = 4H gate rows, time-major.

import type { Kernels, Vec } from './kernels';
import { recurrentWeightBackward } from './layerProducts';

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
  recurrentWeightBackward(k, dWeightHh, dPre, h, h0, steps, batch, H, G);
}
