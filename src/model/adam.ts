// Adam (bias-corrected, as torch.optim.Adam) with global-norm gradient clipping (as
// torch.nn.utils.clip_grad_norm_). Moments are slabs of the parameters' layout. With every
// slab in the SIMD kernels' memory, the passes run in simd/optimizer.ts; these loops are the reference.

import type { Vec } from './kernels';
import { simdAddress, simdKernels } from './wasmMemory';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  clipNorm: number; // gradients are scaled down to this global L2 norm when above it
}

// char-rnn's proven choices (clipping at 5) with torch's Adam defaults; lr chosen for char-LSTMs.
export const DEFAULT_ADAM: AdamConfig = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, clipNorm: 5 };

export interface AdamState {
  m: Vec; // first moments, parameter layout
  v: Vec; // second moments, parameter layout
  step: number; // steps taken so far
}

/** Scales `grads` to global norm `clipNorm` when it is larger; returns the norm before clipping. */
export function clipGradients(grads: Vec, clipNorm: number): number {
  const at = simdAddress(grads);
  let sum = 0;
  if (at !== undefined) sum = simdKernels()!.sumOfSquares(at, grads.length);
  else for (let i = 0; i < grads.length; i++) sum += grads[i] * grads[i];
  const norm = Math.sqrt(sum);
  if (norm > clipNorm) {
    const scale = clipNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= scale;
  }
  return norm;
}

export function adamStep(params: Vec, grads: Vec, state: AdamState, cfg: AdamConfig): void {
  state.step++;
  const { beta1: b1, beta2: b2, eps } = cfg, { m, v } = state;
  const stepSize = cfg.lr / (1 - b1 ** state.step), root2 = Math.sqrt(1 - b2 ** state.step);
  const at = [params, grads, m, v].map(simdAddress);
  if (at.every((a) => a !== undefined)) {
    simdKernels()!.adamStep(at[0]!, at[1]!, at[2]!, at[3]!, params.length, b1, b2, eps, stepSize, root2);
    return;
  }
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    params[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / root2 + eps);
  }
}
