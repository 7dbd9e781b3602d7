// The step helper's thread (see stepHelper.ts): each job the engine thread hands it, it runs
// the network for its streams of that beam step, in buffers the engine thread owns in the
// model's arena. Bundled as dist/engineStep.js; started by StepHelper.

import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Arena } from '../model/arena';
import { forwardActivations, forwardLengths, mapForwardBuffers, networkForward, stepRows, type Activations } from '../model/network';
import { paramCount, paramViews } from '../model/params';
import { serveJobs, type ChannelSetup } from '../threads/atomicsChannel';
import { viewFields } from '../threads/sharedFields';
import { STEP_FIELDS, type StepHelperSetup, type StepLayout } from './stepHelper';

const setup = workerData as StepHelperSetup & ChannelSetup;
const arena = Arena.simd(setup.share.wasm, setup.share.memory), { config } = setup;
const p = paramViews(arena.floatsAt(setup.params, paramCount(config)), config);
const job = viewFields(arena, STEP_FIELDS, setup.fields);
let generation = 0, acts: Activations | undefined;

/** Views of the step's buffers, from the layouts posted up to the job's. */
function readLayouts(): Activations {
  while (generation !== job.layout[0]) {
    const layout = receiveMessageOnPort(setup.layouts)?.message as StepLayout | undefined;
    if (!layout) throw new Error(`the layout of generation ${job.layout[0]} was not posted`);
    const lengths = forwardLengths(config, layout.batch, 1);
    const buffers = mapForwardBuffers(layout.buffers, (at, name, l) => arena.floatsAt(at, name === 'logits' ? lengths.logits : lengths.layers[l][name]));
    acts = forwardActivations(arena, config, layout.batch, 1, buffers);
    generation = layout.generation;
  }
  return acts!;
}

serveJobs(arena, setup, 'step helper', () => {
  const mine = stepRows(readLayouts(), job.first[0], job.count[0]);
  for (let r = 0; r < mine.batch; r++) mine.inputs[r] = job.inputs[r];
  networkForward(p, mine);
});
