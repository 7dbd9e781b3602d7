// `cellscope train DIR --out MODEL`: trains on the source files under DIR, printing progress,
// held-out bits/char and samples; resumes MODEL when it exists; Ctrl-C saves, then exits.

import * as os from 'node:os';
import { SETTINGS, type Setting, type SettingKey } from '../config/settings';
import { describeCorpus } from '../files/corpus';
import { cellType } from '../model/params';
import { DEFAULT_TRAIN_SETTINGS as D } from '../train/trainer';
import { TrainingSession } from '../train/trainingSession';
import type { TrainEvent } from '../train/trainLoop';
import { cellFlag, numberFlag, parse, stringFlag, UsageError } from './args';

export const TRAIN_HELP = `cellscope train DIR --out MODEL [--seconds 300] [--cell ${D.cell} --hidden ${D.hidden} --layers ${D.layers}
    --batch ${D.batch} --steps ${D.steps} --lr ${D.lr} --seed ${D.seed}] [--fresh] [--threads CORES]
  Trains on the source files under DIR (honouring .gitignore; one file in ten held out).
  Resumes MODEL when it exists, with its own settings; --fresh starts over. Ctrl-C saves.
  --cell is lstm, gru or rnn (a vanilla tanh RNN).
  --threads splits each batch's streams over that many threads (default: every core).`;

export async function trainCommand(args: string[], simd: Uint8Array | undefined): Promise<void> {
  const p = parse('train', args, {
    out: { type: 'string' }, seconds: { type: 'string' }, cell: { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' },
    batch: { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' },
    fresh: { type: 'boolean' }, threads: { type: 'string' },
  }, ['DIR']);
  const out = stringFlag(p, 'out') ?? (() => { throw new UsageError('cellscope train needs --out MODEL, the file to save the model in.'); })();
  const seconds = numberFlag(p, 'seconds', 300, 0, Infinity, false);
  const threads = numberFlag(p, 'threads', os.availableParallelism(), 1, 64);
  // The extension's limits (config/settings.ts) for the same settings.
  const flag = (name: string, key: SettingKey, fallback: number, integer = true) => {
    const s: Setting = SETTINGS[key];
    return numberFlag(p, name, fallback, s.minimum ?? 0, s.maximum, integer);
  };
  const settings = {
    cell: cellFlag(stringFlag(p, 'cell') ?? D.cell), hidden: flag('hidden', 'cellscope.training.hiddenSize', D.hidden), layers: flag('layers', 'cellscope.training.layers', D.layers),
    batch: flag('batch', 'cellscope.training.batchSize', D.batch), steps: flag('steps', 'cellscope.training.sequenceLength', D.steps),
    lr: flag('lr', 'cellscope.training.learningRate', D.lr, false), seed: numberFlag(p, 'seed', D.seed, 0, 2 ** 32 - 1),
  };
  const asked = Object.fromEntries((['cell', 'hidden', 'layers', 'batch', 'steps'] as const).filter((k) => p.values[k] !== undefined).map((k) => [k, settings[k]]));
  const session = await TrainingSession.open(
    { roots: p.positionals[0], checkpointPath: out, fresh: p.values.fresh === true, settings, asked, threads },
    simd && { wasm: simd, distDir: __dirname }, // dist/cli.js sits beside dist/trainShard.js
  );
  const { trainer } = session, { config } = trainer.model, s = trainer.stats;
  console.log(`corpus: ${describeCorpus(session.corpus)}; ${session.trainChars.toLocaleString('en')} training characters`);
  if (session.adjusted) console.log(`note: ${session.adjusted}`);
  console.log(`${session.resumedAtStep !== null ? `resuming ${out} at step ${s.step}` : 'new model'}: ${cellType(config).toUpperCase()} H${config.hidden}×${config.layers}, vocabulary ${config.vocab}, batch ${s.batch}×${s.steps}, lr ${s.lr}, ${trainer.threads} thread${trainer.threads === 1 ? '' : 's'}; training ${seconds} s (Ctrl-C saves and stops)`);

  const abort = new AbortController();
  const onSigint = () => {
    console.log('\nstopping: saving the model (Ctrl-C again to quit without saving)');
    process.off('SIGINT', onSigint);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    await session.run({ seconds, signal: abort.signal, report: (e) => printEvent(e, out) });
  } finally {
    process.off('SIGINT', onSigint);
    await session.dispose();
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
