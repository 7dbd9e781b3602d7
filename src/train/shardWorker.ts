// A helper thread of a parallel training step: each time the main thread signals, it claims
// shards of the batch with the main thread and the other helpers (shardRunner.ts) and sums
// their gradients into its own buffer of the shared WebAssembly memory, reading the shared
// parameters, ids and carried state. Driven through Atomics on a control block, not messages:
// the main thread waits for it synchronously, inside its step. Bundled as dist/trainShard.js;
// started by ShardPool.

import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { paramViews } from '../model/params';
import { enableSimd, floatsAt } from '../model/wasmMemory';
import type { ShardSetup } from './shardPool';
import { ShardRunner } from './shardRunner';

const setup = workerData as ShardSetup;
enableSimd(setup.wasm, setup.memory);
const { config, batch, steps, count } = setup, buffer = setup.memory.buffer;
const grads = floatsAt(setup.grads, count), loss = floatsAt(setup.loss, 1);
const control = new Int32Array(buffer, setup.control, 3); // [go, done, failed]
const runner = new ShardRunner(paramViews(floatsAt(setup.params, count), config), paramViews(grads, config), config, {
  inputs: new Uint16Array(buffer, setup.ids, steps * batch),
  targets: new Uint16Array(buffer, setup.ids + 2 * steps * batch, steps * batch),
  state: floatsAt(setup.state, config.layers * 2 * batch * config.hidden),
  claim: new Int32Array(buffer, setup.claim, 1),
}, setup.sizes, steps);
parentPort!.postMessage('ready');

for (let seen = 0; ;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  if (seen < 0) break; // stopped
  try {
    grads.fill(0);
    loss[0] = runner.runClaimed();
  } catch (err) {
    // The main thread is waiting, not listening for events: say it where it looks, and on stderr.
    fs.writeSync(2, `cellscope training thread: ${(err as Error).stack}\n`);
    Atomics.store(control, 2, 1);
  }
  Atomics.store(control, 1, seen);
  Atomics.notify(control, 1);
}
