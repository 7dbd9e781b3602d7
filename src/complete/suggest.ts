// Suggestions at a cursor: the LSTM state before it (from the StateCache), beam search to the
// suggestion's natural end, then each beam cut to the part the model is sure enough of
// (minProbability), trimmed where it meets the text after the cursor, and deduplicated.
// Pure: the engine worker calls it; tests call it directly.

import type { CompletionOptions, Suggestion } from '../protocol/engineProtocol';
import type { Model } from '../model/model';
import { beamSearch, type BeamResult, type BeamStep } from './beamSearch';
import { roomBefore, suggestionEnd, trimOverlap } from './lineBoundary';
import type { StateCache } from './stateCache';

/** Suggestions for `text` (document `doc`) at `offset`, best first; empty when there are none worth showing or `shouldStop` said so. */
export function suggest(
  model: Model, cache: StateCache, doc: string, text: string, offset: number, opts: CompletionOptions, shouldStop: () => boolean, step?: BeamStep,
): Suggestion[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = (text.indexOf('\n', offset) + 1 || text.length + 1) - 1;
  const linePrefix = text.slice(lineStart, offset), lineSuffix = text.slice(offset, lineEnd);
  if (!roomBefore(lineSuffix)) return [];
  const context = cache.stateAt(doc, text, offset, shouldStop);
  if (!context) return [];
  const beams = beamSearch(model, context, {
    width: opts.beamWidth, maxChars: opts.maxChars, endsAt: suggestionEnd(linePrefix, opts.maxLines), shouldStop, step,
  });
  if (shouldStop()) return [];
  const out: Suggestion[] = [];
  for (const beam of beams) {
    const sure = sureText(beam, Math.log(opts.minProbability));
    const suggestion = { text: trimOverlap(sure.text, lineSuffix), probability: Math.exp(sure.logprob) };
    // A start of an earlier suggestion adds nothing: accepting that one word by word gives it.
    if (suggestion.text.trim() && !out.some((s) => s.text.startsWith(suggestion.text))) out.push(suggestion);
    if (out.length === opts.alternatives) break;
  }
  return out;
}

/** The beam's longest start whose probability is at least e^floor, not ending inside a word. */
function sureText(beam: BeamResult, floor: number): { text: string; logprob: number } {
  if (beam.logprob >= floor) return { text: beam.text, logprob: beam.logprob };
  let n = 0;
  while (n < beam.chars.length && beam.logprobs[n] >= floor) n++;
  // Cut inside a word: keep only whole words, as half an identifier is not worth accepting.
  while (n > 0 && n < beam.chars.length && isWordChar(beam.chars[n - 1]) && isWordChar(beam.chars[n])) n--;
  return { text: beam.chars.slice(0, n).join(''), logprob: n > 0 ? beam.logprobs[n - 1] : 0 };
}

function isWordChar(ch: string): boolean {
  return /[\p{L}\p{N}_$]/u.test(ch);
}
