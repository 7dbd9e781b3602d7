// The gradient flow (model/gradientFlow.ts): ‖∂L/∂h_t‖ for a loss at the last step, checked by
// hand at the last step (the output layer's gradient) and one step back through a vanilla RNN's
// recurrence, and the vanishing that a small recurrent weight gives.

import * as assert from 'node:assert/strict';
import { Arena } from '../../src/model/arena';
import { gradientFlow } from '../../src/model/gradientFlow';
import { createModel, type Model } from '../../src/model/model';
import { scratchActivations } from '../../src/model/network';
import { CELL_TYPES, type CellType } from '../../src/model/params';
import { Vocabulary } from '../../src/model/vocabulary';
import { Rng } from '../../src/util/rng';

const TEXT = 'int f(int x) {\n\tif (x) return 1; /* one */\n\treturn 0;\n}\n'.repeat(4);

function setUp(cell: CellType, layers: number): { model: Model; streams: Uint16Array[]; grads: Float32Array } {
  const model = createModel(Vocabulary.fromText(TEXT), 8, layers, new Rng(4), Arena.plain(), cell), ids = model.vocabulary.encode(TEXT);
  return { model, streams: [0, 1, 2].map((b) => ids.subarray(b * 21, b * 21 + 21)), grads: new Float32Array(model.params.length) };
}

const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

describe('gradient flow', () => {
  for (const cell of CELL_TYPES) it(`${cell.toUpperCase()}: at the last step, the top layer's ‖∂L/∂h‖ is the output layer's Wᵀ(softmax − one-hot)/B`, () => {
    const { model, streams, grads } = setUp(cell, 2), B = 3, T = 20, { vocab: V, hidden: H } = model.config;
    const flow = gradientFlow(model, streams, grads);
    assert.deepEqual(flow.map((l) => l.length), [T, T]);
    const acts = scratchActivations(model, B, T), W = model.p.outWeight, dh = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const row = acts.logits.subarray(((T - 1) * B + b) * V, ((T - 1) * B + b + 1) * V), max = Math.max(...row);
      const e = Array.from(row, (z) => Math.exp(z - max)), sum = e.reduce((s, v) => s + v, 0);
      for (let v = 0; v < V; v++) {
        const d = (e[v] / sum - (v === streams[b][T] ? 1 : 0)) / B;
        for (let j = 0; j < H; j++) dh[b * H + j] += W[v * H + j] * d;
      }
    }
    assert.ok(Math.abs(flow[1][0] - norm(dh)) <= 1e-6 * norm(dh), `${flow[1][0]} vs ${norm(dh)}`);
    assert.ok(flow.every((l) => l.every((x) => Number.isFinite(x) && x >= 0)));
  });

  it('RNN: one step back is W_hhᵀ((1 − h²) ⊙ ∂L/∂h) of the last step, and a small W_hh makes it vanish', () => {
    const { model, streams, grads } = setUp('rnn', 1), B = 3, T = 20, H = model.config.hidden, W = model.p.layers[0].weightHh;
    const flow = gradientFlow(model, streams, grads), a = scratchActivations(model, B, T).layers[0];
    const back = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < H; i++) {
        const at = ((T - 1) * B + b) * H + i, d = a.dh[at] * (1 - a.h[at] ** 2);
        for (let j = 0; j < H; j++) back[b * H + j] += W[i * H + j] * d;
      }
    }
    assert.ok(Math.abs(flow[0][1] - norm(back)) <= 1e-6 * norm(back), `${flow[0][1]} vs ${norm(back)}`);
    // char-rnn's ±0.08 weights: ‖W_hh‖ well below 1, so each step back shrinks the gradient.
    assert.ok(flow[0][10] < 1e-3 * flow[0][0], `10 steps back ${flow[0][10]}, at the loss ${flow[0][0]}`);
  });
});
