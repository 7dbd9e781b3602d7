// `cellscope score MODEL DIR`: how good completions are, as users judge them, on DIR's
// held-out files: bits/char of the model as completions use it (and of the LSTM alone), and a
// user typing sampled lines with suggestions on (complete/typingSimulation.ts), as one JSON
// line. `--files dev` scores a tenth of the training files instead, for tuning without looking
// at held-out figures.

import { DEFAULT_COMPLETION_OPTIONS } from '../complete/suggest';
import { sampleLines, simulateTyping } from '../complete/typingSimulation';
import { workspaceCounts } from '../complete/documentCounts';
import { Arena } from '../model/arena';
import { modelFromCheckpoint } from '../model/model';
import { loadCheckpointFile } from '../files/checkpointFile';
import { CorpusError, isDevelopment, readCorpus } from '../files/corpus';
import { evaluateDocuments, evaluateDynamically } from '../train/evaluate';
import { DYNAMIC_SETTINGS, DynamicEvaluation } from '../model/dynamicEvaluation';
import { Rng } from '../util/rng';
import { numberFlag, parse, stringFlag, UsageError } from './args';

export const SCORE_HELP = `cellscope score MODEL DIR [--lines 200] [--seed 1] [--no-cache] [--files held-out|dev] [--min-probability P] [--dynamic]
  Prints {"bpc", "bpc_static", "chars_saved_tab", "chars_saved_word", "shown", "acceptance",
  "acceptance_word", "exact_line", "ms_p95", …} on DIR's held-out files: bits/char with the
  document cache and without it, and a user typing --lines sampled lines (cursor after the
  indentation) with the default completion settings, taking right suggestions by Tab (and by
  Ctrl+→ word by word). --no-cache: the LSTM alone. --files dev: a tenth of the training
  files (the workspace level then holds the other training files) instead of held-out ones.
  --min-probability: the cellscope.completion.minProbability setting to score (its default otherwise).
  --dynamic: with dynamic evaluation (the model adapting to each file as it reads it; slow), for
  measuring it: adds {"dynamic": {"bpc", "bpc_static", "ms_per_step"}} (a step: 64 characters)
  and types with the adapted model.`;

export async function scoreCommand(args: string[], simd: Uint8Array | undefined): Promise<void> {
  const p = parse('score', args, {
    lines: { type: 'string' }, seed: { type: 'string' }, 'no-cache': { type: 'boolean' }, files: { type: 'string' }, 'min-probability': { type: 'string' },
    dynamic: { type: 'boolean' },
  }, ['MODEL', 'DIR']);
  const [modelFile, dir] = p.positionals;
  const lineCount = numberFlag(p, 'lines', 200, 1, 1_000_000), seed = numberFlag(p, 'seed', 1, 0, 2 ** 32 - 1);
  const on = stringFlag(p, 'files') ?? 'held-out';
  if (on !== 'held-out' && on !== 'dev') throw new UsageError(`--files must be held-out or dev; got "${on}".`);
  const cache = !p.values['no-cache'];
  const options = { ...DEFAULT_COMPLETION_OPTIONS, cache, minProbability: numberFlag(p, 'min-probability', DEFAULT_COMPLETION_OPTIONS.minProbability, 0, 1, false) };
  const checkpoint = loadCheckpointFile(modelFile);
  const corpus = await readCorpus(dir);
  const scored = corpus.files.filter((f) => (on === 'dev' ? !f.heldOut && isDevelopment(f.path) : f.heldOut));
  if (scored.length === 0) throw new CorpusError(`${dir} has no ${on} files (one file in ten, by a hash of its path, is held out); score on a larger folder.`);
  const model = modelFromCheckpoint(checkpoint, Arena.create(simd));
  // The workspace level: the training files, never the files scored.
  const workspace = cache ? workspaceCounts(model.vocabulary, corpus.files.filter((f) => !f.heldOut && !scored.includes(f)).map((f) => f.text)) : null;

  const files = scored.map((f) => f.text), documents = files.map((text) => ({ text, warmUp: 0 }));
  const bits = evaluateDocuments(model, documents, checkpoint.training.batch, checkpoint.training.steps, cache ? { workspace } : undefined);
  const lines = sampleLines(files, lineCount, new Rng(seed));
  // Dynamic evaluation, measured: the bits/char and the typing both with the model adapting to each file as it is read.
  const dynamic = p.values.dynamic ? new DynamicEvaluation(checkpoint, model.arena) : undefined;
  const adapted = dynamic && evaluateDynamically(dynamic, documents, workspace);
  const typing = simulateTyping(model, files, lines, options, workspace, dynamic);
  const share = (x: number, of: number) => (of > 0 ? Math.round((x / of) * 1e4) / 1e4 : null);
  const sorted = [...typing.milliseconds].sort((a, b) => a - b);
  console.log(JSON.stringify({
    bpc: Math.round(bits.bpc * 1e4) / 1e4, bpc_static: Math.round(bits.bpcStatic * 1e4) / 1e4,
    chars_saved_tab: share(typing.chars - typing.keystrokes, typing.chars), chars_saved_word: share(typing.chars - typing.keystrokesWord, typing.chars),
    shown: typing.shown, acceptance: share(typing.rightTab, typing.shown), acceptance_word: share(typing.rightWord, typing.shown),
    exact_line: share(typing.exactLines, typing.lines), ms_p95: Math.round(sorted[Math.floor(0.95 * (sorted.length - 1))] * 10) / 10,
    lines: typing.lines, keystrokes: typing.keystrokes, chars: typing.chars, files: files.length, scored_chars: bits.chars, cache, on, min_probability: options.minProbability,
    workspace_bytes: workspace?.bytes ?? 0,
    ...(adapted && {
      dynamic: { bpc: Math.round(adapted.bpc * 1e4) / 1e4, bpc_static: Math.round(adapted.bpcStatic * 1e4) / 1e4, ms_per_step: Math.round(adapted.stepMs * 10) / 10, ...DYNAMIC_SETTINGS },
    }),
  }));
}
