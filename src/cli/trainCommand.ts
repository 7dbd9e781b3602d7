// `cellscope train DIR --out MODEL`: trains on the source files under DIR, printing progress,
// held-out bits/char and samples; resumes MODEL when it exists; Ctrl-C saves, then exits.

import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Checkpoint } from '../model/checkpoint';
import { loadCheckpointFile, saveCheckpointFile } from '../train/checkpointFile';
import { describeCorpus, readCorpus, splitText } from '../train/corpus';
import { DEFAULT_TRAIN_SETTINGS as D, Trainer } from '../train/trainer';
import { trainLoop, type TrainEvent } from '../train/trainLoop';
import { numberFlag, parse, stringFlag, UsageError } from './args';

export const TRAIN_HELP = `cellscope train DIR --out MODEL [--seconds 300] [--hidden ${D.hidden} --layers ${D.layers}
    --batch ${D.batch} --steps ${D.steps} --lr ${D.lr} --seed ${D.seed}] [--fresh] [--threads CORES]
  Trains on the source files under DIR (honouring .gitignore; one file in ten held out).
  Resumes MODEL when it exists, with its own settings; --fresh starts over. Ctrl-C saves.
  --threads splits each batch's streams over that many threads (default: every core).`;

export async function trainCommand(args: string[]): Promise<void> {
  const p = parse('train', args, {
    out: { type: 'string' }, seconds: { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' },
    batch: { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' },
    fresh: { type: 'boolean' }, threads: { type: 'string' },
  }, ['DIR']);
  const out = stringFlag(p, 'out') ?? (() => { throw new UsageError('cellscope train needs --out MODEL, the file to save the model in.'); })();
  const seconds = numberFlag(p, 'seconds', 300, 0, Infinity, false);
  const threads = numberFlag(p, 'threads', os.availableParallelism(), 1, 64);
  const settings = {
    hidden: numberFlag(p, 'hidden', D.hidden, 1, 4096), layers: numberFlag(p, 'layers', D.layers, 1, 16),
    batch: numberFlag(p, 'batch', D.batch, 1, 4096), steps: numberFlag(p, 'steps', D.steps, 1, 4096),
    lr: numberFlag(p, 'lr', D.lr, 0, 1, false), seed: numberFlag(p, 'seed', D.seed, 0, 2 ** 32 - 1),
  };
  // Read everything that can fail before anything is written.
  const resumeFrom = !p.values.fresh && fs.existsSync(out) ? loadCheckpointFile(out) : undefined;
  if (resumeFrom) checkResumable(resumeFrom, p.values, out);
  const corpus = readCorpus(p.positionals[0]);
  const { train, heldOut } = splitText(corpus);
  const trainer = resumeFrom ? Trainer.resume(resumeFrom, train, heldOut) : Trainer.fresh(train, heldOut, settings);
  await trainer.useThreads(threads, __dirname); // dist/cli.js sits beside dist/trainShard.js
  const { config } = trainer.model, s = trainer.stats;
  console.log(`corpus: ${describeCorpus(corpus)}; ${train.length.toLocaleString('en')} training characters`);
  console.log(`${resumeFrom ? `resuming ${out} at step ${s.step}` : 'new model'}: H${config.hidden}×${config.layers}, vocabulary ${config.vocab}, batch ${s.batch}×${s.steps}, lr ${s.lr}, ${trainer.threads} thread${trainer.threads === 1 ? '' : 's'}; training ${seconds} s (Ctrl-C saves and stops)`);

  const abort = new AbortController();
  const onSigint = () => {
    console.log('\nstopping: saving the model (Ctrl-C again to quit without saving)');
    process.off('SIGINT', onSigint);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    await trainLoop(trainer, { seconds, signal: abort.signal, save: () => saveCheckpointFile(out, trainer.checkpoint()), report: (e) => printEvent(e, out) });
  } finally {
    process.off('SIGINT', onSigint);
    await trainer.dispose();
  }
}

/** Resuming keeps the model's own shape: a differing --hidden/--layers asks for --fresh instead. */
function checkResumable(cp: Checkpoint, flags: Record<string, unknown>, file: string): void {
  for (const [flag, have] of [['hidden', cp.config.hidden], ['layers', cp.config.layers], ['batch', cp.training.batch], ['steps', cp.training.steps]] as const) {
    if (flags[flag] !== undefined && Number(flags[flag]) !== have) {
      throw new UsageError(`${file} was trained with --${flag} ${have}; to train a different model add --fresh (it replaces the file) or choose another --out.`);
    }
  }
}

function printEvent(e: TrainEvent, out: string): void {
  const at = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
  switch (e.kind) {
    case 'progress':
      console.log(`step ${e.step}  ${at(e.seconds)}  ${Math.round(e.charsPerSecond).toLocaleString('en')} chars/s  train ${e.trainBpc.toFixed(3)} bpc`);
      break;
    case 'evaluated':
      console.log(`step ${e.step}  ${at(e.seconds)}  held-out ${e.heldoutBpc === null ? 'n/a (no held-out files)' : `${e.heldoutBpc.toFixed(3)} bpc`}`);
      break;
    case 'sampled':
      console.log(`--- sample at step ${e.step} ---\n${e.text}\n---`);
      break;
    case 'saved':
      console.log(`saved ${out}`);
      break;
  }
}
