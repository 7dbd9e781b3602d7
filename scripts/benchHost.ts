// The extension host's responsiveness while Cellscope trains: runs the training worker
// (dist/trainWorker.js) through TrainClient, exactly as the extension does, and measures this
// thread's event-loop delay with perf_hooks.monitorEventLoopDelay. Prints one JSON line.
//   usage: npm run bench:host -- [--corpus DIR] [--seconds 30] [--hidden 128] [--threads 1]

import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { TrainClient } from '../src/train/trainClient';

async function main(): Promise<void> {
  const { values: a } = parseArgs({ options: { corpus: { type: 'string', default: 'src' }, seconds: { type: 'string', default: '30' }, hidden: { type: 'string', default: '128' }, threads: { type: 'string', default: '1' } } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-host-'));
  const client = await TrainClient.start(() => new Worker(path.resolve(__dirname, '..', 'dist', 'trainWorker.js'), { workerData: { root: path.resolve(__dirname, '..') } }), () => {});
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const summary = await client.train({
    folders: [{ path: path.resolve(a.corpus!), include: [], exclude: [], maxFileBytes: 1_000_000 }], checkpointPath: path.join(dir, 'model.cellscope'),
    fresh: true, settings: { cell: 'lstm', hidden: Number(a.hidden), layers: 2, batch: 32, steps: 64, lr: 2e-3, seed: 1 }, seconds: Number(a.seconds), threads: Number(a.threads),
  });
  delay.disable();
  await client.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  console.log(JSON.stringify({ event_loop_delay_p50_ms: ms(delay.percentile(50)), event_loop_delay_p99_ms: ms(delay.percentile(99)), event_loop_delay_max_ms: ms(delay.max), training_steps: summary.step, corpus: a.corpus, hidden: Number(a.hidden), threads: Number(a.threads) }));
}

void main();
