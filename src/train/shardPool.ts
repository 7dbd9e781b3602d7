// Data-parallel training across threads: the batch's streams are cut into shards, which the
// main thread and helper threads (shardWorker.ts) claim one at a time (shardRunner.ts), all in
// one shared WebAssembly memory: the parameters, the batch's ids and the streams' carried state
// are read where they are, each thread sums the gradients of its shards into its own buffer,
// and the main thread adds those up before clipping and Adam. Claiming, not a fixed split: the
// cores of a virtual machine, or of a laptop running an editor, are rarely equally fast.
// Synchronous by design: Trainer.step() signals the helpers through Atomics and waits for them,
// so a step is a step however many threads.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { addInto } from '../model/kernels';
import { paramViews, type ModelConfig } from '../model/params';
import { floats, simdAddress, simdShare } from '../model/wasmMemory';
import { ShardRunner, shardSizes, type SharedBatch } from './shardRunner';

/** What a helper thread gets at start (workerData): the step's shape and the addresses of the shared buffers. */
export interface ShardSetup {
  wasm: Uint8Array;
  memory: WebAssembly.Memory;
  config: ModelConfig;
  batch: number; // streams in the batch
  steps: number;
  sizes: number[]; // the shards' sizes
  count: number; // parameters
  params: number; // byte addresses in `memory`
  ids: number; // inputs, then targets
  state: number;
  claim: number;
  grads: number; // this helper's own
  loss: number;
  control: number;
}

// Control block of a helper (Int32 slots).
const GO = 0, DONE = 1, FAILED = 2;

// A helper's step takes what the main thread's does; one that has not answered in a minute is lost.
const HELPER_WAIT_MS = 1_000;
const HELPER_TIMEOUT_MS = 60_000;

interface Helper {
  worker: Worker;
  grads: Float32Array;
  loss: Float32Array;
  control: Int32Array; // [go, done, failed]
  keep: Float32Array; // the allocation behind control, kept alive with the helper
}

/** The batch's buffers in the shared memory, and the address of its ids. */
function sharedBatch(config: ModelConfig, batch: number, steps: number): { shared: SharedBatch; ids: number } {
  // 2·T·B 16-bit ids: T·B floats' worth.
  const ids = floats(steps * batch), state = floats(config.layers * 2 * batch * config.hidden), claim = floats(4);
  const u16 = (at: number) => new Uint16Array(ids.buffer, ids.byteOffset + at * 2, steps * batch);
  return {
    shared: { inputs: u16(0), targets: u16(steps * batch), state, claim: new Int32Array(claim.buffer, claim.byteOffset, 1), keep: [ids, claim] },
    ids: ids.byteOffset,
  };
}

export class ShardPool {
  private constructor(
    private readonly helpers: Helper[],
    private readonly runner: ShardRunner, // this thread's
    readonly shared: SharedBatch,
  ) {}

  /**
   * Starts `threads − 1` helpers for a batch of `batch` streams × `steps`, whose gradients this
   * thread accumulates into `grads`. Needs the SIMD kernels enabled, with the parameters and
   * `grads` in their memory.
   */
  static async start(params: Float32Array, grads: Float32Array, config: ModelConfig, batch: number, steps: number, threads: number, distDir: string): Promise<ShardPool> {
    const share = simdShare(), paramsAt = simdAddress(params);
    if (!share || paramsAt === undefined || simdAddress(grads) === undefined) throw new Error('parallel training needs the SIMD kernels, with the parameters in their memory');
    const { wasm, memory } = share;
    const sizes = shardSizes(batch, threads), { shared, ids } = sharedBatch(config, batch, steps);
    const helpers: Helper[] = [];
    try {
      for (let h = 1; h < threads; h++) {
        const helperGrads = floats(params.length), loss = floats(4), controlBlock = floats(4);
        const setup: ShardSetup = {
          wasm, memory, config, batch, steps, sizes, count: params.length, params: paramsAt,
          ids, state: shared.state.byteOffset, claim: shared.claim.byteOffset,
          grads: helperGrads.byteOffset, loss: loss.byteOffset, control: controlBlock.byteOffset,
        };
        const worker = new Worker(path.join(distDir, 'trainShard.js'), { workerData: setup });
        helpers.push({ worker, grads: helperGrads, loss, keep: controlBlock, control: new Int32Array(controlBlock.buffer, controlBlock.byteOffset, 3) });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`a training thread stopped while starting (exit code ${code})`)));
        });
      }
    } catch (err) {
      for (const h of helpers) void h.worker.terminate();
      throw err;
    }
    const runner = new ShardRunner(paramViews(params, config), paramViews(grads, config), config, shared, sizes, steps);
    return new ShardPool(helpers, runner, shared);
  }

  get helperCount(): number {
    return this.helpers.length;
  }

  /**
   * One step over the batch in `shared` (inputs and targets filled): sets the helpers going,
   * runs shards here until none is left, waits for the helpers and adds their gradients into
   * `grads` (this thread's, zeroed by the caller). Returns the batch's mean loss.
   */
  step(grads: Float32Array): number {
    this.shared.claim[0] = 0;
    for (const h of this.helpers) {
      Atomics.add(h.control, GO, 1);
      Atomics.notify(h.control, GO);
    }
    let loss = this.runner.runClaimed();
    for (const h of this.helpers) {
      const go = Atomics.load(h.control, GO);
      // Wait on the value just read: if the helper finishes in between, wait returns at once.
      for (let waited = 0, done = Atomics.load(h.control, DONE); done !== go; done = Atomics.load(h.control, DONE), waited += HELPER_WAIT_MS) {
        if (waited >= HELPER_TIMEOUT_MS) throw new Error(`a training thread has not answered for ${HELPER_TIMEOUT_MS / 1000} s`);
        Atomics.wait(h.control, DONE, done, HELPER_WAIT_MS);
      }
      if (h.control[FAILED]) throw new Error('a training thread failed (its error is on stderr)');
      addInto(grads, h.grads);
      loss += h.loss[0];
    }
    return loss;
  }

  async dispose(): Promise<void> {
    for (const h of this.helpers) {
      Atomics.store(h.control, GO, -1);
      Atomics.notify(h.control, GO);
    }
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
