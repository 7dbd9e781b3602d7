// A second thread for beam search: each step's beams are cut in two, this thread runs the
// network for the first part and a helper thread (stepHelperThread.ts, dist/engineStep.js) for
// the rest, both in the shared WebAssembly memory where the parameters and the step's buffers
// already are. A width-7 step is two passes over the weights on one thread (4 rows, then 3),
// one pass on each of two. Steps come every few tenths of a millisecond, too often for
// messages: the helper sleeps on a control block in the shared memory and is woken through
// Atomics (it does not spin between steps: spinning measured slower, as on two cores it takes
// time from this thread and from V8's background work). Its part goes to whichever thread
// claims it first, so a helper slow to wake costs a step on one thread, not a wait. Whatever
// goes wrong with it, the step is finished here.

import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { stepHere, type BeamStep } from '../complete/beamSearch';
import { forwardBuffers, networkForward, stepRows, type Activations } from '../model/network';
import { floats, simdAddress, simdShare } from '../model/wasmMemory';

/** What the helper thread gets at start (workerData). */
export interface StepHelperSetup {
  wasm: Uint8Array;
  memory: WebAssembly.Memory;
  control: number; // byte address of the control block
}

// The control block: Int32 slots in the shared memory.
export const GO = 0; // steps handed out (−1: stop)
export const CLAIMED = 1; // the last step whose second part a thread took: GO − 1 while it is open
export const DONE = 2; // the last step the helper finished
export const TAKEN = 3; // steps the helper took part in
export const FAILED = 4; // 1 once a step threw (its error is on stderr)
export const LAYOUT = 5; // bumped when the model or the buffers below change
export const FIRST = 6; // the helper's streams: [first, first + count)
export const COUNT = 7;
export const BATCH = 8; // streams in the buffers
export const VOCAB = 9;
export const HIDDEN = 10;
export const LAYERS = 11;
export const PARAMS = 12; // byte address of the parameter slab
export const BUFFERS = 13; // byte addresses of forwardBuffers(acts): 1 + 6 per layer
const MAX_LAYERS = 4, MAX_STREAMS = 32; // what the slots below hold; larger steps run here alone
export const INPUTS = BUFFERS + 1 + 6 * MAX_LAYERS; // the helper's input ids
export const CONTROL_SLOTS = INPUTS + MAX_STREAMS;

// This thread waits for the helper's part spinning for a few tens of microseconds (it has
// usually finished), then asleep; it gives up on it after HELPER_TIMEOUT_MS.
const WAIT_SPINS = 4_096;
const HELPER_TIMEOUT_MS = 2_000;

export class StepHelper {
  private readonly control: Int32Array;
  private layout: { params: Float32Array; acts: Activations } | undefined;
  private lost = false;

  // `block` is the allocation behind the control block: kept alive with the helper.
  private constructor(private readonly worker: Worker, private readonly block: Float32Array) {
    this.control = new Int32Array(this.block.buffer, this.block.byteOffset, CONTROL_SLOTS);
  }

  /**
   * Starts the helper from `distDir`'s engineStep.js and waits until it is ready; undefined
   * where it cannot help: one core, no SIMD kernels (whose shared memory it works in), or a
   * helper that did not start (steps then run on this thread alone, only slower).
   */
  static async start(distDir: string): Promise<StepHelper | undefined> {
    const share = simdShare();
    if (!share || os.availableParallelism() < 2) return undefined;
    const block = floats(CONTROL_SLOTS);
    const setup: StepHelperSetup = { ...share, control: block.byteOffset };
    const worker = new Worker(path.join(distDir, 'engineStep.js'), { workerData: setup });
    const started = await new Promise<boolean>((resolve) => {
      worker.once('message', () => resolve(true));
      worker.once('error', () => resolve(false));
      worker.once('exit', () => resolve(false));
    });
    if (!started) {
      void worker.terminate();
      return undefined;
    }
    const helper = new StepHelper(worker, block);
    worker.on('error', () => (helper.lost = true));
    worker.on('exit', () => (helper.lost = true));
    worker.unref();
    return helper;
  }

  /** Whether steps are shared: until the helper is lost. */
  get ready(): boolean {
    return !this.lost && !Atomics.load(this.control, FAILED);
  }

  /** Steps the helper has taken part in. */
  get stepsShared(): number {
    return Atomics.load(this.control, TAKEN);
  }

  /** A BeamStep that shares each step with the helper (when it is ready). */
  readonly step: BeamStep = (model, acts, rows) => {
    const c = this.control, params = model.params;
    if (!this.ready || rows < 2 || acts.batch > MAX_STREAMS || acts.config.layers > MAX_LAYERS || simdAddress(params) === undefined) return stepHere(model, acts, rows);
    const mine = Math.ceil(rows / 2), theirs = rows - mine;
    if (this.layout?.params !== params || this.layout.acts !== acts) this.describe(params, acts);
    c[FIRST] = mine;
    c[COUNT] = theirs;
    for (let r = 0; r < theirs; r++) c[INPUTS + r] = acts.inputs[mine + r];
    const go = Atomics.add(c, GO, 1) + 1;
    Atomics.notify(c, GO);
    networkForward(model.p, stepRows(acts, 0, mine));
    const helperClaimed = Atomics.compareExchange(c, CLAIMED, go - 1, go) !== go - 1;
    if (helperClaimed && this.finished(go) && !c[FAILED]) return;
    if (helperClaimed) this.lost = true; // from now on every step runs here
    networkForward(model.p, stepRows(acts, mine, theirs));
  };

  /** Stops the helper thread. */
  async dispose(): Promise<void> {
    this.lost = true;
    Atomics.store(this.control, GO, -1);
    Atomics.notify(this.control, GO);
    await this.worker.terminate();
  }

  /** Writes where the model and the step's buffers are, for the helper to view them. */
  private describe(params: Float32Array, acts: Activations): void {
    const c = this.control, { vocab, hidden, layers } = acts.config;
    [c[BATCH], c[VOCAB], c[HIDDEN], c[LAYERS], c[PARAMS]] = [acts.batch, vocab, hidden, layers, simdAddress(params)!];
    forwardBuffers(acts).forEach((b, i) => (c[BUFFERS + i] = simdAddress(b)!));
    Atomics.add(c, LAYOUT, 1);
    this.layout = { params, acts };
  }

  /** Waits for the helper to finish step `go`: spinning at first, then asleep, leaving the core to it. */
  private finished(go: number): boolean {
    const c = this.control, deadline = performance.now() + HELPER_TIMEOUT_MS;
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(c, DONE);
      if (done === go) return true;
      if (spins < WAIT_SPINS) continue;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(c, DONE, done, Math.min(left, 10));
    }
  }
}
