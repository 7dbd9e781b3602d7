// The WebAssembly SIMD kernels, both builds, against the TypeScript reference loops: the matrix products on
// random shapes with ragged edges, offsets, and both overwrite and accumulate; the LSTM, GRU and
// RNN steps' non-linearities over the whole float range; then a whole training step of each
// cell type (loss and every gradient) with and without them.

import * as assert from 'node:assert/strict';
import { adamStep, clipGradients, DEFAULT_ADAM } from '../../src/model/adam';
import { typescriptKernels as ts } from '../../src/model/kernels';
import { createModel } from '../../src/model/model';
import { createActivations, networkBackward, networkForward, networkLoss } from '../../src/model/network';
import { CELL_TYPES, paramViews } from '../../src/model/params';
import { Vocabulary } from '../../src/model/vocabulary';
import { Arena } from '../../src/model/arena';
import { readContext } from '../../src/model/inference';
import { beamSearch, runToMaxChars } from '../../src/complete/beamSearch';
import { evaluateDocuments } from '../../src/train/evaluate';
import { Rng } from '../../src/util/rng';
import { buildSimdWasm, SIMD_BUILDS } from './simdWasm';

for (const build of SIMD_BUILDS) describe(`SIMD kernels: ${build.name}`, function () {
  this.timeout(30_000);
  let arena: Arena;
  before(async () => (arena = Arena.simd(await buildSimdWasm(build.relaxed))));
  const floats = (n: number) => arena.floats(n);
  // Float32Array's map makes an ordinary array: this fills the arena's own in place.
  const inArena = (x: Float32Array, f: (v: number, i: number) => number) => (x.forEach((v, i) => (x[i] = f(v, i))), x);

  const rng = new Rng(5);
  const random = (x: Float32Array) => x.forEach((_, i) => (x[i] = rng.next() * 2 - 1));

  it('place model buffers in WebAssembly memory', () => {
    const x = floats(10);
    assert.equal(x.length, 10);
    assert.equal(arena.kernelName, build.kernels);
    assert.equal(arena.address(x), x.byteOffset);
    assert.throws(() => arena.address(new Float32Array(10)), /outside this arena/); // never the slow loops by accident
  });

  for (const [name, product, aSize, bSize] of [
    ['A·Bᵀ', 'matmulABt', (m: number, k: number) => m * k, (n: number, k: number) => n * k],
    ['A·B', 'matmulAB', (m: number, k: number) => m * k, (n: number, k: number) => k * n],
    ['Aᵀ·B', 'matmulAtB', (m: number, k: number) => k * m, (n: number, k: number) => k * n],
  ] as const) {
    it(`${name} equals the reference on ragged shapes, with offsets, overwriting and accumulating`, () => {
      for (const [m, n, k] of [[1, 1, 1], [1, 1024, 256], [7, 101, 256], [4, 8, 4], [5, 9, 3], [13, 17, 31], [64, 100, 32], [3, 2, 70], [9, 19, 300]]) {
        for (const accumulate of [false, true]) {
          const off = 3;
          const a = floats(off + aSize(m, k)), b = floats(off + bSize(n, k)), c = floats(off + m * n + 5);
          [a, b, c].forEach(random);
          const [ra, rb, rc] = [a, b, c].map((x) => Float32Array.from(x)); // ordinary arrays: the reference loop
          arena.kernels[product](c, off, a, off, b, off, m, n, k, accumulate);
          ts[product](rc, off, ra, off, rb, off, m, n, k, accumulate);
          for (let i = 0; i < c.length; i++) assert.ok(Math.abs(c[i] - rc[i]) <= 1e-5 * (1 + Math.abs(rc[i])), `${name} ${m}×${n}×${k} acc=${accumulate} [${i}]: ${c[i]} vs ${rc[i]}`);
        }
      }
    });
  }

  it('A·Bᵀ gives a row the same bits in a block of 4, of 3, of 2 or alone (beam steps split across threads rely on it)', () => {
    for (const [n, k] of [[102, 256], [66, 130], [7, 3]]) {
      const m = 7, a = floats(m * k), b = floats(n * k), whole = floats(m * n);
      [a, b].forEach(random);
      arena.kernels.matmulABt(whole, 0, a, 0, b, 0, m, n, k, false);
      for (const [first, rows] of [[0, 1], [4, 3], [5, 2], [6, 1], [1, 4]]) {
        const part = floats(rows * n);
        arena.kernels.matmulABt(part, 0, a, first * k, b, 0, rows, n, k, false);
        part.forEach((v, i) => assert.equal(v, whole[first * n + i], `n${n} k${k} rows ${first}+${rows} [${i}]`));
      }
    }
  });

  it('column sums (the biases\' gradient) equal the reference on ragged shapes, with an offset', () => {
    for (const [rows, cols] of [[1, 1], [3, 16], [5, 37], [64, 1024]]) {
      const off = 3, x = floats(off + rows * cols), a = floats(cols);
      [x, a].forEach(random);
      const [rx, ra] = [x, a].map((v) => Float32Array.from(v)); // ordinary arrays: the reference loop
      arena.kernels.addColumnSums(a, x, off, rows, cols);
      ts.addColumnSums(ra, rx, off, rows, cols);
      a.forEach((y, j) => assert.ok(Math.abs(y - ra[j]) <= 1e-5 * (1 + Math.abs(ra[j])), `${rows}×${cols} [${j}]: ${y} vs ${ra[j]}`));
    }
  });

  // Uniform in ±8, with a few at float extremes and near zero, where exp and tanh are hardest.
  const hardPreActivation = (i: number) => [1e-7, -3e-4, 40, -95, 1e30, -1e30][i % 50] ?? rng.next() * 16 - 8;
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const close = (what: string, x: Float32Array, ref: Float32Array, tolerance: number) => x.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= tolerance * (1 + Math.abs(ref[i])), `${what} [${i}]: ${v} vs ${ref[i]}`));

  it('the LSTM step equals the reference, from tiny to saturating pre-activations, with offsets', () => {
    for (const [B, H] of [[1, 4], [3, 8], [7, 256]]) {
      const off = 5, G = 4 * H;
      const gates = floats(off + B * G), cPrev = floats(off + B * H), c = floats(off + B * H), tanhC = floats(off + B * H), h = floats(off + B * H);
      gates.forEach((_, i) => (gates[i] = hardPreActivation(i)));
      cPrev.forEach((_, i) => (cPrev[i] = rng.next() * 6 - 3));
      const ref = [gates, c, tanhC, h, cPrev].map((x) => Float32Array.from(x)); // ordinary arrays: the reference loop
      arena.kernels.lstmPointwiseForward(gates, off, c, off, tanhC, off, h, off, cPrev, off, B, H);
      ts.lstmPointwiseForward(ref[0], off, ref[1], off, ref[2], off, ref[3], off, ref[4], off, B, H);
      [gates, c, tanhC, h].forEach((x, k) => x.forEach((v, i) => assert.ok(Math.abs(v - ref[k][i]) <= 3e-7 * (1 + Math.abs(ref[k][i])), `B${B} H${H} buffer ${k} [${i}]: ${v} vs ${ref[k][i]}`)));
    }
  });

  it('the LSTM step backward equals the reference, with offsets', () => {
    for (const [B, H] of [[1, 4], [3, 8], [7, 256]]) {
      const off = 5, G = 4 * H;
      // Activations as the forward leaves them: i, f, o in (0, 1), g and tanh(c) in (−1, 1).
      const gates = inArena(floats(off + B * G), (_, i) => ((i - off) % G < 2 * H || (i - off) % G >= 3 * H ? sigmoid : Math.tanh)(rng.next() * 8 - 4));
      const tanhC = inArena(floats(off + B * H), () => Math.tanh(rng.next() * 6 - 3));
      const cPrev = inArena(floats(off + B * H), () => rng.next() * 6 - 3), dh = inArena(floats(off + B * H), () => rng.next() * 2 - 1);
      const dc = inArena(floats(B * H), () => rng.next() * 2 - 1), dGates = floats(off + B * G);
      const ref = [dGates, dc, dh, gates, tanhC, cPrev].map((x) => Float32Array.from(x)); // ordinary arrays: the reference loop
      arena.kernels.lstmPointwiseBackward(dGates, off, dc, dh, off, gates, off, tanhC, off, cPrev, off, B, H);
      ts.lstmPointwiseBackward(ref[0], off, ref[1], ref[2], off, ref[3], off, ref[4], off, ref[5], off, B, H);
      [dGates, dc].forEach((x, k) => x.forEach((v, i) => assert.ok(Math.abs(v - ref[k][i]) <= 1e-6 * (1 + Math.abs(ref[k][i])), `B${B} H${H} buffer ${k} [${i}]: ${v} vs ${ref[k][i]}`)));
      assert.ok(dGates.some((v) => v !== 0));
    }
  });

  it('the GRU step equals the reference, from tiny to saturating pre-activations, with offsets', () => {
    for (const [B, H] of [[1, 4], [3, 8], [7, 256]]) {
      const off = 5, G = 3 * H;
      const gates = inArena(floats(off + B * G), (_, i) => hardPreActivation(i)), hh = inArena(floats(off + B * G), () => rng.next() * 8 - 4);
      const hPrev = inArena(floats(off + B * H), () => rng.next() * 2 - 1), h = floats(off + B * H);
      const ref = [gates, hh, h, hPrev].map((x) => Float32Array.from(x)); // ordinary arrays: the reference loop
      arena.kernels.gruPointwiseForward(gates, off, hh, off, h, off, hPrev, off, B, H);
      ts.gruPointwiseForward(ref[0], off, ref[1], off, ref[2], off, ref[3], off, B, H);
      close(`B${B} H${H} gates`, gates, ref[0], 3e-7);
      close(`B${B} H${H} h`, h, ref[2], 3e-7);
    }
  });

  it('the GRU step backward equals the reference, with offsets', () => {
    for (const [B, H] of [[1, 4], [3, 8], [7, 256]]) {
      const off = 5, G = 3 * H;
      // Activations as the forward leaves them: r, z in (0, 1), n in (−1, 1).
      const gates = inArena(floats(off + B * G), (_, i) => ((i - off) % G < 2 * H ? sigmoid : Math.tanh)(rng.next() * 8 - 4));
      const [hh, hPrev, dh, dhPrev] = [G, H, H, H].map((n) => inArena(floats(off + B * n), () => rng.next() * 2 - 1));
      const dGates = floats(off + B * G), dHh = floats(off + B * G);
      const ref = [dGates, dHh, dhPrev, dh, gates, hh, hPrev].map((x) => Float32Array.from(x)); // ordinary arrays: the reference loop
      arena.kernels.gruPointwiseBackward(dGates, off, dHh, off, dhPrev, off, dh, off, gates, off, hh, off, hPrev, off, B, H);
      ts.gruPointwiseBackward(ref[0], off, ref[1], off, ref[2], off, ref[3], off, ref[4], off, ref[5], off, ref[6], off, B, H);
      [dGates, dHh, dhPrev].forEach((x, k) => close(`B${B} H${H} buffer ${k}`, x, ref[k], 1e-6));
      assert.ok(dHh.some((v, i) => v !== dGates[i])); // the n block differs: r⊙dn
    }
  });

  it('the RNN step, forward and backward, equals the reference, with offsets', () => {
    for (const [B, H] of [[1, 4], [3, 8], [7, 256]]) {
      const off = 5, pre = inArena(floats(off + B * H), (_, i) => hardPreActivation(i)), h = floats(off + B * H);
      const dh = inArena(floats(off + B * H), () => rng.next() * 2 - 1), dPre = floats(off + B * H);
      const ref = [pre, h, dh, dPre].map((x) => Float32Array.from(x));
      arena.kernels.rnnPointwiseForward(pre, off, h, off, B, H);
      ts.rnnPointwiseForward(ref[0], off, ref[1], off, B, H);
      close(`B${B} H${H} h`, h, ref[1], 3e-7);
      arena.kernels.rnnPointwiseBackward(dPre, off, dh, off, h, off, B, H);
      ts.rnnPointwiseBackward(ref[3], off, ref[2], off, ref[1], off, B, H);
      close(`B${B} H${H} dPre`, dPre, ref[3], 1e-6);
    }
  });

  it('summing, clipping and Adam equal the reference, through a ragged tail, over a few steps', () => {
    const n = 1027;
    const slabs = [0, 1, 2, 3].map(() => floats(n)); // params, grads, m, v
    const other = inArena(floats(n), () => rng.next() * 2 - 1); // another thread's gradients
    const ref = slabs.map((x) => Float32Array.from(x)); // ordinary arrays: the reference loops
    const state = { m: slabs[2], v: slabs[3], step: 0 }, refState = { m: ref[2], v: ref[3], step: 0 };
    for (let step = 0; step < 3; step++) {
      slabs[1].forEach((_, i) => (slabs[1][i] = ref[1][i] = (rng.next() * 2 - 1) * (step + 1)));
      arena.kernels.addInto(slabs[1], other);
      ts.addInto(ref[1], Float32Array.from(other));
      slabs[1].forEach((v, i) => assert.ok(Math.abs(v - ref[1][i]) <= 1e-6 * (step + 1), `summed [${i}]: ${v} vs ${ref[1][i]}`));
      assert.ok(Math.abs(clipGradients(arena.kernels, slabs[1], 5) - clipGradients(ts, ref[1], 5)) <= 1e-9 * clipGradients(ts, ref[1], 5));
      adamStep(arena.kernels, slabs[0], slabs[1], state, 2e-3, DEFAULT_ADAM);
      adamStep(ts, ref[0], ref[1], refState, 2e-3, DEFAULT_ADAM);
      // float32 against the reference's float64 arithmetic: a few ulps of the slab's largest value.
      [0, 2, 3].forEach((k) => {
        const scale = ref[k].reduce((x, y) => Math.max(x, Math.abs(y)), 0);
        slabs[k].forEach((v, i) => assert.ok(Math.abs(v - ref[k][i]) <= 1e-6 * scale, `step ${step} slab ${k} [${i}]: ${v} vs ${ref[k][i]}`));
      });
    }
    assert.ok(slabs[0].every((v) => v !== 0));
  });

  it('passes per keystroke (context, beam search, evaluation) reuse their buffers: the memory stays the same size', () => {
    const text = 'while (x) { y(); } // z\n'.repeat(50), vocabulary = Vocabulary.fromText(text);
    const model = createModel(vocabulary, 32, 2, new Rng(9), arena), ids = vocabulary.encode(text);
    const pass = (i: number) => {
      const context = readContext(model, ids.subarray(0, 300 + i));
      beamSearch(model, { ...context, recent: ids.subarray(0, 300 + i) }, { width: 7, maxChars: 20, endsAt: runToMaxChars });
      evaluateDocuments(model, [{ text, warmUp: 0 }], 4, 16);
    };
    pass(0);
    const size = arena.share!.memory.buffer.byteLength;
    for (let i = 1; i < 300; i++) pass(i);
    assert.equal(arena.share!.memory.buffer.byteLength, size);
  });

  for (const cell of CELL_TYPES) it(`a training step of ${cell === 'gru' ? 'a' : 'an'} ${cell.toUpperCase()} gives the same loss and gradients as the reference`, () => {
    const text = 'if (a) { b(); } /* c */ "d"\n'.repeat(4);
    const vocabulary = Vocabulary.fromText(text);
    const model = createModel(vocabulary, 12, 2, new Rng(3), arena, cell);
    const ids = vocabulary.encode(text);
    const run = (params: Float32Array, space: Arena) => {
      const acts = createActivations(space, model.config, 3, 8);
      for (let t = 0; t < 8; t++) for (let b = 0; b < 3; b++) [acts.inputs[t * 3 + b], acts.targets[t * 3 + b]] = [ids[b * 9 + t], ids[b * 9 + t + 1]];
      const p = paramViews(params, model.config), grads = space.floats(params.length);
      networkForward(p, acts);
      const loss = networkLoss(acts);
      networkBackward(paramViews(grads, model.config), p, acts);
      return { loss, grads };
    };
    const fast = run(model.params, arena);
    const slow = run(Float32Array.from(model.params), Arena.plain());
    assert.ok(Math.abs(fast.loss - slow.loss) < 1e-6, `${fast.loss} vs ${slow.loss}`);
    for (let i = 0; i < slow.grads.length; i++) assert.ok(Math.abs(fast.grads[i] - slow.grads[i]) < 1e-6, `grad ${i}: ${fast.grads[i]} vs ${slow.grads[i]}`);
  });
});
