// Running a trained model forward without training: read a context into LSTM states, then
// step one character at a time for a batch of streams (the beams of beam search, or one
// sampler) with networkForward on Activations of T = 1: the same code as training, so the
// golden tests cover it.
// Dimension legend: L layers, B streams, H hidden, V vocabulary.

import { carryState, firstSteps, networkForward, scratchActivations, type Activations } from './network';
import type { Model } from './model';

/** The LSTM state of one stream after some text. */
export interface LstmState {
  h: Float32Array; // (L, H)
  c: Float32Array; // (L, H)
}

// Context is read in chunks of this many steps: long enough that the upper layers' input
// products are matrix-matrix, short enough to keep the buffers small.
const CONTEXT_CHUNK = 256;

/**
 * Reads `ids` from `start` (zero state when absent) and returns the state after the last id
 * and the logits (V) predicting the id after it. `onChunk(acts, pos)` sees each chunk's
 * activations (steps pos … pos + acts.steps − 1) after its forward pass; returning false
 * stops the reading there.
 */
export function readContext(
  model: Model, ids: Uint16Array, start?: LstmState, onChunk?: (acts: Activations, pos: number) => boolean | void,
): { state: LstmState; logits: Float32Array } {
  const { hidden: H, layers: L, vocab: V } = model.config;
  const chunk = scratchActivations(model, 1, CONTEXT_CHUNK);
  const state: LstmState = start ? { h: start.h.slice(), c: start.c.slice() } : { h: new Float32Array(L * H), c: new Float32Array(L * H) };
  const logits = new Float32Array(V);
  for (let pos = 0; pos < ids.length; pos += CONTEXT_CHUNK) {
    const T = Math.min(CONTEXT_CHUNK, ids.length - pos), acts = firstSteps(chunk, T);
    acts.inputs.set(ids.subarray(pos, pos + T));
    acts.layers.forEach((a, l) => {
      a.h0.set(state.h.subarray(l * H, (l + 1) * H));
      a.c0.set(state.c.subarray(l * H, (l + 1) * H));
    });
    networkForward(model.p, acts);
    const more = onChunk?.(acts, pos) !== false;
    carryState(acts);
    acts.layers.forEach((a, l) => {
      state.h.set(a.h0, l * H);
      state.c.set(a.c0, l * H);
    });
    logits.set(acts.logits.subarray((T - 1) * V, T * V));
    if (!more) break;
  }
  return { state, logits };
}

/** The state a document starts from: after a newline, as training's streams see a file begin. */
export function documentStart(model: Model): { state: LstmState; logits: Float32Array } {
  return readContext(model, model.vocabulary.encode('\n'));
}

/** Places `state` in row `row` of the stepper's initial states. */
export function setRowState(acts: Activations, row: number, state: LstmState): void {
  const H = acts.config.hidden;
  acts.layers.forEach((a, l) => {
    a.h0.set(state.h.subarray(l * H, (l + 1) * H), row * H);
    a.c0.set(state.c.subarray(l * H, (l + 1) * H), row * H);
  });
}

/** Copies the state a step left in row `from` into the initial state of row `to`. */
export function carryRow(acts: Activations, from: number, to: number): void {
  const H = acts.config.hidden;
  for (const a of acts.layers) {
    a.h0.set(a.h.subarray(from * H, (from + 1) * H), to * H);
    a.c0.set(a.c.subarray(from * H, (from + 1) * H), to * H);
  }
}
