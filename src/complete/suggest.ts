// Suggestions at a cursor: the LSTM state before it (from the StateCache), beam search over the
// model mixed with the document cache's levels (model/mixture.ts) to the suggestion's natural
// end, then each beam cut to the part the model is sure enough of (minProbability), trimmed
// where it meets the text after the cursor, and deduplicated.
// Pure: the engine worker calls it; tests call it directly.

import { settingDefault } from '../config/settings';
import type { CompletionOptions, Suggestion } from '../protocol/engineProtocol';
import type { CacheLevel } from '../model/mixture';
import type { Model } from '../model/model';
import { beamSearch, type BeamResult, type BeamStep } from './beamSearch';
import { idsBefore } from './documentCounts';
import { roomBefore, suggestionEnd, trimOverlap } from './lineBoundary';
import { MAX_CONTEXT, type StateCache } from './stateCache';

/** What completions do unless the `cellscope.completion.*` settings say otherwise (the settings table, config/settings.ts). */
// alternatives: the suggestions a user can cycle through (Alt+] / Alt+[).
export const DEFAULT_COMPLETION_OPTIONS: CompletionOptions = {
  beamWidth: settingDefault('cellscope.completion.beamWidth'), maxChars: settingDefault('cellscope.completion.maxChars'),
  maxLines: settingDefault('cellscope.completion.maxLines'), minProbability: settingDefault('cellscope.completion.minProbability'),
  alternatives: 3, cache: settingDefault('cellscope.completion.documentCache'),
};

/** Suggestions for `text` (document `doc`) at `offset`, best first; empty when there are none worth showing or `shouldStop` said so. */
export function suggest(
  model: Model, states: StateCache, cache: readonly CacheLevel[], doc: string, text: string, offset: number, opts: CompletionOptions,
  shouldStop: () => boolean, step?: BeamStep,
): Suggestion[] {
  // The line around the cursor, at most MAX_CONTEXT characters each way: a longer line (minified
  // or generated text) is not read to its ends on every keystroke.
  const before = text.slice(Math.max(0, offset - MAX_CONTEXT), offset), after = text.slice(offset, offset + MAX_CONTEXT);
  const linePrefix = before.slice(before.lastIndexOf('\n') + 1), lineSuffix = after.split('\n', 1)[0];
  if (!roomBefore(lineSuffix)) return [];
  const context = states.stateAt(doc, text, offset, shouldStop);
  if (!context) return [];
  const beams = beamSearch(model, { ...context, recent: idsBefore(model.vocabulary, text, offset) }, {
    width: opts.beamWidth, maxChars: opts.maxChars, endsAt: suggestionEnd(linePrefix, opts.maxLines), shouldStop, step, cache,
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
