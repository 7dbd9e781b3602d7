// Data-parallel training: a step split over two threads (the batch's streams in shards that the
// threads claim, gradients summed in the shared WebAssembly memory) gives the losses and
// parameters of the same step on one thread, through stream wrap-arounds; and the shard sizes.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Arena } from '../../src/model/arena';
import { CELL_TYPES } from '../../src/model/params';
import { shardSizes } from '../../src/train/shardRunner';
import type { TrainSettings } from '../../src/protocol/trainProtocol';
import { Trainer } from '../../src/train/trainer';
import { buildSimdWasm } from './simdWasm';

const SHARD = path.resolve(__dirname, '..', '..', 'src', 'train', 'shardWorker.ts');

describe('parallel training', function () {
  this.timeout(60_000);
  let wasm: Uint8Array, dist: string;
  before(async () => {
    wasm = await buildSimdWasm();
    // The helper as a bundle would be, but from its TypeScript source.
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-shard-'));
    fs.writeFileSync(path.join(dist, 'trainShard.js'), `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(SHARD)});`);
  });

  it('cuts the batch into even shards of about 8 streams, at least one per thread', () => {
    assert.deepEqual(shardSizes(32, 2), [8, 8, 8, 8]);
    assert.deepEqual(shardSizes(6, 2), [3, 3]);
    assert.deepEqual(shardSizes(7, 3), [2, 2, 3]);
    assert.deepEqual(shardSizes(20, 2), [6, 7, 7]);
    assert.deepEqual(shardSizes(2, 4), [1, 1]);
    assert.deepEqual(shardSizes(5, 1), [5]);
  });

  /**
   * Trains the same model on one thread and on two, step by step; returns how many steps the
   * helper took shards in. With `resync`, each step starts the two from the same parameters,
   * moments and carried state, so that rounding cannot add up over many steps.
   */
  async function trainSideBySide(text: string, settings: TrainSettings, steps: number, resync = false): Promise<number> {
    const one = Trainer.fresh(text, [], settings, Arena.simd(wasm)), two = Trainer.fresh(text, [], settings, Arena.simd(wasm));
    await two.useThreads(2, dist);
    let helped = 0;
    try {
      assert.deepEqual([one.threads, two.threads], [1, 2]);
      for (let s = 0; s < steps; s++) {
        const [a, b] = [one.step(), two.step()];
        assert.ok(Math.abs(a - b) < 1e-5, `step ${s}: ${a} vs ${b}`);
        const largest = one.grads.reduce((x, y) => Math.max(x, Math.abs(y)), 0);
        one.grads.forEach((g, i) => assert.ok(Math.abs(g - two.grads[i]) <= 1e-5 * largest, `step ${s} gradient ${i}: ${g} vs ${two.grads[i]}`));
        if ((two as unknown as { pool: { helpers: { own: { loss: Float32Array } }[] } }).pool.helpers[0].own.loss[0] > 0) helped++;
        if (resync) {
          const [from, to] = [one.checkpoint(), two.checkpoint()]; // live views of each trainer's slabs
          for (const slab of ['params', 'adamM', 'adamV', 'state'] as const) to[slab].set(from[slab]);
        }
      }
      // Adam's first steps move every parameter by about lr, however small its gradient: a
      // rounding difference in a near-zero gradient shows as a few percent of lr.
      for (let i = 0; i < one.model.params.length; i++) assert.ok(Math.abs(one.model.params[i] - two.model.params[i]) < 0.1 * settings.lr, `param ${i}: ${one.model.params[i]} vs ${two.model.params[i]}`);
      assert.equal(two.stats.charsSeen, one.stats.charsSeen);
    } finally {
      await two.dispose();
    }
    return helped;
  }

  const code = 'int f(int a)\n{\n\tif (a) { return g(a); } /* c */\n\treturn "s";\n}\n';

  for (const cell of CELL_TYPES) it(`two threads train ${cell === 'gru' ? 'a' : 'an'} ${cell.toUpperCase()} as one does, through the streams wrapping around`, async () => {
    // 6 streams of 40 characters, 16 steps per chunk: the streams wrap every second step.
    await trainSideBySide(code.repeat(4).slice(0, 240), { cell, hidden: 12, layers: 2, batch: 6, steps: 16, lr: 1e-2, seed: 4 }, 5);
  });

  it('the helper claims shards beside this thread, and the sum is the same', async () => {
    // 24 streams in 3 shards, each long enough to take a few milliseconds, so the helper wakes in
    // time to claim some; over a dozen steps, so that a machine busy with other work (a 2-core
    // CI runner) still gives it the chance.
    const helped = await trainSideBySide(code.repeat(120), { cell: 'lstm', hidden: 96, layers: 2, batch: 24, steps: 32, lr: 2e-3, seed: 5 }, 12, true);
    assert.ok(helped > 0, 'the helper never took a shard');
  });
});
