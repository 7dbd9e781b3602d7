// Central-difference gradient checks of the whole backward pass, in Float64 with small distinct
// dimensions, on a few random models (LSTM, GRU, RNN): every parameter, and the gradients to h0 and c0.

import * as assert from 'node:assert/strict';
import type { BufferSpace } from '../../src/model/arena';
import { typescriptKernels } from '../../src/model/kernels';
import { createActivations, networkBackward, networkForward, networkLoss, type Activations } from '../../src/model/network';
import { initParams, paramCount, paramViews, type ModelConfig } from '../../src/model/params';
import { Rng } from '../../src/util/rng';

const EPS = 1e-6;
const FLOAT64: BufferSpace = { floats: (n) => new Float64Array(n), kernels: typescriptKernels };

function setup(config: ModelConfig, B: number, T: number, seed: number) {
  const rng = new Rng(seed);
  const params = new Float64Array(paramCount(config));
  initParams(params, config, rng);
  for (let i = 0; i < params.length; i++) params[i] *= 5; // ±0.4: exercises the non-linearities
  const acts = createActivations(FLOAT64, config, B, T);
  for (let i = 0; i < B * T; i++) {
    acts.inputs[i] = rng.nextUint32() % config.vocab;
    acts.targets[i] = rng.nextUint32() % config.vocab;
  }
  for (const a of acts.layers) {
    a.h0.forEach((_, i) => (a.h0[i] = rng.next() - 0.5));
    a.c0.forEach((_, i) => (a.c0[i] = rng.next() - 0.5));
  }
  return { params, acts };
}

function numeric(loss: () => number, x: Float64Array, i: number): number {
  const keep = x[i];
  x[i] = keep + EPS;
  const up = loss();
  x[i] = keep - EPS;
  const down = loss();
  x[i] = keep;
  return (up - down) / (2 * EPS);
}

function assertGrad(what: string, analytic: number, num: number): void {
  const err = Math.abs(analytic - num) / Math.max(1e-3, Math.abs(analytic) + Math.abs(num));
  if (!(err < 1e-5)) assert.fail(`${what}: backward ${analytic}, central difference ${num} (relative error ${err.toExponential(2)})`);
}

describe('gradient check (central differences, Float64)', () => {
  const cases: [ModelConfig, number, number][] = [
    [{ vocab: 6, hidden: 4, layers: 1 }, 3, 5],
    [{ vocab: 5, hidden: 3, layers: 2 }, 4, 6],
    [{ vocab: 7, hidden: 5, layers: 3 }, 2, 3],
    [{ vocab: 5, hidden: 3, layers: 2, cell: 'gru' }, 3, 5],
    [{ vocab: 6, hidden: 4, layers: 2, cell: 'rnn' }, 2, 5],
  ];
  cases.forEach(([config, B, T], n) => {
    it(`${config.cell ?? 'lstm'} V${config.vocab} H${config.hidden} L${config.layers} B${B} T${T}`, () => {
      const { params, acts } = setup(config, B, T, 100 + n);
      const p = paramViews(params, config);
      const loss = (a: Activations = acts) => { networkForward(p, a); return networkLoss(a); };
      const grads = new Float64Array(params.length);
      loss();
      networkBackward(paramViews(grads, config), p, acts);
      const dh0 = acts.layers.map((a) => a.dh0.slice()), dc0 = acts.layers.map((a) => a.dc0.slice());
      for (let i = 0; i < params.length; i++) assertGrad(`param ${i}`, grads[i], numeric(() => loss(), params, i));
      acts.layers.forEach((a, l) => {
        for (let i = 0; i < a.h0.length; i++) {
          assertGrad(`h0 of layer ${l} [${i}]`, dh0[l][i], numeric(() => loss(), a.h0 as Float64Array, i));
          assertGrad(`c0 of layer ${l} [${i}]`, dc0[l][i], numeric(() => loss(), a.c0 as Float64Array, i));
        }
      });
    });
  });
});
