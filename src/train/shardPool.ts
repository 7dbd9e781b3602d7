// Data-parallel training across threads: the batch's streams are cut into shards, the main
// thread computes the first and helper threads (shardWorker.ts) the others, all in one shared
// WebAssembly memory: the parameters are read where they are, each shard writes its own
// gradients, and the main thread averages them (weighted by shard size, so the result is the
// whole batch's mean) before clipping and Adam. Synchronous by design: Trainer.step() signals
// the helpers through Atomics and waits for them, so a step is a step however many threads.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { scaleAdd } from '../model/kernels';
import type { ModelConfig } from '../model/params';
import { floats, simdAddress, simdShare } from '../model/wasmMemory';

/** What a helper thread gets at start (workerData): its shard's shape and the addresses of its buffers. */
export interface ShardSetup {
  wasm: Uint8Array;
  memory: WebAssembly.Memory;
  config: ModelConfig;
  batch: number; // streams in this shard
  steps: number;
  count: number; // parameters
  params: number; // byte addresses in `memory`
  grads: number;
  loss: number;
  io: number;
  control: number;
}

// A helper's step takes what the main thread's does; one that has not answered in a minute is lost.
const HELPER_WAIT_MS = 1_000;
const HELPER_TIMEOUT_MS = 60_000;

interface Helper {
  worker: Worker;
  first: number; // its streams: [first, first + batch)
  batch: number;
  grads: Float32Array;
  loss: Float32Array;
  io: Uint16Array; // inputs then targets, (T, batch) each
  control: Int32Array; // [go, done, reset, failed]
  keep: Float32Array[]; // the allocations behind io and control, kept alive with the helper
}

/** Copies streams [first, first + count) of a time-major (T, batch) buffer into a (T, count) one. */
export function copyStreams(from: Uint16Array, batch: number, first: number, to: Uint16Array, count: number, steps: number): void {
  for (let t = 0; t < steps; t++) to.set(from.subarray(t * batch + first, t * batch + first + count), t * count);
}

/** Shard sizes: `batch` streams over `threads` threads, as even as can be. */
export function shardSizes(batch: number, threads: number): number[] {
  const n = Math.max(1, Math.min(threads, batch));
  return Array.from({ length: n }, (_, s) => Math.floor((batch * (s + 1)) / n) - Math.floor((batch * s) / n));
}

export class ShardPool {
  private constructor(private readonly helpers: Helper[], private readonly steps: number) {}

  /**
   * Starts helpers for every shard but the first (`sizes[0]` streams stay on this thread).
   * Needs the SIMD kernels enabled, with the parameters in their memory.
   */
  static async start(params: Float32Array, config: ModelConfig, sizes: number[], steps: number, distDir: string): Promise<ShardPool> {
    const share = simdShare(), paramsAt = simdAddress(params);
    if (!share || paramsAt === undefined) throw new Error('parallel training needs the SIMD kernels, with the parameters in their memory');
    const { wasm, memory } = share;
    const helpers: Helper[] = [];
    let first = sizes[0];
    try {
      for (const batch of sizes.slice(1)) {
        // io holds 2·T·batch 16-bit ids: T·batch floats' worth.
        const grads = floats(params.length), loss = floats(4), ioBlock = floats(steps * batch), controlBlock = floats(4);
        const setup: ShardSetup = {
          wasm, memory, config, batch, steps, count: params.length,
          params: paramsAt, grads: simdAddress(grads)!, loss: simdAddress(loss)!, io: simdAddress(ioBlock)!, control: simdAddress(controlBlock)!,
        };
        const worker = new Worker(path.join(distDir, 'trainShard.js'), { workerData: setup });
        helpers.push({
          worker, first, batch, grads, loss, keep: [ioBlock, controlBlock],
          io: new Uint16Array(ioBlock.buffer, ioBlock.byteOffset, 2 * steps * batch), control: new Int32Array(controlBlock.buffer, controlBlock.byteOffset, 4),
        });
        first += batch;
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
    return new ShardPool(helpers, steps);
  }

  get helperCount(): number {
    return this.helpers.length;
  }

  /** Hands each helper its streams of the batch (time-major (T, B) `inputs`/`targets`) and sets it going. */
  begin(inputs: Uint16Array, targets: Uint16Array, batch: number, reset: boolean): void {
    for (const h of this.helpers) {
      const n = this.steps * h.batch;
      copyStreams(inputs, batch, h.first, h.io.subarray(0, n), h.batch, this.steps);
      copyStreams(targets, batch, h.first, h.io.subarray(n), h.batch, this.steps);
      h.control[2] = reset ? 1 : 0;
      Atomics.add(h.control, 0, 1);
      Atomics.notify(h.control, 0);
    }
  }

  /** Waits for the helpers, then folds their gradients into `grads` (the first shard's, `firstBatch` streams); returns the batch's mean loss. */
  finish(grads: Float32Array, firstLoss: number, firstBatch: number, batch: number): number {
    let loss = (firstLoss * firstBatch) / batch, w0 = firstBatch / batch; // this shard's weight, applied with the first helper's
    for (const h of this.helpers) {
      const go = Atomics.load(h.control, 0);
      // Wait on the value just read: if the helper finishes in between, wait returns at once.
      for (let waited = 0, done = Atomics.load(h.control, 1); done !== go; done = Atomics.load(h.control, 1), waited += HELPER_WAIT_MS) {
        if (waited >= HELPER_TIMEOUT_MS) throw new Error(`a training thread has not answered for ${HELPER_TIMEOUT_MS / 1000} s`);
        Atomics.wait(h.control, 1, done, HELPER_WAIT_MS);
      }
      if (h.control[3]) throw new Error('a training thread failed (its error is on stderr)');
      const w = h.batch / batch;
      scaleAdd(grads, w0, h.grads, w);
      w0 = 1;
      loss += w * h.loss[0];
    }
    return loss;
  }

  async dispose(): Promise<void> {
    for (const h of this.helpers) {
      Atomics.store(h.control, 0, -1);
      Atomics.notify(h.control, 0);
    }
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
