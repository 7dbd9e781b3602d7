// One training run, for both callers: the CLI's `train` and the training worker's TrainService.
// Reads the files and the checkpoint to resume (checking that the two agree with what was
// asked), fits a new model to the arena's memory, makes the trainer in its own arena, spreads
// steps over threads, runs the loop saving to the checkpoint, and releases it all. Node only,
// no vscode: tests run it in-process.

import * as fs from 'node:fs';
import { fitHiddenSize } from '../config/settings';
import { checkWritable, loadCheckpointFile, saveCheckpointFile } from '../files/checkpointFile';
import { ModelLock } from '../files/modelLock';
import { readCorpus, splitText, type Corpus, type CorpusFolder } from '../files/corpus';
import { Arena } from '../model/arena';
import type { Checkpoint } from '../model/checkpoint';
import { cellType, modelConfig } from '../model/params';
import { Vocabulary } from '../model/vocabulary';
import type { TrainSettings } from '../protocol/trainProtocol';
import { Trainer } from './trainer';
import { trainLoop, type TrainLoopOptions } from './trainLoop';
import { UserError } from '../util/userError';

/** The shape settings a resumed model must share with what was asked. */
const SHAPE = ['cell', 'hidden', 'layers', 'batch', 'steps'] as const;

export interface TrainingPlan {
  roots: string | (string | CorpusFolder)[]; // with their own file options
  checkpointPath: string; // resumed when it exists and `fresh` is false
  fresh: boolean;
  settings: TrainSettings; // for a new model
  asked: Partial<Pick<TrainSettings, (typeof SHAPE)[number]>>; // what the user named: a resumed model must match it
  threads: number;
}

/** The checkpoint differs from what was asked: the user must start fresh or choose another file. */
export class ResumeError extends UserError {
  override name = 'ResumeError';
}

export class TrainingSession {
  private constructor(
    readonly trainer: Trainer,
    private readonly arena: Arena, // the trainer's model's, disposed after it
    private readonly lock: ModelLock, // held until the last save
    readonly corpus: Corpus,
    readonly trainChars: number,
    readonly resumedAtStep: number | null,
    readonly adjusted: string | null, // what was reduced to fit, and why
    private readonly checkpointPath: string,
  ) {}

  /**
   * Takes the model's lock and reads everything that can fail before anything is written, then
   * makes the trainer; `simd` gives the kernels' bytes and the folder of dist/trainShard.js
   * (threads need both).
   */
  static async open(plan: TrainingPlan, simd: { wasm: Uint8Array; distDir: string } | undefined): Promise<TrainingSession> {
    checkWritable(plan.checkpointPath);
    const lock = ModelLock.acquire(plan.checkpointPath);
    let arena: Arena | undefined, trainer: Trainer | undefined;
    try {
      const resumeFrom = !plan.fresh && fs.existsSync(plan.checkpointPath) ? loadCheckpointFile(plan.checkpointPath) : undefined;
      if (resumeFrom) checkResumable(resumeFrom, plan.asked, plan.checkpointPath);
      const corpus = await readCorpus(plan.roots);
      const { train, heldOut } = splitText(corpus);
      arena = Arena.create(simd?.wasm);
      let adjusted: string | null = null;
      if (resumeFrom) {
        trainer = Trainer.resume(resumeFrom, train, heldOut, arena);
      } else {
        const s = plan.settings, vocabulary = Vocabulary.fromText(train);
        const fit = fitHiddenSize(modelConfig(vocabulary.size, s.hidden, s.layers, s.cell), s.batch, s.steps, plan.threads);
        adjusted = fit.tooLarge && `${fit.tooLarge}: training hidden size ${fit.hidden} instead`;
        trainer = Trainer.fresh(train, heldOut, { ...s, hidden: fit.hidden }, arena, vocabulary);
      }
      if (simd) await trainer.useThreads(plan.threads, simd.distDir);
      trainer.stats.trainedOn = `${corpus.files.length.toLocaleString('en')} files, ${train.length.toLocaleString('en')} training characters from ${corpus.roots.join(', ')}`;
      return new TrainingSession(trainer, arena, lock, corpus, train.length, resumeFrom ? resumeFrom.training.step : null, adjusted, plan.checkpointPath);
    } catch (err) {
      await trainer?.dispose();
      arena?.dispose();
      lock.release();
      throw err;
    }
  }

  /** Trains until the budget is spent or the signal aborts, saving the checkpoint as it goes and at the end. */
  run(options: Omit<TrainLoopOptions, 'save'>): Promise<void> {
    return trainLoop(this.trainer, { ...options, save: () => saveCheckpointFile(this.checkpointPath, this.trainer.checkpoint()) });
  }

  /** Stops the helper threads, ends the arena and lets the model go. */
  async dispose(): Promise<void> {
    await this.trainer.dispose();
    this.arena.dispose();
    this.lock.release();
  }
}

/** Resuming keeps the model's own shape: a differing one asks to start fresh instead. */
function checkResumable(cp: Checkpoint, asked: TrainingPlan['asked'], file: string): void {
  const have = { cell: cellType(cp.config), hidden: cp.config.hidden, layers: cp.config.layers, batch: cp.training.batch, steps: cp.training.steps };
  for (const name of SHAPE) {
    if (asked[name] !== undefined && asked[name] !== have[name]) {
      throw new ResumeError(`${file} was trained with --${name} ${have[name]}; to train a different model add --fresh (it replaces the file) or choose another --out.`);
    }
  }
}
