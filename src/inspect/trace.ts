// A trace of the model reading a text: for every character, every cell's state (an LSTM's
// tanh(c), a GRU's or RNN's h) and its gates (traceKinds), quantized to bytes (what a colour or a saturation count
// needs, at a quarter of the memory), the five likeliest next characters of the model as
// completions use it (model/mixture.ts: with the document cache, when the caller gives one),
// and how surprised that model was by the character itself (−log₂ p, in bits).
// Dimension legend: T characters, L layers, H cells per layer, K kinds (4 for an LSTM: tanh c, i, f, o).

import type { LstmState } from '../model/inference';
import { readContext } from '../model/inference';
import type { Vec } from '../model/kernels';
import { logSumExp } from '../model/outputLayer';
import { Mixture } from '../model/mixture';
import type { SaturationShares } from '../model/checkpoint';
import type { Model } from '../model/model';
import { MAX_ORDER } from '../model/ngramCounts';
import { traceKinds, type TraceKind } from '../protocol/engineProtocol';
import { cellType, gateRows, type ModelConfig } from '../model/params';

export const TOP_GUESSES = 5;

export interface Trace {
  steps: number; // T
  layers: number; // L
  hidden: number; // H
  kinds: readonly TraceKind[]; // K: the model's (traceKinds)
  values: Uint8Array; // (T, L, K, H): the state as (v + 1)·127.5, gates as v·255
  topIds: Uint16Array; // (T, 5) the likeliest next characters after each one, best first
  topProbs: Float32Array; // (T, 5)
  surprise: Float32Array; // (T) bits of each character given all before it; NaN for the first without the logits before it
}

/** The document cache while tracing: its mixture, the ids before the text, and a hook that counts each character as it is read. */
export interface TraceCache {
  mixture: Mixture;
  before: Uint16Array; // the last MAX_ORDER ids before the text
  read: (t: number) => void; // the text's character t has been read
}

/**
 * Reads `ids` from `start` (the state before them and its logits, predicting the first) and
 * records the trace; undefined when `shouldStop` (asked every 256 characters) says so.
 */
export function traceText(model: Model, ids: Uint16Array, start?: { state: LstmState; logits?: Float32Array }, shouldStop = () => false, cache?: TraceCache): Trace | undefined {
  const { hidden: H, layers: L, vocab: V } = model.config, T = ids.length, kinds = traceKinds(cellType(model.config)), K = kinds.length;
  const trace: Trace = {
    steps: T, layers: L, hidden: H, kinds, values: new Uint8Array(T * L * K * H), topIds: new Uint16Array(T * TOP_GUESSES), topProbs: new Float32Array(T * TOP_GUESSES), surprise: new Float32Array(T).fill(NaN),
  };
  const mixture = cache?.mixture ?? new Mixture(V, []), before = cache?.before ?? new Uint16Array(0);
  const context = new Uint16Array(before.length + T); // the ids before the text, then the text's
  context.set(before);
  context.set(ids, before.length);
  const logProbs = new Float64Array(V);
  const lastIds = (end: number) => context.subarray(Math.max(0, end - MAX_ORDER), end);
  if (start?.logits && T > 0) {
    mixture.logProbs(logProbs, start.logits, 0, lastIds(before.length), Math.min(before.length, MAX_ORDER));
    trace.surprise[0] = -logProbs[ids[0]] / Math.LN2;
  }
  readContext(model, ids, start?.state, (acts, pos) => {
    for (let t = 0; t < acts.steps; t++) {
      acts.layers.forEach((a, l) => {
        const out = ((pos + t) * L + l) * K * H;
        kinds.forEach((kind, k) => {
          for (let j = 0; j < H; j++) trace.values[out + k * H + j] = quantized(a, model.config, t, kind, j);
        });
      });
      cache?.read(pos + t);
      const end = before.length + pos + t + 1;
      mixture.logProbs(logProbs, acts.logits, t * V, lastIds(end), Math.min(end, MAX_ORDER));
      topGuesses(logProbs, trace, pos + t);
      if (pos + t + 1 < T) trace.surprise[pos + t + 1] = -logProbs[ids[pos + t + 1]] / Math.LN2;
    }
    return !shouldStop();
  });
  return shouldStop() ? undefined : trace;
}

/**
 * A document's states cell by cell, for searching it (selectionCells.ts): the values of the
 * `kinds` asked for, quantized as a trace's, and the surprise under the model alone.
 */
export interface CellStates {
  steps: number; // T
  layers: number; // L
  hidden: number; // H
  kinds: readonly TraceKind[]; // K kinds kept
  values: Uint8Array; // (L, K, H, T): one cell's series is contiguous
  surprise: Float32Array; // (T) bits of each character under the LSTM alone; NaN for the first without the logits before it
}

/** Reads `ids` from `start` and keeps every cell's series of `kinds`; undefined when `shouldStop` (asked every 256 characters, told how many are read) says so. */
export function traceStates(
  model: Model, ids: Uint16Array, start: { state: LstmState; logits?: Float32Array } | undefined, kinds: readonly TraceKind[], shouldStop: (read: number) => boolean = () => false,
): CellStates | undefined {
  const { hidden: H, layers: L, vocab: V } = model.config, T = ids.length, K = kinds.length;
  const states: CellStates = { steps: T, layers: L, hidden: H, kinds, values: new Uint8Array(L * K * H * T), surprise: new Float32Array(T).fill(NaN) };
  if (start?.logits && T > 0) states.surprise[0] = bits(start.logits, 0, V, ids[0]);
  readContext(model, ids, start?.state, (acts, pos) => {
    for (let t = 0; t < acts.steps && pos + t + 1 < T; t++) states.surprise[pos + t + 1] = bits(acts.logits, t * V, V, ids[pos + t + 1]);
    acts.layers.forEach((a, l) => {
      kinds.forEach((kind, k) => {
        for (let j = 0; j < H; j++) {
          const row = ((l * K + k) * H + j) * T + pos;
          for (let t = 0; t < acts.steps; t++) states.values[row + t] = quantized(a, model.config, t, kind, j);
        }
      });
    });
    return !shouldStop(pos + acts.steps);
  });
  return shouldStop(T) ? undefined : states;
}

/** −log₂ of softmax(logits[offset, offset + V))[id]. */
function bits(logits: Vec, offset: number, V: number, id: number): number {
  return (logSumExp(logits, offset, V) - logits[offset + id]) / Math.LN2;
}

// Where each gate sits in a step's activations: i, f, g, o (LSTM, 4H); r, z, n (GRU, 3H).
const GATE_BLOCK: Partial<Record<TraceKind, number>> = { input: 0, forget: 1, output: 3, reset: 0, update: 1 };

/** Cell j's value of `kind` at step t, as a byte: the state as (v + 1)·127.5, a gate as v·255 (both: v' = q/127.5 − 1 in [−1, 1]). */
function quantized(a: { tanhC: Vec; h: Vec; gates: Vec }, config: ModelConfig, t: number, kind: TraceKind, j: number): number {
  const H = config.hidden;
  if (kind === 'cell') return Math.round(((cellType(config) === 'lstm' ? a.tanhC : a.h)[t * H + j] + 1) * 127.5);
  return Math.round(a.gates[t * gateRows(config) + GATE_BLOCK[kind]! * H + j] * 255);
}

// A gate is saturated below 0.1 and above 0.9 (the paper's Figure 3): those bounds as quantized bytes (v·255).
const SATURATED_LOW = 0.1 * 255, SATURATED_HIGH = 0.9 * 255;

/** For every cell, the share of characters where each of its gates (the trace's kinds after the state) is below 0.1 and above 0.9 (the paper's Figure 3): (L, K − 1, H, 2). */
export function gateSaturation(trace: Trace): Float32Array {
  const { steps: T, layers: L, hidden: H } = trace, K = trace.kinds.length, gates = K - 1;
  const out = new Float32Array(L * gates * H * 2);
  for (let t = 0; t < T; t++) {
    for (let l = 0; l < L; l++) {
      for (let g = 0; g < gates; g++) {
        const row = ((t * L + l) * K + g + 1) * H, o = (l * gates + g) * H * 2;
        for (let j = 0; j < H; j++) {
          const q = trace.values[row + j];
          if (q < SATURATED_LOW) out[o + 2 * j]++;
          else if (q > SATURATED_HIGH) out[o + 2 * j + 1]++;
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= Math.max(1, T);
  return out;
}

/** Each gate's share of values below 0.1 and above 0.9 over every cell and step of `states`, for the gates among its kinds. */
export function saturationShares(states: CellStates): SaturationShares {
  const { steps: T, layers: L, hidden: H, kinds } = states, K = kinds.length;
  const share = (k: number): [number, number] => {
    let left = 0, right = 0;
    for (let l = 0; l < L; l++) {
      const rows = states.values.subarray((l * K + k) * H * T, (l * K + k + 1) * H * T);
      for (let i = 0; i < rows.length; i++) {
        if (rows[i] < SATURATED_LOW) left++;
        else if (rows[i] > SATURATED_HIGH) right++;
      }
    }
    const n = Math.max(1, L * H * T);
    return [Math.round((left / n) * 1e4) / 1e4, Math.round((right / n) * 1e4) / 1e4];
  };
  return Object.fromEntries(kinds.flatMap((kind, k) => (kind === 'cell' ? [] : [[kind, share(k)]])));
}

/** One cell's values along the trace, dequantized: the state in [−1, 1], gates in [0, 1]. */
export function cellValues(trace: Trace, layer: number, index: number, kind: TraceKind): Float32Array {
  const { steps: T, layers: L, hidden: H, kinds } = trace, K = kinds.length, k = kinds.indexOf(kind);
  const out = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    const q = trace.values[((t * L + layer) * K + k) * H + index];
    out[t] = kind === 'cell' ? q / 127.5 - 1 : q / 255;
  }
  return out;
}

/** The TOP_GUESSES likeliest ids of a distribution given as log-probabilities, into step t of the trace. */
function topGuesses(logProbs: Float64Array, trace: Trace, t: number): void {
  const best = Array.from({ length: logProbs.length }, (_, v) => v).sort((a, b) => logProbs[b] - logProbs[a]).slice(0, TOP_GUESSES);
  best.forEach((v, r) => {
    trace.topIds[t * TOP_GUESSES + r] = v;
    trace.topProbs[t * TOP_GUESSES + r] = Math.exp(logProbs[v]);
  });
}
