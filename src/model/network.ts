// The whole network, forward and backward: one-hot input → L LSTM layers → linear → softmax
// cross-entropy. All buffers for one (B, T) shape are allocated once, in `Activations`;
// forward and backward then allocate nothing. Training uses (B, T) = (batch, steps); beam
// search and sampling use the same code with T = 1.
// Dimension legend: T steps, B streams, N = T·B rows (time-major), H hidden, G = 4H, V vocab.

import type { Vec } from './kernels';
import { denseInputBackward, denseInputForward, lstmBackward, lstmForward, oneHotInputBackward, oneHotInputForward } from './lstmLayer';
import { crossEntropyBackward, crossEntropyForward, linearBackward, linearForward } from './outputLayer';
import type { ModelConfig, ParamViews } from './params';
import { floats } from './wasmMemory';

export type FloatArrayType = Float32ArrayConstructor | Float64ArrayConstructor;

export interface LayerActivations {
  h0: Vec; // (B, H) state before step 0
  c0: Vec; // (B, H)
  gates: Vec; // (T, B, G) activations i, f, g, o
  c: Vec; // (T, B, H) cell state after each step
  tanhC: Vec; // (T, B, H)
  h: Vec; // (T, B, H)
  dh: Vec; // (T, B, H) gradient scratch: dL/dh from above
  dh0: Vec; // (B, H) gradient to h0
  dc0: Vec; // (B, H) gradient to c0
}

export interface Activations {
  config: ModelConfig;
  batch: number; // B
  steps: number; // T
  inputs: Uint16Array; // (T, B) token ids
  targets: Uint16Array; // (T, B)
  layers: LayerActivations[];
  logits: Vec; // (T, B, V)
  dLogits: Vec; // (T, B, V)
  dPre: Vec; // (T, B, G) gate gradients, shared by the layers in turn
}

export function createActivations(config: ModelConfig, batch: number, steps: number, Float: FloatArrayType = Float32Array): Activations {
  const { hidden: H, vocab: V } = config, N = batch * steps;
  // Float32 buffers go where the SIMD kernels can reach them (when enabled): wasmMemory.ts.
  const alloc = (n: number): Vec => (Float === Float32Array ? floats(n) : new Float(n));
  const layers: LayerActivations[] = [];
  for (let l = 0; l < config.layers; l++) {
    layers.push({
      h0: alloc(batch * H), c0: alloc(batch * H),
      gates: alloc(N * 4 * H), c: alloc(N * H), tanhC: alloc(N * H), h: alloc(N * H),
      dh: alloc(N * H), dh0: alloc(batch * H), dc0: alloc(batch * H),
    });
  }
  return {
    config, batch, steps,
    inputs: new Uint16Array(N), targets: new Uint16Array(N),
    layers,
    logits: alloc(N * V), dLogits: alloc(N * V), dPre: alloc(N * 4 * H),
  };
}

// Scratch buffers per model (per config object) and shape: see scratchActivations.
const scratch = new WeakMap<ModelConfig, Map<string, Activations>>();

/**
 * Activations of this shape kept for as long as the model's config lives, for passes that end
 * within one call (reading context, beam search, evaluation, sampling): buffers in the SIMD
 * kernels' memory are only reclaimed when the garbage collector notices their views, which a
 * pass per keystroke would outrun. One user at a time; the initial state (h0, c0) is what the
 * last user left: set it.
 */
export function scratchActivations(config: ModelConfig, batch: number, steps: number): Activations {
  let shapes = scratch.get(config);
  if (!shapes) scratch.set(config, (shapes = new Map()));
  const key = `${batch}×${steps}`;
  let acts = shapes.get(key);
  if (!acts) shapes.set(key, (acts = createActivations(config, batch, steps)));
  return acts;
}

/** The first `steps` steps of `acts`, sharing its buffers (time-major: a prefix of each). */
export function firstSteps(acts: Activations, steps: number): Activations {
  if (steps === acts.steps) return acts;
  const N = acts.batch * steps, { hidden: H, vocab: V } = acts.config;
  return {
    ...acts, steps,
    inputs: acts.inputs.subarray(0, N), targets: acts.targets.subarray(0, N),
    layers: acts.layers.map((a) => ({
      ...a, gates: a.gates.subarray(0, N * 4 * H), c: a.c.subarray(0, N * H), tanhC: a.tanhC.subarray(0, N * H), h: a.h.subarray(0, N * H), dh: a.dh.subarray(0, N * H),
    })),
    logits: acts.logits.subarray(0, N * V), dLogits: acts.dLogits.subarray(0, N * V), dPre: acts.dPre.subarray(0, N * 4 * H),
  };
}

/** Runs the network over `acts.inputs` from the states in each layer's h0/c0; fills logits. */
export function networkForward(p: ParamViews, acts: Activations): void {
  const { config, batch: B, steps: T } = acts, { hidden: H, vocab: V } = config, N = B * T, G = 4 * H;
  for (let l = 0; l < config.layers; l++) {
    const a = acts.layers[l], pl = p.layers[l];
    if (l === 0) oneHotInputForward(a.gates, acts.inputs, pl, N, V, G);
    else denseInputForward(a.gates, acts.layers[l - 1].h, pl, N, H, G);
    lstmForward(a.gates, a.c, a.tanhC, a.h, a.h0, a.c0, pl.weightHh, T, B, H);
  }
  linearForward(acts.logits, acts.layers[config.layers - 1].h, p.outWeight, p.outBias, N, H, V);
}

/** Mean cross-entropy (nats) of `acts.targets` under the logits of the last forward. */
export function networkLoss(acts: Activations): number {
  return crossEntropyForward(acts.logits, acts.targets, acts.batch * acts.steps, acts.config.vocab);
}

/** Accumulates dLoss/dparams into the gradient views `d`: the forward in reverse. */
export function networkBackward(d: ParamViews, p: ParamViews, acts: Activations): void {
  const { config, batch: B, steps: T } = acts, { hidden: H, vocab: V, layers: L } = config, N = B * T, G = 4 * H;
  crossEntropyBackward(acts.dLogits, acts.logits, acts.targets, N, V);
  for (const a of acts.layers) a.dh.fill(0);
  const top = acts.layers[L - 1];
  linearBackward(top.dh, d.outWeight, d.outBias, acts.dLogits, top.h, p.outWeight, N, H, V);
  for (let l = L - 1; l >= 0; l--) {
    const a = acts.layers[l], pl = p.layers[l], dl = d.layers[l];
    lstmBackward(acts.dPre, a.dh0, a.dc0, dl.weightHh, a.dh, a.gates, a.c, a.tanhC, a.h, a.h0, a.c0, pl.weightHh, T, B, H);
    if (l === 0) oneHotInputBackward(dl, acts.dPre, acts.inputs, N, V, G);
    else denseInputBackward(acts.layers[l - 1].dh, dl, acts.dPre, acts.layers[l - 1].h, pl, N, H, G);
  }
}

/** Truncated BPTT: the final states of this chunk become the initial states of the next. */
export function carryState(acts: Activations): void {
  const BH = acts.batch * acts.config.hidden, last = (acts.steps - 1) * BH;
  for (const a of acts.layers) {
    a.h0.set(a.h.subarray(last, last + BH));
    a.c0.set(a.c.subarray(last, last + BH));
  }
}

/** Zeroes the carried states (a new stream, or a wrap to the corpus start). */
export function resetState(acts: Activations): void {
  for (const a of acts.layers) {
    a.h0.fill(0);
    a.c0.fill(0);
  }
}
