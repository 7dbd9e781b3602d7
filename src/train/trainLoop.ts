// The training loop around a Trainer: steps until the time budget is spent or the signal
// aborts, and every so often measures held-out bits/char and the gates' saturation, draws a
// sample (all kept in the history) and saves a checkpoint. It yields to the event loop between
// steps so that a stop request (Ctrl-C, a Cancel button) is seen within one step. What happens
// is reported as typed events, which the CLI prints and a worker posts.

import type { Trainer } from './trainer';

export type TrainEvent =
  | { kind: 'progress'; step: number; seconds: number; charsPerSecond: number; trainBpc: number }
  | { kind: 'evaluated'; step: number; seconds: number; trainBpc: number; heldoutBpc: number | null }
  | { kind: 'sampled'; step: number; text: string }
  | { kind: 'saved'; step: number };

export interface TrainLoopOptions {
  seconds: number; // training-time budget for this run (evaluation and saving not counted)
  signal: AbortSignal;
  save: () => void; // writes a checkpoint of the trainer
  report: (event: TrainEvent) => void;
  pausedUntil?: () => number; // a Date.now() time before which no step starts (the user is typing)
}

const PROGRESS_EVERY_S = 5; // a progress line this often
const EVALUATE_EVERY_S = 60; // held-out figure, sample and checkpoint this often
const SAMPLE_CHARS = 200;
const SAMPLE_TEMPERATURE = 0.8;
const PAUSE_POLL_MS = 25;

/** Runs until the budget is spent (then evaluates and saves) or `signal` aborts (then saves). */
export async function trainLoop(trainer: Trainer, opts: TrainLoopOptions): Promise<void> {
  const stats = trainer.stats;
  const end = stats.seconds + opts.seconds;
  // Where the last progress report and the last evaluation were (training seconds, characters read): the speeds since.
  const lastProgress = { seconds: stats.seconds, chars: stats.charsSeen }, lastEvaluation = { ...lastProgress };
  const speedSince = (from: { seconds: number; chars: number }) => (stats.charsSeen - from.chars) / (stats.seconds - from.seconds);
  const mark = (at: { seconds: number; chars: number }) => Object.assign(at, { seconds: stats.seconds, chars: stats.charsSeen });
  // Train bits/char is averaged over the steps since the last progress report.
  let windowBits = 0, windowSteps = 0, lastBpc = NaN;
  const recentBpc = () => (windowSteps > 0 ? windowBits / windowSteps : lastBpc);
  const checkpoint = () => {
    const heldoutBpc = trainer.evaluate();
    const trainBpc = recentBpc(), sample = trainer.sample('\n', SAMPLE_CHARS, SAMPLE_TEMPERATURE);
    for (const p of stats.history) delete p.gradientFlow; // large: the newest point's alone is kept
    stats.history.push({
      step: stats.step, seconds: round(stats.seconds), trainBpc: round(trainBpc), heldoutBpc: heldoutBpc === null ? null : round(heldoutBpc),
      ...(stats.seconds > lastEvaluation.seconds ? { charsPerSecond: Math.round(speedSince(lastEvaluation)) } : {}), sample, saturation: trainer.gateSaturation(), gradientFlow: trainer.gradientFlow(),
    });
    mark(lastEvaluation);
    opts.report({ kind: 'evaluated', step: stats.step, seconds: stats.seconds, trainBpc, heldoutBpc });
    opts.report({ kind: 'sampled', step: stats.step, text: sample });
    opts.save();
    opts.report({ kind: 'saved', step: stats.step });
  };
  while (stats.seconds < end && !opts.signal.aborted) {
    const t0 = performance.now();
    const bpc = trainer.step();
    const dt = (performance.now() - t0) / 1000;
    stats.seconds += dt;
    windowBits += bpc; windowSteps++; lastBpc = bpc;
    if (stats.seconds - lastProgress.seconds >= PROGRESS_EVERY_S) {
      opts.report({ kind: 'progress', step: stats.step, seconds: stats.seconds, charsPerSecond: speedSince(lastProgress), trainBpc: recentBpc() });
      mark(lastProgress);
      windowBits = 0; windowSteps = 0;
    }
    if (stats.seconds - lastEvaluation.seconds >= EVALUATE_EVERY_S) checkpoint();
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (opts.pausedUntil && Date.now() < opts.pausedUntil() && !opts.signal.aborted) {
      await new Promise<void>((resolve) => setTimeout(resolve, PAUSE_POLL_MS));
    }
  }
  if (opts.signal.aborted) {
    opts.save(); // a stop request wants out now: save, skip the evaluation
    opts.report({ kind: 'saved', step: stats.step });
  } else if (stats.seconds > lastEvaluation.seconds || stats.history.length === 0) {
    checkpoint();
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
