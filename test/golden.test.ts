// The engine against PyTorch: every *.json in CELLSCOPE_GOLDEN_DIR (default ../shared/golden and
// its celltypes/) holds a model, a batch and what torch.nn.LSTM, GRU or RNN (config.cell)
// computed for it in float64. The engine, in float32, must reproduce each within the tolerances
// of that folder's README. New files are picked up without code changes. Every file is checked three times: with the TypeScript
// kernels, and with both builds of the WebAssembly SIMD kernels that the workers use.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adamStep, clipGradients } from '../src/model/adam';
import { createActivations, networkBackward, networkForward, networkLoss } from '../src/model/network';
import { cellType, modelConfig, paramCount, paramLayout, paramViews, type CellType, type ModelConfig } from '../src/model/params';
import { Arena } from '../src/model/arena';
import { buildSimdWasm, SIMD_BUILDS } from './unit/simdWasm';

type Nested = number | Nested[];
interface Golden {
  name: string;
  config: { vocab: number; hidden: number; layers: number; batch: number; steps: number; cell?: CellType };
  params: Record<string, Nested>;
  inputs: number[][];
  targets: number[][];
  h0: Nested;
  c0?: Nested; // LSTMs only
  adam: { lr: number; beta1: number; beta2: number; eps: number; clip_norm: number };
  expected: {
    logits: Nested; loss: number; hT: Nested; cT?: Nested; cells: Nested; // cells: c for an LSTM, h for the others
    grads: Record<string, Nested>; grad_norm: number; params_after_adam_step: Record<string, Nested>;
  };
}

const shared = path.resolve(__dirname, '..', '..', 'shared', 'golden');
const dirs = process.env.CELLSCOPE_GOLDEN_DIR ? [process.env.CELLSCOPE_GOLDEN_DIR] : [shared, path.join(shared, 'celltypes')];
const STATE_TOL = 1e-4;
const RELATIVE_TOL = 1e-4;

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

function slabFrom(arena: Arena, tensors: Record<string, Nested>, config: ModelConfig): Float32Array {
  const slab = arena.floats(paramCount(config));
  for (const e of paramLayout(config)) {
    const values = flat(tensors[e.name] ?? assert.fail(`${e.name} missing`));
    assert.equal(values.length, e.size, `${e.name}: size`);
    slab.set(values, e.offset);
  }
  return slab;
}

function assertClose(what: string, actual: ArrayLike<number>, expected: number[], tol: number): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol)) assert.fail(`${what}[${i}]: got ${actual[i]}, PyTorch ${expected[i]} (|err| ${err.toExponential(2)} > ${tol.toExponential(2)})`);
  }
}

const relativeTol = (expected: number[]) => RELATIVE_TOL * Math.max(...expected.map(Math.abs));

/** [B][T]... nested arrays (batch-major, as PyTorch's batch_first) to our time-major order. */
function timeMajor(values: number[], B: number, T: number, width: number): number[] {
  const out = new Array<number>(values.length);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < width; k++) out[(t * B + b) * width + k] = values[(b * T + t) * width + k];
    }
  }
  return out;
}

const files = dirs.flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f)) : []));

for (const build of [{ name: 'TypeScript', relaxed: undefined, kernels: 'typescript' }, ...SIMD_BUILDS]) describe(`golden vectors from PyTorch, ${build.name} kernels (${dirs.join(', ')})`, () => {
  let arena = Arena.plain();
  before(async () => {
    if (build.relaxed !== undefined) arena = Arena.simd(await buildSimdWasm(build.relaxed));
  });
  it('finds golden files', () => assert.ok(files.length > 0, `no *.json in ${dirs.join(' or ')}; set CELLSCOPE_GOLDEN_DIR`));
  it('runs on the kernels named', () => assert.equal(arena.kernelName, build.kernels));

  for (const file of files) {
    it(path.relative(shared, file), () => {
      const g = JSON.parse(fs.readFileSync(file, 'utf8')) as Golden;
      const { vocab, hidden: H, layers: L, batch: B, steps: T } = g.config;
      const config: ModelConfig = modelConfig(vocab, H, L, g.config.cell ?? 'lstm'), lstm = cellType(config) === 'lstm';
      const params = slabFrom(arena, g.params, config), grads = arena.floats(params.length);
      const acts = createActivations(arena, config, B, T);
      acts.inputs.set(timeMajor(flat(g.inputs), B, T, 1));
      acts.targets.set(timeMajor(flat(g.targets), B, T, 1));
      const h0 = flat(g.h0), c0 = lstm ? flat(g.c0!) : [];
      acts.layers.forEach((a, l) => {
        a.h0.set(h0.slice(l * B * H, (l + 1) * B * H));
        if (lstm) a.c0.set(c0.slice(l * B * H, (l + 1) * B * H));
      });
      const p = paramViews(params, config), d = paramViews(grads, config);

      networkForward(p, acts);
      assertClose('logits', acts.logits, timeMajor(flat(g.expected.logits), B, T, vocab), STATE_TOL);
      assertClose('loss', [networkLoss(acts)], [g.expected.loss], STATE_TOL);
      const last = (T - 1) * B * H;
      const hT = acts.layers.flatMap((a) => Array.from(a.h.subarray(last, last + B * H)));
      assertClose('hT', hT, flat(g.expected.hT), STATE_TOL);
      if (lstm) assertClose('cT', acts.layers.flatMap((a) => Array.from(a.c.subarray(last, last + B * H))), flat(g.expected.cT!), STATE_TOL);
      const cells = flat(g.expected.cells);
      acts.layers.forEach((a, l) => {
        const expected = timeMajor(cells.slice(l * B * T * H, (l + 1) * B * T * H), B, T, H);
        assertClose(`${lstm ? 'cells' : 'hidden states'} of layer ${l}`, lstm ? a.c : a.h, expected, STATE_TOL);
      });

      networkBackward(d, p, acts);
      for (const e of paramLayout(config)) {
        const expected = flat(g.expected.grads[e.name]);
        assertClose(`grad ${e.name}`, grads.subarray(e.offset, e.offset + e.size), expected, relativeTol(expected));
      }

      const a = g.adam;
      const norm = clipGradients(arena.kernels, grads, a.clip_norm);
      assertClose('grad_norm', [norm], [g.expected.grad_norm], RELATIVE_TOL * g.expected.grad_norm);
      const state = { m: arena.floats(params.length), v: arena.floats(params.length), step: 0 };
      adamStep(arena.kernels, params, grads, state, a.lr, { beta1: a.beta1, beta2: a.beta2, eps: a.eps, clipNorm: a.clip_norm });
      for (const e of paramLayout(config)) {
        const expected = flat(g.expected.params_after_adam_step[e.name]);
        assertClose(`param after Adam ${e.name}`, params.subarray(e.offset, e.offset + e.size), expected, relativeTol(expected));
      }
    });
  }
});
