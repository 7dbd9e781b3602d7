// `cellscope corpus DIR --out OUT`: the training and held-out text exactly as Cellscope would
// use them (the same files, .gitignore, secrets masked, held-out split), for another trainer
// (torch/train.py), so that the two never disagree about what was learnt.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCorpus, readCorpus, splitText } from '../files/corpus';
import { Vocabulary } from '../model/vocabulary';
import { parse, stringFlag, UsageError } from './args';

export const CORPUS_HELP = `cellscope corpus DIR --out OUT
  Writes OUT/train.txt (the training text, files joined by newlines), OUT/heldout.json (the
  held-out files' texts) and OUT/vocabulary.json (the characters of ids 1…), for torch/train.py.`;

export async function corpusCommand(args: string[]): Promise<void> {
  const p = parse('corpus', args, { out: { type: 'string' } }, ['DIR']);
  const out = stringFlag(p, 'out') ?? (() => { throw new UsageError('cellscope corpus needs --out OUT, the folder to write into.'); })();
  const corpus = await readCorpus(p.positionals[0]), { train, heldOut } = splitText(corpus);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'train.txt'), train);
  fs.writeFileSync(path.join(out, 'heldout.json'), JSON.stringify(heldOut));
  fs.writeFileSync(path.join(out, 'vocabulary.json'), JSON.stringify(Vocabulary.fromText(train).chars));
  console.log(`${describeCorpus(corpus)}; wrote ${out}`);
}
