// Data-parallel training: a step split over two threads (the batch's streams in two shards,
// gradients averaged in the shared WebAssembly memory) gives the losses and parameters of the
// same step on one thread, through stream wrap-arounds; and the shard sizes.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { enableSimd } from '../../src/model/wasmMemory';
import { shardSizes } from '../../src/train/shardPool';
import { Trainer } from '../../src/train/trainer';
import { buildSimdWasm } from './simdWasm';

const SHARD = path.resolve(__dirname, '..', '..', 'src', 'train', 'shardWorker.ts');

describe('parallel training', function () {
  this.timeout(60_000);
  let disable: () => void, dist: string;
  before(async () => {
    disable = enableSimd(await buildSimdWasm());
    // The helper as a bundle would be, but from its TypeScript source.
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-shard-'));
    fs.writeFileSync(path.join(dist, 'trainShard.js'), `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(SHARD)});`);
  });
  after(() => disable());

  it('cuts the batch into even shards', () => {
    assert.deepEqual(shardSizes(32, 2), [16, 16]);
    assert.deepEqual(shardSizes(7, 3), [2, 2, 3]);
    assert.deepEqual(shardSizes(2, 4), [1, 1]);
    assert.deepEqual(shardSizes(5, 1), [5]);
  });

  it('two threads train as one does, through the streams wrapping around', async () => {
    // 6 streams of 40 characters, 16 steps per chunk: the streams wrap every second step.
    const text = 'int f(int a)\n{\n\tif (a) { return g(a); } /* c */\n\treturn "s";\n}\n'.repeat(4).slice(0, 240);
    const settings = { hidden: 12, layers: 2, batch: 6, steps: 16, lr: 1e-2, seed: 4 };
    const one = Trainer.fresh(text, '', settings), two = Trainer.fresh(text, '', settings);
    await two.useThreads(2, dist);
    try {
      assert.deepEqual([one.threads, two.threads], [1, 2]);
      for (let s = 0; s < 5; s++) {
        const [a, b] = [one.step(), two.step()];
        assert.ok(Math.abs(a - b) < 1e-5, `step ${s}: ${a} vs ${b}`);
      }
      for (let i = 0; i < one.model.params.length; i++) assert.ok(Math.abs(one.model.params[i] - two.model.params[i]) < 1e-5, `param ${i}`);
      assert.equal(two.stats.charsSeen, one.stats.charsSeen);
    } finally {
      await two.dispose();
    }
  });
});
