// A learning curve: trains a fresh model on a corpus and prints the LSTM's held-out bits/char
// (the first 200,000 held-out characters, as `cellscope eval --no-cache --chars 200000` reads
// them) after every minute of training time, as one JSON line. Evaluation time is not counted
// as training time.
//   usage: npm run bench:learning -- [--corpus /tmp/kernel] [--hidden 256] [--lr 2e-3] [--threads 2] [--seconds 300]

import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readCorpus, splitText } from '../src/files/corpus';
import { evaluateDocuments, firstCharacters } from '../src/train/evaluate';
import { DEFAULT_TRAIN_SETTINGS, Trainer } from '../src/train/trainer';
import { Arena } from '../src/model/arena';
import { simdBuild } from '../src/util/simdKernels';

async function main(): Promise<void> {
  const { values: a } = parseArgs({ options: {
    corpus: { type: 'string', default: '/tmp/kernel' }, hidden: { type: 'string', default: '256' }, lr: { type: 'string', default: String(DEFAULT_TRAIN_SETTINGS.lr) },
    threads: { type: 'string', default: String(os.availableParallelism()) }, seconds: { type: 'string', default: '300' },
  } });
  const dist = path.resolve(__dirname, '..', 'dist');
  const { train, heldOut } = splitText(await readCorpus(a.corpus!));
  const arena = Arena.create(simdBuild(dist));
  const trainer = Trainer.fresh(train, heldOut, { ...DEFAULT_TRAIN_SETTINGS, hidden: Number(a.hidden), lr: Number(a.lr) }, arena);
  await trainer.useThreads(Number(a.threads), dist);
  const documents = firstCharacters(heldOut, 200_000);
  const curve: Record<string, number> = {};
  let trained = 0;
  for (let minute = 1; minute * 60 <= Number(a.seconds); minute++) {
    while (trained < minute * 60_000) {
      const started = performance.now();
      trainer.step();
      trained += performance.now() - started;
    }
    curve[`${minute}min`] = Math.round(evaluateDocuments(trainer.model, documents, 32, 64).bpcStatic * 1000) / 1000;
    process.stderr.write(`${minute} min: step ${trainer.stats.step}, held-out ${curve[`${minute}min`]} bpc\n`);
  }
  console.log(JSON.stringify({ hidden: Number(a.hidden), lr: Number(a.lr), threads: trainer.threads, kernels: arena.kernelName, steps: trainer.stats.step, heldout_bpc: curve }));
  await trainer.dispose();
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
