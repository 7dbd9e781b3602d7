// Dynamic evaluation (Krause et al., ICML 2018): the model takes gradient steps on the text it
// has read, so that it leans toward the document at hand. After each segment of SEGMENT
// characters, one step on that segment's loss, each parameter's step divided by the root of
// its mean squared gradient over training (Adam's second moment, kept in the checkpoint), and
// a decay pulling every parameter back toward the trained one:
//   θ ← θ − η · ∇L / (√v + ε) + λ · (θ₀ − θ).
// A segment is read from the state the reading had reached, as completions read documents.
// Measured by `cellscope score --dynamic`; not on in the editor (docs/BENCHMARKS.md: the measurement).

import { clipGradients, DEFAULT_ADAM } from './adam';
import type { Arena } from './arena';
import type { LstmState } from './inference';
import { modelFromCheckpoint, type Model } from './model';
import type { Checkpoint } from './checkpoint';
import { createActivations, firstSteps, networkBackward, networkForward, networkLoss, type Activations } from './network';
import { paramViews, type ParamViews } from './params';

export interface DynamicSettings {
  lr: number; // η
  decay: number; // λ, per step
}

// Chosen on the kernel's development files (`cellscope score --files dev --dynamic`, two tried:
// 1e-4 with 0.01 gave 39.3% of characters saved, these 40.2%, against 37.9% without).
export const DYNAMIC_SETTINGS: DynamicSettings = { lr: 3e-4, decay: 0.003 };
export const SEGMENT = 64;

export class DynamicEvaluation {
  readonly model: Model; // the adapted weights
  private readonly trained: Float32Array; // θ₀
  private readonly rms: Float32Array; // √v + ε
  private readonly grads: Float32Array;
  private readonly d: ParamViews;
  private readonly acts: Activations; // (1, SEGMENT)

  constructor(checkpoint: Checkpoint, arena: Arena, private readonly settings = DYNAMIC_SETTINGS) {
    this.model = modelFromCheckpoint(checkpoint, arena);
    this.trained = checkpoint.params.slice();
    // Adam's v after thousands of steps needs no bias correction; ε keeps a parameter that training
    // never moved (a character it never saw) from taking a giant step.
    this.rms = Float32Array.from(checkpoint.adamV, (v) => Math.sqrt(v) + 1e-5);
    this.grads = arena.floats(this.trained.length);
    this.d = paramViews(this.grads, this.model.config);
    this.acts = createActivations(arena, this.model.config, 1, SEGMENT);
  }

  /** Back to the trained weights (a new document). */
  reset(): void {
    this.model.params.set(this.trained);
  }

  /** One step on `ids` (at most SEGMENT; the first is the input before the segment's first target), read from `state` (zero when absent). */
  step(ids: Uint16Array, state?: LstmState): void {
    const T = ids.length - 1;
    if (T < 1) return;
    const acts = firstSteps(this.acts, T);
    const H = this.model.config.hidden;
    acts.inputs.set(ids.subarray(0, T));
    acts.targets.set(ids.subarray(1, T + 1));
    acts.layers.forEach((a, l) => {
      a.h0.set(state ? state.h.subarray(l * H, (l + 1) * H) : new Float32Array(H));
      a.c0.set(state ? state.c.subarray(l * H, (l + 1) * H) : new Float32Array(H));
    });
    networkForward(this.model.p, acts);
    networkLoss(acts);
    this.grads.fill(0);
    networkBackward(this.d, this.model.p, acts);
    clipGradients(acts.kernels, this.grads, DEFAULT_ADAM.clipNorm);
    const { lr, decay } = this.settings, p = this.model.params;
    for (let i = 0; i < p.length; i++) p[i] += -lr * (this.grads[i] / this.rms[i]) + decay * (this.trained[i] - p[i]);
  }
}
