// A model's arena owns its buffers until it is disposed: a subarray kept after its parent view
// is garbage collected still holds what was written there, however much is allocated since.
// And the settings table's limits: values clamped, a model too large for an arena reduced, with why.

import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { fitHiddenSize, ModelSizeError, settingProblem, settingValue } from '../../src/config/settings';
import { Arena } from '../../src/model/arena';
import { buildSimdWasm } from './simdWasm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void; // the collector, without a node flag

describe('arena', function () {
  this.timeout(30_000);

  it('keeps a subarray\'s memory its own after the parent view is collected', async () => {
    const arena = Arena.simd(await buildSimdWasm());
    const kept = (() => arena.floats(1024).subarray(100, 200).fill(7))(); // the parent view is dropped here
    for (let round = 0; round < 5; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10)); // finalizers run between tasks
      for (let i = 0; i < 50; i++) arena.floats(1024).fill(-1); // blocks of the same size, as a free list would reuse
    }
    assert.ok(kept.every((x) => x === 7), 'nothing else was written where the subarray lives');
  });

  it('clamps settings to their limits and falls back to defaults for values of the wrong type', () => {
    assert.equal(settingValue('cellscope.training.hiddenSize', 5000), 2048);
    assert.equal(settingValue('cellscope.training.hiddenSize', 3), 8);
    assert.equal(settingValue('cellscope.training.hiddenSize', 100.4), 100);
    assert.equal(settingValue('cellscope.training.hiddenSize', 'big'), 128);
    assert.equal(settingValue('cellscope.completion.minProbability', -1), 0);
    assert.deepEqual(settingValue('cellscope.training.exclude', ['a', 3]), []);
  });

  it('says which setting set by hand is not used as it is, and what is used instead', () => {
    assert.equal(settingProblem('cellscope.training.hiddenSize', -5), 'the setting cellscope.training.hiddenSize is -5, not a valid integer (8 to 2048, whole): Cellscope uses 8.');
    assert.equal(settingProblem('cellscope.training.learningRate', 'fast'), 'the setting cellscope.training.learningRate is "fast", not a valid number (0 to 1): Cellscope uses 0.002.');
    assert.equal(settingProblem('cellscope.training.exclude', 'dist'), 'the setting cellscope.training.exclude is "dist", not a valid array: Cellscope uses [].');
    for (const [key, value] of [['cellscope.training.hiddenSize', 256], ['cellscope.training.exclude', ['dist/']], ['cellscope.training.autoStart', undefined]] as const) assert.equal(settingProblem(key, value), null);
  });

  it('reduces a hidden size whose training would not fit in an arena, says why, and refuses what fits at no size', () => {
    assert.deepEqual(fitHiddenSize({ vocab: 100, hidden: 128, layers: 2 }, 32, 64, 1), { hidden: 128, tooLarge: null });
    const big = fitHiddenSize({ vocab: 100, hidden: 2048, layers: 2 }, 32, 64, 1);
    assert.ok(big.hidden < 2048 && big.hidden >= 1024 && big.hidden % 8 === 0, `${big.hidden}`);
    assert.match(big.tooLarge!, /^hidden size 2048 needs about 1\.\d GiB to train \(2 layers, batch 32×64, 1 thread\), more than the 1\.0 GiB a model's memory holds$/);
    assert.ok(fitHiddenSize({ vocab: 100, hidden: 2048, layers: 2 }, 32, 64, 2).hidden < big.hidden, 'a second thread\'s gradients leave less room');
    assert.throws(() => fitHiddenSize({ vocab: 100, hidden: 64, layers: 16 }, 4096, 4096, 1), (e: Error) => e instanceof ModelSizeError && /even at hidden size 8.*lower the layers, batch size or sequence length/.test(e.message));
  });
});
