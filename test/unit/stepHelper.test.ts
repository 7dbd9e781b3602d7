// Beam search with a helper thread: steps shared with it (its streams run in its thread, in the
// model's arena, or here when this thread claims them first) give exactly the beams of steps on
// one thread, as beams finish and the split moves, for a new model and a new width; a helper
// that is gone, that throws, never answers or exits leaves the steps to this thread with the
// same beams; an arena cannot be disposed under a running helper.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beamSearch, runToMaxChars, type BeamOptions, type BeamStep } from '../../src/complete/beamSearch';
import { suggestionEnd } from '../../src/complete/lineBoundary';
import { StepHelper } from '../../src/engine/stepHelper';
import { Arena } from '../../src/model/arena';
import { createModel, modelFromCheckpoint, type Model } from '../../src/model/model';
import type { CellType } from '../../src/model/params';
import { Vocabulary } from '../../src/model/vocabulary';
import { Rng } from '../../src/util/rng';
import { Trainer } from '../../src/train/trainer';
import { buildSimdWasm } from './simdWasm';

const THREAD = path.resolve(__dirname, '..', '..', 'src', 'engine', 'stepHelperThread.ts');
const FAULTY = path.resolve(__dirname, 'faultyStepThread.ts');
const TEXT = 'static int f(int a)\n{\n\tif (a > 0) {\n\t\treturn g(a, "s");\n\t}\n\t/* done */\n\treturn 0;\n}\n'.repeat(6);

/** A folder whose engineStep.js runs `thread` from its TypeScript source, as the bundle would, with `env` set. */
function distWith(thread: string, env = ''): string {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-step-'));
  fs.writeFileSync(path.join(dist, 'engineStep.js'), `${env}require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(thread)});`);
  return dist;
}

/** Every beam's text, log-probabilities and end, for each context. */
function beams(model: Model, opts: Omit<BeamOptions, 'step'>, step?: BeamStep): unknown[] {
  return ['static int f(', '\tif (a', '\t\treturn g(', '/* do'].map((context) => beamSearch(model, context, { ...opts, step }));
}

describe('beam steps on two threads', function () {
  this.timeout(60_000);
  let wasm: Uint8Array, dist: string;
  before(async () => {
    wasm = await buildSimdWasm();
    dist = distWith(THREAD);
  });

  function trainedModel(seed: number, hidden: number, cell: CellType = 'lstm'): Model {
    const trainer = Trainer.fresh(TEXT, [], { cell, hidden, layers: 2, batch: 4, steps: 16, lr: 1e-2, seed }, Arena.plain());
    for (let i = 0; i < 60; i++) trainer.step();
    return modelFromCheckpoint(trainer.checkpoint(), Arena.simd(wasm));
  }
  /** A model as large as the extension's: its steps are long enough that the helper claims its part (this thread would take a tiny model's parts before the helper woke). */
  const largeModel = () => createModel(Vocabulary.fromText(TEXT), 128, 2, new Rng(2), Arena.simd(wasm));

  async function helperFor(model: Model, from = dist): Promise<StepHelper> {
    const helper = await StepHelper.start(model, from);
    assert.ok(helper, 'a helper on a machine of two cores or more');
    return helper;
  }

  it('finds exactly the beams of one thread, as beams end and the split moves', async () => {
    const model = trainedModel(1, 20), helper = await helperFor(model);
    try {
      for (const opts of [
        { width: 7, maxChars: 30, endsAt: suggestionEnd('', 1) }, // beams end at line ends: fewer streams each step
        { width: 5, maxChars: 12, endsAt: runToMaxChars },
        { width: 2, maxChars: 12, endsAt: runToMaxChars }, // one stream each
      ]) {
        assert.deepEqual(beams(model, opts, helper.step), beams(model, opts), `width ${opts.width}`);
      }
    } finally {
      await helper.dispose();
    }
    const large = largeModel(), largeHelper = await helperFor(large), opts = { width: 7, maxChars: 20, endsAt: runToMaxChars };
    try {
      assert.deepEqual(beams(large, opts, largeHelper.step), beams(large, opts));
      assert.ok(largeHelper.stepsShared > 0, 'the helper took part');
    } finally {
      await largeHelper.dispose();
    }
  });

  for (const cell of ['gru', 'rnn'] as const) it(`finds exactly the beams of one thread for ${cell === 'gru' ? 'a' : 'an'} ${cell.toUpperCase()}`, async () => {
    const model = trainedModel(6, 24, cell), helper = await helperFor(model), opts = { width: 7, maxChars: 20, endsAt: suggestionEnd('', 1) };
    try {
      assert.deepEqual(beams(model, opts, helper.step), beams(model, opts));
    } finally {
      await helper.dispose();
    }
  });

  it('leaves the steps to this thread once the helper is gone', async () => {
    const model = trainedModel(3, 16), opts = { width: 7, maxChars: 10, endsAt: runToMaxChars };
    const helper = await helperFor(model);
    await helper.dispose();
    const shared = helper.stepsShared;
    assert.deepEqual(beams(model, opts, helper.step), beams(model, opts));
    assert.equal(helper.stepsShared, shared);
  });

  it('refuses to dispose an arena while its helper runs, and disposes it once the helper has stopped', async () => {
    const model = trainedModel(4, 16), helper = await helperFor(model);
    assert.throws(() => model.arena.dispose(), /still works in it: stop it first/);
    await helper.dispose();
    model.arena.dispose();
    assert.throws(() => model.arena.floats(4), /disposed arena/);
  });

  for (const fault of ['throws', 'never answers', 'exits']) {
    it(`finishes every step here, with the same beams, when the helper ${fault}`, async () => {
      const model = largeModel(), opts = { width: 7, maxChars: 12, endsAt: runToMaxChars };
      const helper = await helperFor(model, distWith(FAULTY, `process.env.CELLSCOPE_FAULT = ${JSON.stringify(fault)};`));
      try {
        assert.deepEqual(beams(model, opts, helper.step), beams(model, opts));
        assert.equal(helper.ready, false, 'the fault happened, and the helper was given up');
      } finally {
        await helper.dispose();
      }
    });
  }
});
