// A training step's batch, on this thread alone or across threads: the batch's streams are cut
// into shards, which the main thread and any helper threads (shardWorker.ts) claim one at a
// time (shardRunner.ts), all in the trainer's arena: the parameters, the batch's ids and the streams' carried state are read
// where they are, each thread sums the gradients of its shards into its own buffer, and the
// main thread adds those up before clipping and Adam. Claiming, not a fixed split: the cores of
// a virtual machine, or of a laptop running an editor, are rarely equally fast.
// Synchronous by design: Trainer.step() hands each helper a job through its AtomicsChannel and
// waits for it, so a step is a step however many threads.

import * as path from 'node:path';
import type { Arena } from '../model/arena';
import { paramViews, type ModelConfig } from '../model/params';
import { AtomicsChannel } from '../threads/atomicsChannel';
import { allocateFields, f32, type Addresses, type Views } from '../threads/sharedFields';
import { batchFields, ShardRunner, shardSizes, type SharedBatch } from './shardRunner';

/** A helper's own fields: its gradients and its part of the loss. */
export const helperFields = (count: number) => ({ grads: f32(count), loss: f32(1) });

/** What a helper thread gets at start (workerData, with the ChannelSetup): the step's shape and where the shared fields are. */
export interface ShardSetup {
  config: ModelConfig;
  batch: number; // streams in the batch
  steps: number;
  sizes: number[]; // the shards' sizes
  params: number; // byte address of the parameter slab
  shared: Addresses<ReturnType<typeof batchFields>>;
  own: Addresses<ReturnType<typeof helperFields>>;
}

// A helper's step takes what the main thread's does; one that has not answered in a minute is lost.
const HELPER_TIMEOUT_MS = 60_000;

interface Helper {
  channel: AtomicsChannel;
  own: Views<ReturnType<typeof helperFields>>;
}

export class ShardPool {
  readonly shared: SharedBatch; // the batch's ids and carried state, which every thread reads
  private readonly at: Addresses<ReturnType<typeof batchFields>>;
  private runner: ShardRunner; // this thread's
  private helpers: Helper[] = [];

  /**
   * Steps over a batch of `batch` streams × `steps` on this thread alone, accumulating the
   * gradients into `grads`; the parameters and `grads` live in `arena`.
   */
  constructor(private readonly arena: Arena, private readonly params: Float32Array, private readonly grads: Float32Array, private readonly config: ModelConfig, batch: number, private readonly steps: number) {
    const fields = allocateFields(arena, batchFields(config, batch, steps));
    this.shared = fields.views;
    this.at = fields.at;
    this.runner = this.ownRunner(shardSizes(batch, 1));
  }

  /**
   * Adds `threads − 1` helpers from `distDir`/trainShard.js; `arena` must be a SIMD arena (its
   * memory is what the threads share).
   */
  async useThreads(threads: number, distDir: string): Promise<void> {
    const { arena, params, config, steps } = this, batch = this.shared.inputs.length / steps, sizes = shardSizes(batch, threads);
    try {
      for (let h = 1; h < threads; h++) {
        const own = allocateFields(arena, helperFields(params.length));
        const setup: ShardSetup = { config, batch, steps, sizes, params: arena.address(params), shared: this.at, own: own.at };
        this.helpers.push({ channel: await AtomicsChannel.start(arena, path.join(distDir, 'trainShard.js'), 'training thread', setup), own: own.views });
      }
    } catch (err) {
      await this.dispose();
      throw err;
    }
    this.runner = this.ownRunner(sizes);
  }

  get helperCount(): number {
    return this.helpers.length;
  }

  /**
   * One step over the batch in `shared` (inputs and targets filled): sets the helpers going,
   * runs shards here until none is left, waits for the helpers and adds their gradients into
   * `grads` (zeroed by the caller). Returns the batch's mean loss.
   */
  step(): number {
    this.shared.claim[0] = 0;
    const jobs = this.helpers.map((h) => h.channel.go());
    let loss = this.runner.runClaimed();
    this.helpers.forEach((h, i) => {
      const result = h.channel.wait(jobs[i], HELPER_TIMEOUT_MS);
      if (result === 'timeout') throw new Error(`a training thread has not answered for ${HELPER_TIMEOUT_MS / 1000} s`);
      if (result === 'failed') throw new Error('a training thread failed (its error is on stderr)');
      this.arena.kernels.addInto(this.grads, h.own.grads);
      loss += h.own.loss[0];
    });
    return loss;
  }

  async dispose(): Promise<void> {
    const helpers = this.helpers;
    this.helpers = [];
    await Promise.all(helpers.map((h) => h.channel.dispose()));
  }

  private ownRunner(sizes: number[]): ShardRunner {
    return new ShardRunner(this.arena, paramViews(this.params, this.config), paramViews(this.grads, this.config), this.config, this.shared, sizes, this.steps);
  }
}
