// The training state of one model on one corpus: parameters, gradients and Adam's moments
// (slabs of one layout), the step buffers, the stream batcher and the statistics that a
// checkpoint keeps. `step()` is one batch of truncated BPTT; nothing is allocated per step.

import { settingDefault } from '../config/settings';
import type { TrainSettings } from '../protocol/trainProtocol';
import { adamStep, clipGradients, DEFAULT_ADAM, type AdamState } from '../model/adam';
import type { Arena } from '../model/arena';
import type { Checkpoint, SaturationShares, TrainingStats } from '../model/checkpoint';
import { gradientFlow } from '../model/gradientFlow';
import { documentStart } from '../model/inference';
import { saturationShares, traceStates } from '../inspect/trace';
import { createModel, modelFromCheckpoint, type Model } from '../model/model';
import { cellGates, cellType, type CellType } from '../model/params';
import { sampleText } from '../model/sampler';
import { Vocabulary } from '../model/vocabulary';
import { Rng } from '../util/rng';
import { evaluateDocuments, heldOutSample, type ScoredDocument } from './evaluate';
import { ShardPool } from './shardPool';
import { StreamBatcher } from './streamBatcher';
import { CorpusError } from '../files/corpus';
import { UserError } from '../util/userError';

// The settings' defaults (config/settings.ts), for the CLI and the extension alike.
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  cell: settingDefault('cellscope.training.cell') as CellType, hidden: settingDefault('cellscope.training.hiddenSize'), layers: settingDefault('cellscope.training.layers'),
  batch: settingDefault('cellscope.training.batchSize'), steps: settingDefault('cellscope.training.sequenceLength'),
  lr: settingDefault('cellscope.training.learningRate'), seed: 1,
};

// Periodic held-out figures score this many characters, spread over every held-out file: enough
// to agree with `eval --no-cache` (which reads them all) within a few hundredths, few enough
// not to stall training.
export const HELDOUT_SAMPLE_CHARS = 60_000;
// The gates' saturation is measured on this many characters: the shares settle well within it.
const SATURATION_CHARS = 4000;
// The gradient flow is the norm over this many stretches' hidden states.
const GRADIENT_STREAMS = 8;

/** The loss went to infinity or NaN: the run stops, and what was saved before stays. */
export class TrainingDivergedError extends UserError {
  override name = 'TrainingDivergedError';
}

export class Trainer {
  readonly grads: Float32Array; // parameter layout
  private readonly adam: AdamState;
  private readonly pool: ShardPool; // the batch, on one thread or several
  private readonly batcher: StreamBatcher;
  private readonly heldOut: ScoredDocument[]; // about HELDOUT_SAMPLE_CHARS to score
  private readonly rng: Rng;
  private readonly trainStart: string; // the start of the training text, for figures when nothing is held out

  private constructor(readonly model: Model, train: string, heldOut: string[], readonly stats: TrainingStats, resumed?: Checkpoint) {
    const ids = model.vocabulary.encode(train);
    const batch = StreamBatcher.fittingBatch(ids.length, stats.batch, stats.steps);
    if (batch < 1) {
      throw new CorpusError(`the training text (${ids.length} characters) is shorter than one chunk of ${stats.steps + 1}; add files or lower --steps.`);
    }
    stats.batch = batch;
    this.batcher = new StreamBatcher(ids, batch, stats.steps, stats.cursor);
    this.grads = model.arena.floats(model.params.length);
    // The moments go where the SIMD Adam reaches them (a checkpoint's are copied in).
    const moments = (from?: Float32Array) => { const x = model.arena.floats(model.params.length); if (from) x.set(from); return x; };
    this.adam = { m: moments(resumed?.adamM), v: moments(resumed?.adamV), step: stats.step };
    this.pool = new ShardPool(model.arena, model.params, this.grads, model.config, batch, stats.steps);
    // The streams go on from the state they had (on changed text, from a state as good as zero).
    if (resumed?.state.length === this.pool.shared.state.length) this.pool.shared.state.set(resumed.state);
    this.heldOut = heldOutSample(heldOut, HELDOUT_SAMPLE_CHARS);
    this.trainStart = train.slice(0, 2 * SATURATION_CHARS);
    this.rng = new Rng(stats.rng);
  }

  /** A new model in `arena` (which the caller owns, and disposes after this trainer). */
  static fresh(train: string, heldOut: string[], s: TrainSettings, arena: Arena, vocabulary = Vocabulary.fromText(train)): Trainer {
    const rng = new Rng(s.seed);
    const model = createModel(vocabulary, s.hidden, s.layers, rng, arena, s.cell);
    const stats: TrainingStats = {
      batch: s.batch, steps: s.steps, lr: s.lr, step: 0, charsSeen: 0, seconds: 0, cursor: 0, rng: rng.state(), history: [],
    };
    return new Trainer(model, train, heldOut, stats);
  }

  /** Continues a checkpoint's run on (possibly changed) text, with its vocabulary and settings. */
  static resume(cp: Checkpoint, train: string, heldOut: string[], arena: Arena): Trainer {
    return new Trainer(modelFromCheckpoint(cp, arena), train, heldOut, { ...cp.training }, cp);
  }

  /**
   * Spreads each step over `threads` threads (helpers from `distDir`/trainShard.js), when the
   * model's arena runs the SIMD kernels (whose shared memory the helpers work in) and the batch
   * has streams enough; one thread otherwise.
   */
  async useThreads(threads: number, distDir: string): Promise<void> {
    if (threads >= 2 && this.stats.batch >= 2 && this.model.arena.share && this.pool.helperCount === 0) await this.pool.useThreads(threads, distDir);
  }

  /** Threads each step runs on. */
  get threads(): number {
    return 1 + this.pool.helperCount;
  }

  /** Stops the helper threads, if any. */
  dispose(): Promise<void> {
    return this.pool.dispose();
  }

  /** One batch: forward, loss, backward, clip, Adam. Returns the batch's loss in bits/char. */
  step(): number {
    const { model, stats, pool } = this;
    this.grads.fill(0);
    if (this.batcher.next(pool.shared.inputs, pool.shared.targets)) pool.shared.state.fill(0);
    const loss = pool.step();
    const norm = clipGradients(model.arena.kernels, this.grads, DEFAULT_ADAM.clipNorm);
    // Diverged (a learning rate far too high): stop before the parameters take it, so that no NaN model is saved.
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      throw new TrainingDivergedError(`training diverged at step ${stats.step + 1} (the loss or its gradient is not a finite number): the last saved model is kept; lower the learning rate (now ${stats.lr}) and train again.`);
    }
    adamStep(model.arena.kernels, model.params, this.grads, this.adam, stats.lr);
    stats.step = this.adam.step;
    stats.charsSeen += stats.batch * stats.steps;
    stats.cursor = this.batcher.cursor;
    return loss / Math.LN2;
  }

  /** The LSTM's held-out bits/char on a sample spread over the held-out files (heldOutSample); null without any. */
  evaluate(): number | null {
    return this.heldOut.length > 0 ? evaluateDocuments(this.model, this.heldOut, this.stats.batch, this.stats.steps).bpcStatic : null;
  }

  /** The gates' saturation (trace.ts `saturationShares`) on the start of the held-out sample (of the training text without one). */
  gateSaturation(): SaturationShares {
    const text = [...(this.heldOut[0]?.text ?? this.trainStart)].slice(0, SATURATION_CHARS).join('');
    return saturationShares(traceStates(this.model, this.model.vocabulary.encode(text), documentStart(this.model), cellGates(cellType(this.model.config)))!);
  }

  /**
   * ‖∂L/∂h‖ at each step back from a loss at the last step of a training-length stretch (model/gradientFlow.ts),
   * averaged over GRADIENT_STREAMS stretches of the held-out sample (of the training text without one), to 3 significant digits.
   */
  gradientFlow(): number[][] {
    const T = this.stats.steps, text = this.heldOut.map((d) => d.text).join('\n') || this.trainStart;
    const ids = this.model.vocabulary.encode([...text].slice(0, GRADIENT_STREAMS * (T + 1)).join(''));
    const streams = Array.from({ length: GRADIENT_STREAMS }, (_, b) => ids.subarray(b * (T + 1), (b + 1) * (T + 1))).filter((s) => s.length === T + 1);
    if (streams.length === 0) return [];
    return gradientFlow(this.model, streams, this.grads).map((layer) => layer.map((x) => Number(x.toPrecision(3))));
  }

  sample(prime: string, length: number, temperature: number): string {
    const text = sampleText(this.model, prime, length, temperature, this.rng);
    this.stats.rng = this.rng.state();
    return text;
  }

  checkpoint(): Checkpoint {
    return {
      config: this.model.config, vocabulary: [...this.model.vocabulary.chars],
      training: { ...this.stats, history: [...this.stats.history] },
      params: this.model.params, adamM: this.adam.m as Float32Array, adamV: this.adam.v as Float32Array, state: this.pool.shared.state,
    };
  }
}
