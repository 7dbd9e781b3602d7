// `cellscope bench`: the engine's speed figures as one JSON line, measured as the PyTorch
// reference (../shared/anchor) measures them, so that the two can stand side by side:
// training characters/s (median step), one batch-1 step, and a width-7 beam of 40 characters
// after a 2,000-character context (the context read included).

import { beamSearch, runToMaxChars } from '../complete/beamSearch';
import { StepHelper } from '../engine/stepHelper';
import { fitHiddenSize } from '../config/settings';
import { Arena } from '../model/arena';
import { modelConfig } from '../model/params';
import { readContext, setRowState } from '../model/inference';
import { createActivations, networkForward } from '../model/network';
import { Vocabulary } from '../model/vocabulary';
import { readCorpus, splitText } from '../files/corpus';
import { DEFAULT_TRAIN_SETTINGS, Trainer } from '../train/trainer';
import { cellFlag, numberFlag, parse, stringFlag, UsageError } from './args';

// The benchmark's model: the PyTorch reference's size (scripts/benchAnchor.js), twice the extension's default.
const D = { ...DEFAULT_TRAIN_SETTINGS, hidden: 256 };

export const BENCH_HELP = `cellscope bench [--cell ${D.cell} --hidden ${D.hidden} --layers ${D.layers} --batch ${D.batch} --steps ${D.steps}] [--corpus DIR] [--seconds 30] [--threads 1]
  Prints {"train_chars_per_s", "step_ms_batch1", "beam7_40_ms", "kernels", "config"} for a fresh
  model on DIR (default: the current folder), training on --threads threads.`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeRuns(runs: number, f: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times;
}

export async function benchCommand(args: string[], simd: Uint8Array | undefined): Promise<void> {
  const p = parse('bench', args, {
    cell: { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' }, batch: { type: 'string' }, steps: { type: 'string' },
    corpus: { type: 'string' }, seconds: { type: 'string' }, threads: { type: 'string' },
  }, []);
  const settings = {
    ...D, cell: cellFlag(stringFlag(p, 'cell') ?? D.cell), hidden: numberFlag(p, 'hidden', D.hidden, 1, 4096), layers: numberFlag(p, 'layers', D.layers, 1, 16),
    batch: numberFlag(p, 'batch', D.batch, 1, 4096), steps: numberFlag(p, 'steps', D.steps, 1, 4096),
  };
  const seconds = numberFlag(p, 'seconds', 30, 0, Infinity, false);
  const threadsAsked = numberFlag(p, 'threads', 1, 1, 64);
  const { train, heldOut } = splitText(await readCorpus(stringFlag(p, 'corpus') ?? '.'));
  const vocabulary = Vocabulary.fromText(train);
  // A benchmark measures what was asked or nothing: a size that does not fit is refused up front.
  const fit = fitHiddenSize(modelConfig(vocabulary.size, settings.hidden, settings.layers, settings.cell), settings.batch, settings.steps, threadsAsked);
  if (fit.tooLarge) throw new UsageError(`${fit.tooLarge}; the largest --hidden that fits is ${fit.hidden}.`);
  const arena = Arena.create(simd), trainer = Trainer.fresh(train, heldOut, settings, arena, vocabulary);
  await trainer.useThreads(threadsAsked, __dirname); // dist/cli.js sits beside dist/trainShard.js
  const { model, stats } = trainer;

  trainer.step(); // warm-up: lets V8 optimise the kernels before timing
  const stepTimes: number[] = [];
  for (const start = performance.now(); stepTimes.length < 3 || performance.now() - start < seconds * 1000;) {
    const t0 = performance.now();
    trainer.step();
    stepTimes.push(performance.now() - t0);
  }
  const threads = trainer.threads;
  await trainer.dispose();

  const context = (heldOut.join('\n') || train).slice(0, 2000);
  const ctx = readContext(model, model.vocabulary.encode(context));
  const one = createActivations(arena, model.config, 1, 1);
  setRowState(one, 0, ctx.state);
  timeRuns(5, () => networkForward(model.p, one));
  const stepMs = median(timeRuns(50, () => networkForward(model.p, one)));
  // On more than one thread, the beam's steps are shared with a helper thread, as the extension's engine does.
  const helper = threads > 1 ? await StepHelper.start(model, __dirname) : undefined;
  const beamMs = median(timeRuns(5, () => beamSearch(model, context, { width: 7, maxChars: 40, endsAt: runToMaxChars, step: helper?.step })));
  await helper?.dispose();

  console.log(JSON.stringify({
    train_chars_per_s: Math.round((stats.batch * stats.steps) / (median(stepTimes) / 1000)),
    step_ms_batch1: Math.round(stepMs * 1000) / 1000,
    beam7_40_ms: Math.round(beamMs * 10) / 10,
    kernels: arena.kernelName,
    config: { threads, cell: settings.cell, params: model.params.length, hidden: model.config.hidden, layers: model.config.layers, batch: stats.batch, steps: stats.steps, vocab: model.config.vocab, train_chars: train.length, steps_timed: stepTimes.length, seconds },
  }));
}
