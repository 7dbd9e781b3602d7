// Adam (bias-corrected, as torch.optim.Adam) with global-norm gradient clipping (as
// torch.nn.utils.clip_grad_norm_). Moments are slabs of the parameters' layout. The passes run
// in the arena's kernels (simd/optimizer.ts, or kernels.ts's reference loops).

import type { Kernels, Vec } from './kernels';

export interface AdamConfig {
  beta1: number;
  beta2: number;
  eps: number;
  clipNorm: number; // gradients are scaled down to this global L2 norm when above it
}

// char-rnn's proven choices (clipping at 5) with torch's Adam defaults. The learning rate is a
// setting (config/settings.ts), kept in each model's training statistics.
export const DEFAULT_ADAM: AdamConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, clipNorm: 5 };

export interface AdamState {
  m: Vec; // first moments, parameter layout
  v: Vec; // second moments, parameter layout
  step: number; // steps taken so far
}

/** Scales `grads` to global norm `clipNorm` when it is larger; returns the norm before clipping. */
export function clipGradients(k: Kernels, grads: Vec, clipNorm: number): number {
  const norm = Math.sqrt(k.sumOfSquares(grads));
  if (norm > clipNorm) {
    const scale = clipNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= scale;
  }
  return norm;
}

export function adamStep(k: Kernels, params: Vec, grads: Vec, state: AdamState, lr: number, cfg: AdamConfig = DEFAULT_ADAM): void {
  state.step++;
  const { beta1: b1, beta2: b2, eps } = cfg;
  k.adamUpdate(params, grads, state.m, state.v, b1, b2, eps, lr / (1 - b1 ** state.step), Math.sqrt(1 - b2 ** state.step));
}
