// The model's configuration and its parameter slab: every parameter lives in one typed array,
// in PyTorch's names, shapes and order, with named views into it. Gradients and Adam's moments
// are slabs of the same layout, so a checkpoint or a transfer is one buffer per kind.
// Dimension legend: V vocabulary, H hidden size, L layers, G = 4H gate rows (i, f, g, o).

import type { Vec } from './kernels';
import type { Rng } from '../util/rng';

export interface ModelConfig {
  vocab: number; // V, including the unknown id 0
  hidden: number; // H
  layers: number; // L
}

export interface ParamEntry {
  name: string; // PyTorch's name, e.g. "lstm.0.weight_ih"
  shape: number[];
  offset: number;
  size: number;
}

/** The sizes table: where each parameter sits in a slab. */
export function paramLayout(config: ModelConfig): ParamEntry[] {
  const { vocab: V, hidden: H, layers: L } = config;
  const shapes: [string, number[]][] = [];
  for (let l = 0; l < L; l++) {
    const inputs = l === 0 ? V : H;
    shapes.push([`lstm.${l}.weight_ih`, [4 * H, inputs]]);
    shapes.push([`lstm.${l}.weight_hh`, [4 * H, H]]);
    shapes.push([`lstm.${l}.bias_ih`, [4 * H]]);
    shapes.push([`lstm.${l}.bias_hh`, [4 * H]]);
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
  const { vocab: V, hidden: H, layers: L } = config;
  return 4 * H * V + (L - 1) * 4 * H * H + L * (4 * H * H + 8 * H) + V * H + V;
}

/** Named views of one layer's parameters (or gradients) inside a slab. */
export interface LayerViews {
  weightIh: Vec; // (4H, in)
  weightHh: Vec; // (4H, H)
  biasIh: Vec; // (4H)
  biasHh: Vec; // (4H)
}

export interface ParamViews {
  layers: LayerViews[];
  outWeight: Vec; // (V, H)
  outBias: Vec; // (V)
}

export function paramViews(slab: Vec, config: ModelConfig): ParamViews {
  const byName = new Map(paramLayout(config).map((e) => [e.name, slab.subarray(e.offset, e.offset + e.size)]));
  const get = (name: string): Vec => byName.get(name)!;
  const layers: LayerViews[] = [];
  for (let l = 0; l < config.layers; l++) {
    layers.push({
      weightIh: get(`lstm.${l}.weight_ih`),
      weightHh: get(`lstm.${l}.weight_hh`),
      biasIh: get(`lstm.${l}.bias_ih`),
      biasHh: get(`lstm.${l}.bias_hh`),
    });
  }
  return { layers, outWeight: get('out.weight'), outBias: get('out.bias') };
}

/**
 * char-rnn's initialisation: every parameter uniform in ±0.08, then the forget-gate bias set
 * to 1 so that early training remembers. (PyTorch has two biases; the sum is what counts,
 * so bias_ih carries the 1 and bias_hh the 0.) One exception, by measurement: layer 0's input
 * weights, whose columns are the characters' embeddings, are uniform in ±1, the scale of the
 * gate inputs that PyTorch's N(0, 1) embedding gives. At ±0.08 the first layer barely hears
 * its input, and held-out bits/char after 4 minutes on the kernel corpus were 2.99 instead of
 * 2.38 (docs/BENCHMARKS.md).
 */
export function initParams(slab: Vec, config: ModelConfig, rng: Rng): void {
  for (let i = 0; i < slab.length; i++) slab[i] = (rng.next() * 2 - 1) * 0.08;
  const H = config.hidden, layers = paramViews(slab, config).layers;
  for (const layer of layers) {
    layer.biasIh.fill(1, H, 2 * H);
    layer.biasHh.fill(0, H, 2 * H);
  }
  const embedding = layers[0].weightIh;
  for (let i = 0; i < embedding.length; i++) embedding[i] = rng.next() * 2 - 1;
}
