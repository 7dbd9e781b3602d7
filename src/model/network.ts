// The whole network, forward and backward: one-hot input → L recurrent layers (LSTM, GRU or
// vanilla RNN, config.cell) → linear → softmax cross-entropy. All buffers for one (B, T) shape are allocated once, in `Activations`;
// forward and backward then allocate nothing. Training uses (B, T) = (batch, steps); beam
// search and sampling use the same code with T = 1.
// Dimension legend: T steps, B streams, N = T·B rows (time-major), H hidden, G gate rows
// (params.ts gateRows), V vocab. GRUs and RNNs have no cell state: their c and tanhC stay zero.

import type { BufferSpace } from './arena';
import type { Kernels, Vec } from './kernels';
import { gruBackward, gruForward } from './gruLayer';
import { denseInputBackward, denseInputForward, oneHotInputBackward, oneHotInputForward } from './layerProducts';
import { lstmBackward, lstmForward } from './lstmLayer';
import { rnnBackward, rnnForward } from './rnnLayer';
import { crossEntropyBackward, crossEntropyForward, linearBackward, linearForward } from './outputLayer';
import type { Model } from './model';
import { cellType, gateRows, type ModelConfig, type ParamViews } from './params';

export interface LayerActivations {
  h0: Vec; // (B, H) state before step 0
  c0: Vec; // (B, H)
  gates: Vec; // (T, B, G) activations: i, f, g, o (LSTM); r, z, n (GRU); the pre-activation (RNN)
  hh: Vec; // (T, B, G) a GRU's recurrent term h·W_hhᵀ + b_hh; empty for the others
  c: Vec; // (T, B, H) cell state after each step
  tanhC: Vec; // (T, B, H)
  h: Vec; // (T, B, H)
  dh: Vec; // (T, B, H) gradient scratch: dL/dh from above
  dh0: Vec; // (B, H) gradient to h0
  dc0: Vec; // (B, H) gradient to c0
}

export interface Activations {
  config: ModelConfig;
  kernels: Kernels; // the arena's, whose buffers these are
  batch: number; // B
  steps: number; // T
  inputs: Uint16Array; // (T, B) token ids
  targets: Uint16Array; // (T, B)
  layers: LayerActivations[];
  logits: Vec; // (T, B, V)
  dLogits: Vec; // (T, B, V)
  dPre: Vec; // (T, B, G) gate gradients, shared by the layers in turn
  dHh: Vec; // (T, B, G) a GRU's recurrent-term gradients, shared likewise; empty for the others
  tokenRows: Vec; // (V, G) layer 0's scratch: its input term per token, then that term's gradient
}

/** A forward pass's buffers by name: what a helper thread views by address (stepHelper.ts). */
export interface ForwardBuffers<T> {
  logits: T; // (N, V)
  layers: { h0: T; c0: T; gates: T; hh: T; c: T; tanhC: T; h: T }[];
}

/** The length of each forward buffer for this shape. */
export function forwardLengths(config: ModelConfig, batch: number, steps: number): ForwardBuffers<number> {
  const { hidden: H, vocab: V } = config, N = batch * steps, G = gateRows(config);
  const layer = { h0: batch * H, c0: batch * H, gates: N * G, hh: cellType(config) === 'gru' ? N * G : 0, c: N * H, tanhC: N * H, h: N * H };
  return { logits: N * V, layers: Array.from({ length: config.layers }, () => ({ ...layer })) };
}

type LayerBuffer = keyof ForwardBuffers<unknown>['layers'][number];

/** Applies `f` to each forward buffer of `b` (told its name and layer), keeping the names. */
export function mapForwardBuffers<T, U>(b: ForwardBuffers<T>, f: (x: T, name: LayerBuffer | 'logits', layer: number) => U): ForwardBuffers<U> {
  return {
    logits: f(b.logits, 'logits', -1),
    layers: b.layers.map((a, l) => ({ h0: f(a.h0, 'h0', l), c0: f(a.c0, 'c0', l), gates: f(a.gates, 'gates', l), hh: f(a.hh, 'hh', l), c: f(a.c, 'c', l), tanhC: f(a.tanhC, 'tanhC', l), h: f(a.h, 'h', l) })),
  };
}

export function createActivations(space: BufferSpace, config: ModelConfig, batch: number, steps: number): Activations {
  const alloc = (n: number) => space.floats(n);
  return activationsOver(space, config, batch, steps, mapForwardBuffers(forwardLengths(config, batch, steps), alloc), alloc);
}

/**
 * Activations for forward passes over buffers that exist elsewhere (another thread's, viewed
 * by address in `space`). No gradient buffers; the inputs and the token table are this caller's own.
 */
export function forwardActivations(space: BufferSpace, config: ModelConfig, batch: number, steps: number, forward: ForwardBuffers<Vec>): Activations {
  return activationsOver(space, config, batch, steps, forward, () => NO_GRADIENT);
}

const NO_GRADIENT = new Float32Array(0);

function activationsOver(space: BufferSpace, config: ModelConfig, batch: number, steps: number, forward: ForwardBuffers<Vec>, gradient: (n: number) => Vec): Activations {
  const { hidden: H, vocab: V } = config, N = batch * steps, G = gateRows(config);
  return {
    config, kernels: space.kernels, batch, steps,
    inputs: new Uint16Array(N), targets: new Uint16Array(N),
    layers: forward.layers.map((a) => ({ ...a, dh: gradient(N * H), dh0: gradient(batch * H), dc0: gradient(batch * H) })),
    logits: forward.logits, dLogits: gradient(N * V), dPre: gradient(N * G), dHh: gradient(cellType(config) === 'gru' ? N * G : 0), tokenRows: space.floats(V * G),
  };
}

// Scratch buffers per model and shape: see scratchActivations.
const scratch = new WeakMap<Model, Map<string, Activations>>();

/**
 * Activations of this shape in the model's arena, made once and reused by every pass that ends
 * within one call (reading context, beam search, evaluation, sampling): an arena frees nothing
 * before it is disposed, so a pass per keystroke must not allocate. One user at a time; the
 * initial state (h0, c0) is what the last user left: set it.
 */
export function scratchActivations(model: Model, batch: number, steps: number): Activations {
  let shapes = scratch.get(model);
  if (!shapes) scratch.set(model, (shapes = new Map()));
  const key = `${batch}×${steps}`;
  let acts = shapes.get(key);
  if (!acts) shapes.set(key, (acts = createActivations(model.arena, model.config, batch, steps)));
  return acts;
}

/** The first `steps` steps of `acts`, sharing its buffers (time-major: a prefix of each). */
export function firstSteps(acts: Activations, steps: number): Activations {
  return steps === acts.steps ? acts : rowsView(acts, steps, acts.batch, 0);
}

// stepRows' views per activations: made once, as beam search asks for them at every step.
const stepViews = new WeakMap<Activations, Map<number, Activations>>();

/** Streams [first, first + count) of one-step activations (beam search's beams), sharing its buffers. */
export function stepRows(acts: Activations, first: number, count: number): Activations {
  if (acts.steps !== 1) throw new Error(`stepRows takes one-step activations, not ${acts.steps} steps`);
  if (first === 0 && count === acts.batch) return acts;
  let views = stepViews.get(acts);
  if (!views) stepViews.set(acts, (views = new Map()));
  const key = first * (acts.batch + 1) + count;
  let view = views.get(key);
  if (!view) views.set(key, (view = rowsView(acts, 1, count, first)));
  return view;
}

// Rows [first, first + steps·batch) of every (N, ·) buffer and streams [first, first + batch)
// of the states: a prefix of steps when first = 0, or some streams when steps = 1.
function rowsView(acts: Activations, steps: number, batch: number, first: number): Activations {
  const { hidden: H, vocab: V } = acts.config, G = gateRows(acts.config), n = steps * batch;
  const rows = <X extends Vec | Uint16Array>(x: X, width: number): X => x.subarray(first * width, (first + n) * width) as X;
  const state = (x: Vec): Vec => x.subarray(first * H, (first + batch) * H);
  return {
    ...acts, steps, batch,
    inputs: rows(acts.inputs, 1), targets: rows(acts.targets, 1),
    layers: acts.layers.map((a) => ({
      h0: state(a.h0), c0: state(a.c0), gates: rows(a.gates, G), hh: rows(a.hh, G), c: rows(a.c, H), tanhC: rows(a.tanhC, H), h: rows(a.h, H),
      dh: rows(a.dh, H), dh0: state(a.dh0), dc0: state(a.dc0),
    })),
    logits: rows(acts.logits, V), dLogits: rows(acts.dLogits, V), dPre: rows(acts.dPre, G), dHh: rows(acts.dHh, G),
  };
}

/** Runs the network over `acts.inputs` from the states in each layer's h0/c0; fills logits. */
export function networkForward(p: ParamViews, acts: Activations): void {
  const { config, batch: B, steps: T, kernels: k } = acts, { hidden: H, vocab: V } = config, N = B * T, G = gateRows(config);
  const cell = cellType(config), withHiddenBias = cell !== 'gru';
  for (let l = 0; l < config.layers; l++) {
    const a = acts.layers[l], pl = p.layers[l];
    if (l === 0) oneHotInputForward(a.gates, acts.inputs, acts.tokenRows, pl, N, V, G, withHiddenBias);
    else denseInputForward(k, a.gates, acts.layers[l - 1].h, pl, N, H, G, withHiddenBias);
    if (cell === 'lstm') lstmForward(k, a.gates, a.c, a.tanhC, a.h, a.h0, a.c0, pl.weightHh, T, B, H);
    else if (cell === 'gru') gruForward(k, a.gates, a.hh, a.h, a.h0, pl.weightHh, pl.biasHh, T, B, H);
    else rnnForward(k, a.gates, a.h, a.h0, pl.weightHh, T, B, H);
  }
  linearForward(acts.kernels, acts.logits, acts.layers[config.layers - 1].h, p.outWeight, p.outBias, N, H, V);
}

/** Mean cross-entropy (nats) of `acts.targets` under the logits of the last forward. */
export function networkLoss(acts: Activations): number {
  return crossEntropyForward(acts.logits, acts.targets, acts.batch * acts.steps, acts.config.vocab);
}

/**
 * Accumulates dLoss/dparams into the gradient views `d`: the forward in reverse. The loss is the
 * mean over `meanOver` rows: these N, or the whole batch's when these streams are a shard of it.
 */
export function networkBackward(d: ParamViews, p: ParamViews, acts: Activations, meanOver = acts.batch * acts.steps): void {
  crossEntropyBackward(acts.dLogits, acts.logits, acts.targets, acts.batch * acts.steps, acts.config.vocab, meanOver);
  backwardFromLogits(d, p, acts);
}

/**
 * The backward below the loss: from dL/dlogits in `acts.dLogits` to every parameter's gradient.
 * Leaves in each layer's dh the whole dL/dh_t of every step (from above and through time).
 */
export function backwardFromLogits(d: ParamViews, p: ParamViews, acts: Activations): void {
  const { config, batch: B, steps: T, kernels: k } = acts, { hidden: H, vocab: V, layers: L } = config, N = B * T, G = gateRows(config);
  const cell = cellType(config), withHiddenBias = cell !== 'gru';
  for (const a of acts.layers) a.dh.fill(0);
  const top = acts.layers[L - 1];
  linearBackward(acts.kernels, top.dh, d.outWeight, d.outBias, acts.dLogits, top.h, p.outWeight, N, H, V);
  for (let l = L - 1; l >= 0; l--) {
    const a = acts.layers[l], pl = p.layers[l], dl = d.layers[l];
    if (cell === 'lstm') lstmBackward(k, acts.dPre, a.dh0, a.dc0, dl.weightHh, a.dh, a.gates, a.c, a.tanhC, a.h, a.h0, a.c0, pl.weightHh, T, B, H);
    else if (cell === 'gru') gruBackward(k, acts.dPre, acts.dHh, a.dh0, dl.weightHh, dl.biasHh, a.dh, a.gates, a.hh, a.h, a.h0, pl.weightHh, T, B, H);
    else rnnBackward(k, acts.dPre, a.dh0, dl.weightHh, a.dh, a.h, a.h0, pl.weightHh, T, B, H);
    if (l === 0) oneHotInputBackward(k, dl, acts.dPre, acts.inputs, acts.tokenRows, N, V, G, withHiddenBias);
    else denseInputBackward(k, acts.layers[l - 1].dh, dl, acts.dPre, acts.layers[l - 1].h, pl, N, H, G, withHiddenBias);
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
