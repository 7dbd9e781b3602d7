// `cellscope complete MODEL --prefix-file F`: the best continuations of F's text by beam
// search, best first, as JSON.

import { beamSearch, runToMaxChars } from '../complete/beamSearch';
import { CountedSpan, idsBefore } from '../complete/documentCounts';
import { readContext } from '../model/inference';
import { cacheLevels } from '../model/mixture';
import { DOCUMENT_COUNTS_LOG2, DOCUMENT_WINDOW, NgramCounts } from '../model/ngramCounts';
import { suggestionEnd } from '../complete/lineBoundary';
import { Arena } from '../model/arena';
import { modelFromCheckpoint } from '../model/model';
import { loadCheckpointFile } from '../files/checkpointFile';
import { numberFlag, parse, readTextArgument, stringFlag, UsageError } from './args';

// The model's memory is far shorter than this; reading more context only costs time.
export const CONTEXT_CHARS = 4000;

export const COMPLETE_HELP = `cellscope complete MODEL --prefix-file F [--beam 7] [--max 80] [--multiline] [--no-cache]
  Prints [{"text":…, "logprob":…}, …]: beam-search continuations of F (the LSTM reads its last
  ${CONTEXT_CHARS} characters; the document cache learns all of F), best first, ending at the end
  of the line (or at --max characters). --no-cache: the LSTM alone.`;

export function completeCommand(args: string[], simd: Uint8Array | undefined): void {
  const p = parse('complete', args, {
    'prefix-file': { type: 'string' }, beam: { type: 'string' }, max: { type: 'string' }, multiline: { type: 'boolean' }, 'no-cache': { type: 'boolean' },
  }, ['MODEL']);
  const file = stringFlag(p, 'prefix-file') ?? (() => { throw new UsageError('cellscope complete needs --prefix-file F, the text to continue.'); })();
  const width = numberFlag(p, 'beam', 7, 1, 64), maxChars = numberFlag(p, 'max', 80, 1, 10_000);
  const prefix = readTextArgument(file, 'the prefix file');
  const model = modelFromCheckpoint(loadCheckpointFile(p.positionals[0]), Arena.create(simd));
  const context = [...prefix].slice(-CONTEXT_CHARS).join('') || '\n';
  const document = new CountedSpan(new NgramCounts(DOCUMENT_COUNTS_LOG2), model.vocabulary);
  document.moveTo(prefix, Math.max(0, prefix.length - DOCUMENT_WINDOW), prefix.length);
  const start = { ...readContext(model, model.vocabulary.encode(context)), recent: idsBefore(model.vocabulary, prefix, prefix.length) };
  const beams = beamSearch(model, start, {
    width, maxChars, endsAt: p.values.multiline ? runToMaxChars : suggestionEnd('', 1), cache: p.values['no-cache'] ? [] : cacheLevels({ document: document.counts }),
  });
  console.log(JSON.stringify(beams.map((b) => ({ text: b.text, logprob: Math.round(b.logprob * 1e4) / 1e4 }))));
}
