// The model's configuration and its parameter slab: every parameter lives in one typed array,
// in PyTorch's names, shapes and order, with named views into it. Gradients and Adam's moments
// are slabs of the same layout, so a checkpoint or a transfer is one buffer per kind.
// Dimension legend: V vocabulary, H hidden size, L layers, G gate rows: 4H for an LSTM (i, f, g, o),
// 3H for a GRU (r, z, n), H for a vanilla RNN.

import type { Vec } from './kernels';
import type { Rng } from '../util/rng';

export const CELL_TYPES = ['lstm', 'gru', 'rnn'] as const;
export type CellType = (typeof CELL_TYPES)[number];

export interface ModelConfig {
  vocab: number; // V, including the unknown id 0
  hidden: number; // H
  layers: number; // L
  cell?: CellType; // absent in an LSTM's (and in every file written before GRUs and RNNs)
}

/** Every cell type's gates that are read as gates (in [0, 1]): an LSTM's i, f, o (g is not one), a GRU's r, z (n is not one), an RNN's none. */
export const GATES = ['input', 'forget', 'output', 'reset', 'update'] as const;
export type Gate = (typeof GATES)[number];
const GATES_OF: Record<CellType, readonly Gate[]> = { lstm: ['input', 'forget', 'output'], gru: ['reset', 'update'], rnn: [] };

/** The gates a cell type has. */
export function cellGates(cell: CellType): readonly Gate[] {
  return GATES_OF[cell];
}

/** The config's cell type: 'lstm' when it names none. */
export function cellType(config: ModelConfig): CellType {
  return config.cell ?? 'lstm';
}

/** G, the gate rows per layer: PyTorch's 4H (LSTM), 3H (GRU) or H (RNN). */
export function gateRows(config: ModelConfig): number {
  return { lstm: 4, gru: 3, rnn: 1 }[cellType(config)] * config.hidden;
}

/** A config for these sizes, naming the cell only when it is not an LSTM (so LSTM files stay as they were). */
export function modelConfig(vocab: number, hidden: number, layers: number, cell: CellType): ModelConfig {
  return cell === 'lstm' ? { vocab, hidden, layers } : { vocab, hidden, layers, cell };
}

export interface ParamEntry {
  name: string; // PyTorch's name, e.g. "lstm.0.weight_ih" ("gru.0.weight_ih" for a GRU)
  shape: number[];
  offset: number;
  size: number;
}

/** The sizes table: where each parameter sits in a slab. */
export function paramLayout(config: ModelConfig): ParamEntry[] {
  const { vocab: V, hidden: H, layers: L } = config, G = gateRows(config), cell = cellType(config);
  const shapes: [string, number[]][] = [];
  for (let l = 0; l < L; l++) {
    const inputs = l === 0 ? V : H;
    shapes.push([`${cell}.${l}.weight_ih`, [G, inputs]]);
    shapes.push([`${cell}.${l}.weight_hh`, [G, H]]);
    shapes.push([`${cell}.${l}.bias_ih`, [G]]);
    shapes.push([`${cell}.${l}.bias_hh`, [G]]);
  }
  shapes.push(['out.weight', [V, H]]);
  shapes.push(['out.bias', [V]]);
  let offset = 0;
  return shapes.map(([name, shape]) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const entry = { name, shape, offset, size };
    offset += size;
    return entry;
  });
}

/** The slab's length: paramLayout's sizes summed, without building it (a crafted header may declare any size). */
export function paramCount(config: ModelConfig): number {
  const { vocab: V, hidden: H, layers: L } = config, G = gateRows(config);
  return G * V + (L - 1) * G * H + L * (G * H + 2 * G) + V * H + V;
}

/** Named views of one layer's parameters (or gradients) inside a slab. */
export interface LayerViews {
  weightIh: Vec; // (G, in)
  weightHh: Vec; // (G, H)
  biasIh: Vec; // (G)
  biasHh: Vec; // (G)
}

export interface ParamViews {
  layers: LayerViews[];
  outWeight: Vec; // (V, H)
  outBias: Vec; // (V)
}

export function paramViews(slab: Vec, config: ModelConfig): ParamViews {
  const byName = new Map(paramLayout(config).map((e) => [e.name, slab.subarray(e.offset, e.offset + e.size)]));
  const get = (name: string): Vec => byName.get(name)!, cell = cellType(config);
  const layers: LayerViews[] = [];
  for (let l = 0; l < config.layers; l++) {
    layers.push({
      weightIh: get(`${cell}.${l}.weight_ih`),
      weightHh: get(`${cell}.${l}.weight_hh`),
      biasIh: get(`${cell}.${l}.bias_ih`),
      biasHh: get(`${cell}.${l}.bias_hh`),
    });
  }
  return { layers, outWeight: get('out.weight'), outBias: get('out.bias') };
}

/**
 * char-rnn's initialisation: every parameter uniform in ±0.08, then an LSTM's forget-gate bias
 * set to 1 so that early training remembers (GRUs and RNNs have no forget gate). (PyTorch has
 * two biases; the sum is what counts, so bias_ih carries the 1 and bias_hh the 0.) One exception, by measurement: layer 0's input
 * weights, whose columns are the characters' embeddings, are uniform in ±1, the scale of the
 * gate inputs that PyTorch's N(0, 1) embedding gives. At ±0.08 the first layer barely hears
 * its input, and held-out bits/char after 4 minutes on the kernel corpus were 2.99 instead of
 * 2.38 (docs/BENCHMARKS.md).
 */
export function initParams(slab: Vec, config: ModelConfig, rng: Rng): void {
  for (let i = 0; i < slab.length; i++) slab[i] = (rng.next() * 2 - 1) * 0.08;
  const H = config.hidden, layers = paramViews(slab, config).layers;
  for (const layer of cellType(config) === 'lstm' ? layers : []) {
    layer.biasIh.fill(1, H, 2 * H);
    layer.biasHh.fill(0, H, 2 * H);
  }
  const embedding = layers[0].weightIh;
  for (let i = 0; i < embedding.length; i++) embedding[i] = rng.next() * 2 - 1;
}
