// A helper thread of a parallel training step: it owns a shard of the batch's streams (and
// their carried LSTM state), and each time the main thread signals, computes the shard's loss
// and gradients into buffers of the shared WebAssembly memory, reading the shared parameters.
// Driven through Atomics on a control block, not messages: the main thread waits for it
// synchronously, inside its step. Bundled as dist/trainShard.js; started by ShardPool.

import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { carryState, createActivations, networkBackward, networkForward, networkLoss, resetState } from '../model/network';
import { paramViews } from '../model/params';
import { enableSimd, floatsAt } from '../model/wasmMemory';
import type { ShardSetup } from './shardPool';

const setup = workerData as ShardSetup;
enableSimd(setup.wasm, setup.memory);
const { config, batch, steps, count } = setup;
const p = paramViews(floatsAt(setup.params, count), config);
const grads = floatsAt(setup.grads, count), d = paramViews(grads, config);
const loss = floatsAt(setup.loss, 1);
const io = new Uint16Array(setup.memory.buffer, setup.io, 2 * steps * batch); // inputs, then targets: (T, B) each
const control = new Int32Array(setup.memory.buffer, setup.control, 4); // [go, done, reset, failed]
const acts = createActivations(config, batch, steps);
parentPort!.postMessage('ready');

for (let seen = 0; ;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  if (seen < 0) break; // stopped
  try {
    acts.inputs.set(io.subarray(0, steps * batch));
    acts.targets.set(io.subarray(steps * batch));
    if (control[2]) resetState(acts);
    networkForward(p, acts);
    loss[0] = networkLoss(acts);
    grads.fill(0);
    networkBackward(d, p, acts);
    carryState(acts);
  } catch (err) {
    // The main thread is waiting, not listening for events: say it where it looks, and on stderr.
    fs.writeSync(2, `cellscope training thread: ${(err as Error).stack}\n`);
    Atomics.store(control, 3, 1);
  }
  Atomics.store(control, 1, seen);
  Atomics.notify(control, 1);
}
