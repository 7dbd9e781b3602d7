// `cellscope corpus DIR --out OUT`: the training and held-out text exactly as Cellscope would
// use them (the same files, .gitignore, secrets masked, held-out split), for another trainer
// (torch/train.py), so that the two never disagree about what was learnt.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCorpus, readCorpus, splitText } from '../files/corpus';
import { Vocabulary } from '../model/vocabulary';
import type { FileSelection } from '../protocol/trainProtocol';
import { parse, stringFlag, UsageError } from './args';

export const CORPUS_HELP = `cellscope corpus DIR --out OUT [--json]
cellscope corpus --selection FILES.json --out OUT [--json]
  Writes OUT/train.txt (the training text, files joined by newlines), OUT/heldout.json (the
  held-out files' texts) and OUT/vocabulary.json (the characters of ids 1…), for torch/train.py.
  --selection reads the folders and their options from a file ({"folders": [{"path", "include",
  "exclude", "maxFileBytes"}]}, as the extension writes it); --json prints what was read as JSON.`;

export async function corpusCommand(args: string[]): Promise<void> {
  const bySelection = args.includes('--selection');
  const p = parse('corpus', args, { out: { type: 'string' }, selection: { type: 'string' }, json: { type: 'boolean' } }, bySelection ? [] : ['DIR']);
  const out = stringFlag(p, 'out') ?? (() => { throw new UsageError('cellscope corpus needs --out OUT, the folder to write into.'); })();
  const roots = bySelection ? (JSON.parse(fs.readFileSync(stringFlag(p, 'selection')!, 'utf8')) as FileSelection).folders : p.positionals[0];
  const corpus = await readCorpus(roots), { train, heldOut } = splitText(corpus);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'train.txt'), train);
  fs.writeFileSync(path.join(out, 'heldout.json'), JSON.stringify(heldOut));
  fs.writeFileSync(path.join(out, 'vocabulary.json'), JSON.stringify(Vocabulary.fromText(train).chars));
  const summary = describeCorpus(corpus);
  console.log(p.values.json ? JSON.stringify({ summary, skipped: corpus.skipped, trainChars: train.length, files: corpus.files.length }) : `${summary}; wrote ${out}`);
}
