// A helper thread of a parallel training step: each job the main thread hands it (through its
// AtomicsChannel), it claims shards of the batch with the main thread and the other helpers
// (shardRunner.ts) and sums their gradients into its own buffer, reading the shared
// parameters, ids and carried state in the trainer's arena. Bundled as dist/trainShard.js;
// started by ShardPool.

import { workerData } from 'node:worker_threads';
import { Arena } from '../model/arena';
import { paramCount, paramViews } from '../model/params';
import { serveJobs, type ChannelSetup } from '../threads/atomicsChannel';
import { viewFields } from '../threads/sharedFields';
import { helperFields, type ShardSetup } from './shardPool';
import { batchFields, ShardRunner } from './shardRunner';

const setup = workerData as ShardSetup & ChannelSetup;
const arena = Arena.simd(setup.share.wasm, setup.share.memory);
const { config, batch, steps } = setup, count = paramCount(config);
const own = viewFields(arena, helperFields(count), setup.own);
const shared = viewFields(arena, batchFields(config, batch, steps), setup.shared);
const runner = new ShardRunner(arena, paramViews(arena.floatsAt(setup.params, count), config), paramViews(own.grads, config), config, shared, setup.sizes, steps);
serveJobs(arena, setup, 'training thread', () => {
  own.grads.fill(0);
  own.loss[0] = runner.runClaimed();
});
