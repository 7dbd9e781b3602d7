// The one way Cellscope hands work to a helper thread that shares an arena's memory (training
// shards, shardPool.ts; beam steps, stepHelper.ts): control words in that memory, woken through
// Atomics, never by messages, because the handing thread waits synchronously inside its step.
// Words: GO (jobs handed out; −1 stops the helper), CLAIMED (the last job a thread took: the
// helper, or the handing thread taking it back first), DONE (the last job the helper finished),
// FAILED (set once a job threw or the helper exited; its error is on stderr), TAKEN (jobs the
// helper ran). A helper that fails, exits or misses its deadline is lost for good: it is
// terminated, and its work is the handing thread's from then on.

import * as fs from 'node:fs';
import { parentPort, Worker, type Transferable } from 'node:worker_threads';
import type { Arena, ArenaShare } from '../model/arena';
import { allocateFields, i32, viewFields } from './sharedFields';

const GO = 0, CLAIMED = 1, DONE = 2, FAILED = 3, TAKEN = 4;
const WORDS = { words: i32(5) };

/** What every helper thread gets in its workerData, besides its own setup. */
export interface ChannelSetup {
  share: ArenaShare; // the memory and kernels to attach to
  channel: number; // byte address of the control words
}

export type JobResult = 'done' | 'failed' | 'timeout';

export class AtomicsChannel {
  private lost = false;

  private constructor(private readonly worker: Worker, private readonly words: Int32Array) {}

  /**
   * Starts the helper thread `file` on `arena`'s memory with `setup` (plus ChannelSetup) and
   * waits for it to say it is ready; rejects with what went wrong. The arena cannot be disposed
   * until the helper has exited.
   */
  static async start<S extends object>(arena: Arena, file: string, name: string, setup: S, transfer: Transferable[] = []): Promise<AtomicsChannel> {
    const share = arena.share;
    if (!share) throw new Error(`the ${name} works in a SIMD arena's shared memory, and this arena is plain`);
    const { at, views } = allocateFields(arena, WORDS);
    const workerData: S & ChannelSetup = { ...setup, share, channel: at.words };
    const worker = new Worker(file, { workerData, transferList: transfer });
    const detach = arena.attach(`the ${name} (thread ${worker.threadId})`);
    worker.once('exit', detach);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (err) => reject(new Error(`the ${name} could not start: ${err.message}`)));
      worker.once('exit', (code) => reject(new Error(`the ${name} stopped while starting (exit code ${code})`)));
    }).catch(async (err: Error) => {
      await worker.terminate();
      throw err;
    });
    const channel = new AtomicsChannel(worker, views.words);
    worker.on('error', () => (channel.lost = true));
    worker.on('exit', () => (channel.lost = true));
    worker.unref(); // a helper never keeps the process alive
    return channel;
  }

  /** Whether jobs may still be handed to the helper. */
  get ready(): boolean {
    return !this.lost && !Atomics.load(this.words, FAILED);
  }

  /** Jobs the helper has run. */
  get taken(): number {
    return Atomics.load(this.words, TAKEN);
  }

  /** Hands out the next job and wakes the helper; returns the job's number. */
  go(): number {
    const job = Atomics.add(this.words, GO, 1) + 1;
    Atomics.notify(this.words, GO);
    return job;
  }

  /** Takes `job` back for this thread, unless the helper has claimed it: true when taken back. */
  takeBack(job: number): boolean {
    return Atomics.compareExchange(this.words, CLAIMED, job - 1, job) === job - 1;
  }

  /**
   * Waits for the helper to finish `job`: spinning `spins` times (it has usually finished), then
   * asleep. A helper that fails or misses the deadline is terminated before this returns, so
   * nothing it does afterwards can write over the work that replaces its own.
   */
  wait(job: number, timeoutMs: number, spins = 0): JobResult {
    const w = this.words, deadline = performance.now() + timeoutMs;
    for (let spin = 0; ; spin++) {
      const done = Atomics.load(w, DONE);
      if (Atomics.load(w, FAILED)) return this.abandon('failed');
      if (done === job) return 'done';
      if (spin < spins) continue;
      const left = deadline - performance.now();
      if (left <= 0) return this.abandon('timeout');
      Atomics.wait(w, DONE, done, Math.min(left, 10));
    }
  }

  /** Stops the helper thread and waits until it has exited. */
  async dispose(): Promise<void> {
    this.lost = true;
    Atomics.store(this.words, GO, -1);
    Atomics.notify(this.words, GO);
    await this.worker.terminate();
  }

  private abandon(result: JobResult): JobResult {
    this.lost = true;
    void this.worker.terminate(); // stops its JavaScript and WebAssembly at once (V8 TerminateExecution)
    return result;
  }
}

/**
 * The helper's side: says it is ready, then runs `run` for each job it claims until stopped.
 * `name` labels its errors on stderr (the handing thread is waiting, not listening for events).
 */
export function serveJobs(arena: Arena, setup: ChannelSetup, name: string, run: () => void): void {
  const w = viewFields(arena, WORDS, { words: setup.channel }).words;
  process.on('exit', () => { // exiting mid-job: say so where the handing thread looks
    Atomics.store(w, FAILED, 1);
    Atomics.notify(w, DONE);
  });
  // The count is read before saying ready: a job handed out at once (as a trainer's first step
  // is) then finds GO already past it, instead of being slept through.
  let seen = Atomics.load(w, GO);
  parentPort!.postMessage('ready');
  for (;;) {
    Atomics.wait(w, GO, seen);
    seen = Atomics.load(w, GO);
    if (seen < 0) return;
    if (Atomics.compareExchange(w, CLAIMED, seen - 1, seen) !== seen - 1) continue; // taken back
    try {
      run();
      Atomics.add(w, TAKEN, 1);
    } catch (err) {
      fs.writeSync(2, `cellscope ${name}: ${(err as Error).stack}\n`);
      Atomics.store(w, FAILED, 1);
    }
    Atomics.store(w, DONE, seen);
    Atomics.notify(w, DONE);
  }
}
