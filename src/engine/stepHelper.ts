// A second thread for beam search: each step's beams are cut in two, this thread runs the
// network for the first part and a helper thread (stepHelperThread.ts, dist/engineStep.js) for
// the rest, both in the model's arena, where the parameters and the step's buffers already
// are. A width-7 step is two passes over the weights on one thread (4 rows, then 3), one pass
// on each of two. Steps come every few tenths of a millisecond, too often for messages: the
// helper sleeps on its AtomicsChannel (it does not spin between steps: spinning measured
// slower, as on two cores it takes time from this thread and from V8's background work). Its
// part goes to whichever thread claims it first, so a helper slow to wake costs a step on one
// thread, not a wait. Whatever goes wrong with it, the step is finished here. One helper
// serves one model: a new model starts its own.

import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { stepHere, type BeamStep } from '../complete/beamSearch';
import type { Arena } from '../model/arena';
import { mapForwardBuffers, networkForward, stepRows, type Activations, type ForwardBuffers } from '../model/network';
import type { Model } from '../model/model';
import type { ModelConfig } from '../model/params';
import { AtomicsChannel } from '../threads/atomicsChannel';
import { allocateFields, i32, type Addresses, type Views } from '../threads/sharedFields';

export const MAX_STREAMS = 32; // the widest beam the settings allow; a wider step runs here alone

/** Each step's job: which buffers (a layout generation), the helper's streams and their input ids. */
export const STEP_FIELDS = { layout: i32(1), first: i32(1), count: i32(1), inputs: i32(MAX_STREAMS) };

/** What the helper thread gets at start (workerData, with the ChannelSetup). */
export interface StepHelperSetup {
  config: ModelConfig;
  params: number; // byte address of the parameter slab
  fields: Addresses<typeof STEP_FIELDS>;
  layouts: MessagePort; // StepLayout messages, read synchronously when a job's layout is new
}

/** Where a step's buffers are: posted once per scratch shape, before the first job that uses it. */
export interface StepLayout {
  generation: number;
  batch: number;
  buffers: ForwardBuffers<number>; // byte addresses
}

// This thread waits for the helper's part spinning for a few tens of microseconds (it has
// usually finished), then asleep; it gives up on it after HELPER_TIMEOUT_MS.
const WAIT_SPINS = 4_096;
const HELPER_TIMEOUT_MS = 2_000;

export class StepHelper {
  private described: Activations | undefined;
  private generation = 0;

  private constructor(
    private readonly arena: Arena,
    private readonly channel: AtomicsChannel,
    private readonly job: Views<typeof STEP_FIELDS>,
    private readonly layouts: MessagePort,
  ) {}

  /**
   * Starts a helper for `model` from `distDir`/engineStep.js and waits until it is ready;
   * undefined where it cannot help: one core, a plain arena, or a helper that did not start
   * (steps then run on this thread alone, only slower).
   */
  static async start(model: Model, distDir: string): Promise<StepHelper | undefined> {
    if (!model.arena.share || os.availableParallelism() < 2) return undefined;
    const { at, views } = allocateFields(model.arena, STEP_FIELDS), { port1, port2 } = new MessageChannel();
    const setup: StepHelperSetup = { config: model.config, params: model.arena.address(model.params), fields: at, layouts: port2 };
    try {
      const channel = await AtomicsChannel.start(model.arena, path.join(distDir, 'engineStep.js'), 'step helper', setup, [port2]);
      port1.unref();
      return new StepHelper(model.arena, channel, views, port1);
    } catch {
      port1.close();
      return undefined;
    }
  }

  /** Whether steps are shared: until the helper is lost. */
  get ready(): boolean {
    return this.channel.ready;
  }

  /** Steps the helper has taken part in. */
  get stepsShared(): number {
    return this.channel.taken;
  }

  /** A BeamStep that shares each step with the helper (when it is ready, and for its model). */
  readonly step: BeamStep = (model, acts, rows) => {
    if (!this.channel.ready || rows < 2 || acts.batch > MAX_STREAMS || model.arena !== this.arena) return stepHere(model, acts, rows);
    const mine = Math.ceil(rows / 2), theirs = rows - mine, job = this.job;
    if (this.described !== acts) this.describe(acts);
    job.first[0] = mine;
    job.count[0] = theirs;
    for (let r = 0; r < theirs; r++) job.inputs[r] = acts.inputs[mine + r];
    const n = this.channel.go();
    networkForward(model.p, stepRows(acts, 0, mine));
    if (this.channel.takeBack(n) || this.channel.wait(n, HELPER_TIMEOUT_MS, WAIT_SPINS) !== 'done') networkForward(model.p, stepRows(acts, mine, theirs));
  };

  /** Stops the helper thread. */
  async dispose(): Promise<void> {
    await this.channel.dispose();
    this.layouts.close();
  }

  /** Tells the helper where the step's buffers are, before the first job that uses them. */
  private describe(acts: Activations): void {
    const layout: StepLayout = { generation: ++this.generation, batch: acts.batch, buffers: mapForwardBuffers(acts, (b) => this.arena.address(b)) };
    this.layouts.postMessage(layout);
    this.job.layout[0] = layout.generation;
    this.described = acts;
  }
}
