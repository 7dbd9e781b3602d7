// `cellscope eval MODEL DIR`: held-out bits/char of a model on DIR's held-out files (the same
// tenth that training holds out), each read as a document from its start, as one JSON line:
// the model as completions use it (the document cache mixed in), or the LSTM alone with --no-cache.

import { workspaceCounts } from '../complete/documentCounts';
import { Arena } from '../model/arena';
import { modelFromCheckpoint } from '../model/model';
import { loadCheckpointFile } from '../files/checkpointFile';
import { CorpusError, readCorpus } from '../files/corpus';
import { evaluateDocuments, firstCharacters } from '../train/evaluate';
import { numberFlag, parse } from './args';

export const EVAL_HELP = `cellscope eval MODEL DIR [--chars N] [--no-cache]
  Prints {"bpc":…, "chars":…}: bits per character on DIR's held-out files (the first N
  characters of them; all by default), with the document cache (the workspace's training files
  and each file's own text before each character) or, with --no-cache, of the LSTM alone.`;

export async function evalCommand(args: string[], simd: Uint8Array | undefined): Promise<void> {
  const p = parse('eval', args, { chars: { type: 'string' }, 'no-cache': { type: 'boolean' } }, ['MODEL', 'DIR']);
  const [modelFile, dir] = p.positionals;
  const chars = numberFlag(p, 'chars', Infinity, 2);
  const cp = loadCheckpointFile(modelFile);
  const corpus = await readCorpus(dir), heldOut = corpus.files.filter((f) => f.heldOut).map((f) => f.text);
  if (heldOut.length === 0) throw new CorpusError(`${dir} has no held-out files (one file in ten, by a hash of its path, is held out); evaluate on a larger folder.`);
  const model = modelFromCheckpoint(cp, Arena.create(simd));
  // The workspace level: the training files, never the held-out ones.
  const cache = p.values['no-cache'] ? undefined : { workspace: workspaceCounts(model.vocabulary, corpus.files.filter((f) => !f.heldOut).map((f) => f.text)) };
  const { bpc, chars: scored } = evaluateDocuments(model, firstCharacters(heldOut, chars), cp.training.batch, cp.training.steps, cache);
  console.log(JSON.stringify({ bpc: Math.round(bpc * 1e4) / 1e4, chars: scored }));
}
