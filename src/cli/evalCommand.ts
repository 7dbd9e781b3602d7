// `cellscope eval MODEL DIR`: held-out bits/char of a model on DIR's held-out files (the same
// tenth that training holds out), as one JSON line.

import { modelFromCheckpoint } from '../model/model';
import { loadCheckpointFile } from '../train/checkpointFile';
import { CorpusError, readCorpus, splitText } from '../train/corpus';
import { evaluateBpc } from '../train/evaluate';
import { numberFlag, parse } from './args';

export const EVAL_HELP = `cellscope eval MODEL DIR [--chars N]
  Prints {"bpc":…, "chars":…}: bits per character on DIR's held-out files (the first N
  characters of them; all by default).`;

export function evalCommand(args: string[]): void {
  const p = parse('eval', args, { chars: { type: 'string' } }, ['MODEL', 'DIR']);
  const [modelFile, dir] = p.positionals;
  const chars = numberFlag(p, 'chars', Infinity, 2);
  const cp = loadCheckpointFile(modelFile);
  const { heldOut } = splitText(readCorpus(dir));
  if (heldOut.length < 2) throw new CorpusError(`${dir} has no held-out files (one file in ten, by a hash of its path, is held out); evaluate on a larger folder.`);
  const model = modelFromCheckpoint(cp);
  const ids = model.vocabulary.encode(heldOut.slice(0, chars));
  const bpc = evaluateBpc(model, ids, cp.training.batch, cp.training.steps);
  console.log(JSON.stringify({ bpc: Math.round(bpc * 1e4) / 1e4, chars: ids.length }));
}
