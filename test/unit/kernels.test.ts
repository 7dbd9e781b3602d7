// The kernels against naive loops, on shapes with ragged edges (not multiples of the 4×4
// block) and k longer than one tile.

import * as assert from 'node:assert/strict';
import { typescriptKernels } from '../../src/model/kernels';

const { lstmPointwiseForward, matmulAB, matmulABt, matmulAtB } = typescriptKernels;
import { Rng } from '../../src/util/rng';

const rng = new Rng(7);
const random = (n: number) => Float64Array.from({ length: n }, () => rng.next() * 2 - 1);

function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) assert.fail(`[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

// C = A·B with element accessors, the definition.
function naive(m: number, n: number, k: number, a: (i: number, kk: number) => number, b: (kk: number, j: number) => number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let kk = 0; kk < k; kk++) c[i * n + j] += a(i, kk) * b(kk, j);
  return c;
}

describe('kernels', () => {
  const shapes = [[1, 1, 1], [3, 5, 7], [4, 4, 4], [9, 6, 300], [17, 13, 513], [8, 33, 2]];
  for (const [m, n, k] of shapes) {
    it(`matmulABt, matmulAB, matmulAtB at ${m}×${n}×${k}, overwrite and accumulate`, () => {
      const a = random(m * k + 3), b = random(n * k + 5), init = random(m * n + 2);
      const check = (f: typeof matmulAB, expected: Float64Array) => {
        const c = init.slice();
        f(c, 2, a, 3, b, 5, m, n, k, false);
        assertNear(c.subarray(2), expected, 1e-12);
        assert.equal(c[0], init[0]); // outside the block: untouched
        f(c, 2, a, 3, b, 5, m, n, k, true);
        assertNear(c.subarray(2), expected.map((x) => 2 * x), 1e-12);
      };
      check(matmulABt, naive(m, n, k, (i, kk) => a[3 + i * k + kk], (kk, j) => b[5 + j * k + kk]));
      check(matmulAB, naive(m, n, k, (i, kk) => a[3 + i * k + kk], (kk, j) => b[5 + kk * n + j]));
      check(matmulAtB, naive(m, n, k, (i, kk) => a[3 + kk * m + i], (kk, j) => b[5 + kk * n + j]));
    });
  }

  it('lstmPointwiseForward computes i, f, g, o, c and h as defined', () => {
    const B = 2, H = 3, pre = random(B * 4 * H), cPrev = random(B * H);
    const gates = pre.slice(), c = new Float64Array(B * H), tanhC = new Float64Array(B * H), h = new Float64Array(B * H);
    lstmPointwiseForward(gates, 0, c, 0, tanhC, 0, h, 0, cPrev, 0, B, H);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const at = (gate: number) => pre[b * 4 * H + gate * H + j];
        const cn = sig(at(1)) * cPrev[b * H + j] + sig(at(0)) * Math.tanh(at(2));
        assert.ok(Math.abs(c[b * H + j] - cn) < 1e-15);
        assert.ok(Math.abs(h[b * H + j] - sig(at(3)) * Math.tanh(cn)) < 1e-15);
        assert.ok(Math.abs(gates[b * 4 * H + 2 * H + j] - Math.tanh(at(2))) < 1e-15);
      }
    }
  });
});
