// The step helper's thread (see stepHelper.ts): each time the engine thread hands it a beam
// step, it runs the network for its streams of that step, in buffers the engine thread owns in
// the shared WebAssembly memory. Bundled as dist/engineStep.js; started by StepHelper.

import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { forwardActivations, networkForward, stepRows, type Activations } from '../model/network';
import { paramCount, paramViews, type ParamViews } from '../model/params';
import { enableSimd, floatsAt } from '../model/wasmMemory';
import { BATCH, BUFFERS, CLAIMED, CONTROL_SLOTS, COUNT, DONE, FAILED, FIRST, GO, HIDDEN, INPUTS, LAYERS, LAYOUT, PARAMS, TAKEN, VOCAB, type StepHelperSetup } from './stepHelper';

const setup = workerData as StepHelperSetup;
enableSimd(setup.wasm, setup.memory);
const c = new Int32Array(setup.memory.buffer, setup.control, CONTROL_SLOTS);

let layout = 0, p: ParamViews | undefined, acts: Activations | undefined;

/** Views of the model and the step's buffers where the control block says they are. */
function view(): void {
  const config = { vocab: c[VOCAB], hidden: c[HIDDEN], layers: c[LAYERS] };
  p = paramViews(floatsAt(c[PARAMS], paramCount(config)), config);
  acts = forwardActivations(config, c[BATCH], 1, (i, n) => floatsAt(c[BUFFERS + i], n));
}

parentPort!.postMessage('ready');
for (let seen = Atomics.load(c, GO); ; ) {
  Atomics.wait(c, GO, seen); // until the engine thread hands out a step, or stops (−1)
  seen = Atomics.load(c, GO);
  if (seen < 0) break;
  if (Atomics.compareExchange(c, CLAIMED, seen - 1, seen) !== seen - 1) continue; // the engine thread took it
  try {
    if (c[LAYOUT] !== layout) {
      layout = c[LAYOUT];
      view();
    }
    const mine = stepRows(acts!, c[FIRST], c[COUNT]);
    for (let r = 0; r < mine.batch; r++) mine.inputs[r] = c[INPUTS + r];
    networkForward(p!, mine);
    Atomics.add(c, TAKEN, 1);
  } catch (err) {
    // The engine thread is waiting, not listening for events: say it where it looks, and on stderr.
    fs.writeSync(2, `cellscope step helper: ${(err as Error).stack}\n`);
    Atomics.store(c, FAILED, 1);
  }
  Atomics.store(c, DONE, seen);
  Atomics.notify(c, DONE);
}
