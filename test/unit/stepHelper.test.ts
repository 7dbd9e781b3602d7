// Beam search with a helper thread: steps shared with it (its streams run in its thread, in the
// shared WebAssembly memory, or here when this thread claims them first) give exactly the beams
// of steps on one thread, as beams finish and the split moves, for a new model and a new width;
// a helper that is gone leaves the steps to this thread.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beamSearch, runToMaxChars, type BeamOptions, type BeamStep } from '../../src/complete/beamSearch';
import { suggestionEnd } from '../../src/complete/lineBoundary';
import { StepHelper } from '../../src/engine/stepHelper';
import { createModel, modelFromCheckpoint, type Model } from '../../src/model/model';
import { Vocabulary } from '../../src/model/vocabulary';
import { Rng } from '../../src/util/rng';
import { enableSimd } from '../../src/model/wasmMemory';
import { Trainer } from '../../src/train/trainer';
import { buildSimdWasm } from './simdWasm';

const THREAD = path.resolve(__dirname, '..', '..', 'src', 'engine', 'stepHelperThread.ts');
const TEXT = 'static int f(int a)\n{\n\tif (a > 0) {\n\t\treturn g(a, "s");\n\t}\n\t/* done */\n\treturn 0;\n}\n'.repeat(6);

function trainedModel(seed: number, hidden: number): Model {
  const trainer = Trainer.fresh(TEXT, [], { hidden, layers: 2, batch: 4, steps: 16, lr: 1e-2, seed });
  for (let i = 0; i < 60; i++) trainer.step();
  return modelFromCheckpoint(trainer.checkpoint());
}

/** Every beam's text, log-probabilities and end, for each context. */
function beams(model: Model, opts: Omit<BeamOptions, 'step'>, step?: BeamStep): unknown[] {
  return ['static int f(', '\tif (a', '\t\treturn g(', '/* do'].map((context) => beamSearch(model, context, { ...opts, step }));
}

describe('beam steps on two threads', function () {
  this.timeout(60_000);
  let disable: () => void, helper: StepHelper;
  before(async () => {
    disable = enableSimd(await buildSimdWasm());
    // The helper thread as the bundle would be, but from its TypeScript source.
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-step-'));
    fs.writeFileSync(path.join(dist, 'engineStep.js'), `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(THREAD)});`);
    const started = await StepHelper.start(dist);
    assert.ok(started, 'a helper on a machine of two cores or more');
    helper = started;
  });
  after(async () => {
    await helper.dispose();
    disable();
  });

  it('finds exactly the beams of one thread, as beams end and the split moves', () => {
    const before = helper.stepsShared;
    const model = trainedModel(1, 20);
    for (const opts of [
      { width: 7, maxChars: 30, endsAt: suggestionEnd('', 1) }, // beams end at line ends: fewer streams each step
      { width: 5, maxChars: 12, endsAt: runToMaxChars },
      { width: 2, maxChars: 12, endsAt: runToMaxChars }, // one stream each
    ]) {
      assert.deepEqual(beams(model, opts, helper.step), beams(model, opts), `width ${opts.width}`);
    }
    // Another model, as large as the extension's: the helper views its parameters afresh, and
    // its steps are long enough that the helper claims its part (this thread would take the
    // tiny model's parts before the helper woke).
    const large = createModel(Vocabulary.fromText(TEXT), 128, 2, new Rng(2)), opts = { width: 7, maxChars: 20, endsAt: runToMaxChars };
    assert.deepEqual(beams(large, opts, helper.step), beams(large, opts));
    assert.ok(helper.stepsShared > before, 'the helper took part');
  });

  it('leaves the steps to this thread once the helper is gone', async () => {
    const model = trainedModel(3, 16), opts = { width: 7, maxChars: 10, endsAt: runToMaxChars };
    await helper.dispose();
    const shared = helper.stepsShared;
    assert.deepEqual(beams(model, opts, helper.step), beams(model, opts));
    assert.equal(helper.stepsShared, shared);
  });
});
