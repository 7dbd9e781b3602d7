// A user typing lines of held-out code with completions on, as `cellscope score` measures it:
// for each sampled line the cursor starts after the indentation and the user types the line to
// its end, asking for a suggestion after every keystroke. Causal by construction: the document
// at each keystroke is the file's text before the cursor, nothing after it, and the cache learns
// the file as the cursor passes (lines are visited in file order). Two users are simulated from
// the same suggestions: one who presses Tab when the whole suggestion is what comes next, and
// one who also takes its next word (Ctrl+→, VS Code's word unit) when only that is right.

import { cacheLevels } from '../model/mixture';
import { SEGMENT, type DynamicEvaluation } from '../model/dynamicEvaluation';
import { readContext, type LstmState } from '../model/inference';
import { DOCUMENT_COUNTS_LOG2, DOCUMENT_WINDOW, NgramCounts } from '../model/ngramCounts';
import type { Model } from '../model/model';
import type { CompletionOptions } from '../protocol/engineProtocol';
import type { Rng } from '../util/rng';
import { CountedSpan } from './documentCounts';
import { StateCache } from './stateCache';
import { suggest } from './suggest';

export interface TypedLine {
  file: number; // index into the files
  start: number; // UTF-16 offset of the line's first character after its indentation
  end: number; // of its end (before the newline)
}

export interface TypingFigures {
  lines: number;
  chars: number; // characters the lines hold
  keystrokes: number; // the Tab user's keystrokes (characters typed, and each Tab)
  keystrokesWord: number; // the Tab-and-Ctrl+→ user's
  shown: number; // the Tab user's keystrokes after which a suggestion was shown
  rightTab: number; // shown suggestions that were exactly a start of what followed
  rightWord: number; // shown suggestions whose next word was right
  exactLines: number; // lines whose first suggestion was the rest of the line
  milliseconds: number[]; // each suggestion's time
}

// Lines this short are not worth a completion, and too few characters to measure one by.
const MIN_LINE_CHARS = 4;

/** `count` lines drawn at random (by `rng`) from every line with code in `files`, in file order. */
export function sampleLines(files: string[], count: number, rng: Rng): TypedLine[] {
  const all: TypedLine[] = [];
  files.forEach((text, file) => {
    for (const m of text.matchAll(/^([ \t]*)([^\n]*\S)[ \t\r]*$/gm)) {
      if (m[2].length >= MIN_LINE_CHARS) all.push({ file, start: m.index! + m[1].length, end: m.index! + m[1].length + m[2].length });
    }
  });
  for (let i = all.length - 1; i > 0; i--) { // Fisher-Yates with the seeded rng
    const j = rng.nextUint32() % (i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count).sort((a, b) => a.file - b.file || a.start - b.start);
}

/**
 * Types `lines` of `files` with suggestions under `options` (options.cache false: the LSTM
 * alone); `workspace`: the workspace level's counts, or null. With `dynamic`, the model is
 * adapted (model/dynamicEvaluation.ts) to each file's text before each line, while the user
 * would be idle there; its states are then read afresh.
 */
export function simulateTyping(
  model: Model, files: string[], lines: TypedLine[], options: CompletionOptions, workspace: NgramCounts | null, dynamic?: DynamicEvaluation,
): TypingFigures {
  const figures: TypingFigures = { lines: lines.length, chars: 0, keystrokes: 0, keystrokesWord: 0, shown: 0, rightTab: 0, rightWord: 0, exactLines: 0, milliseconds: [] };
  if (dynamic) model = dynamic.model;
  let states = new StateCache(model);
  const document = new CountedSpan(new NgramCounts(DOCUMENT_COUNTS_LOG2), model.vocabulary); // the text before the cursor, as the engine keeps it
  const levels = options.cache ? cacheLevels({ workspace, document: document.counts }) : [];
  const adapting = { ids: new Uint16Array(0), at: 0, state: undefined as LstmState | undefined }; // how far dynamic evaluation has read
  let file = -1;
  for (const line of lines) {
    if (line.file !== file) {
      states.forget(String(file));
      document.reset();
      file = line.file;
      dynamic?.reset();
      Object.assign(adapting, { ids: model.vocabulary.encode('\n' + files[file]), at: 0, state: undefined });
    }
    const text = files[file], rest = text.slice(line.start, line.end);
    if (dynamic) {
      const until = [...text.slice(0, line.start)].length; // ids before the line: the newline, then its code points
      for (; adapting.at + SEGMENT <= until; adapting.at += SEGMENT) {
        const segment = adapting.ids.subarray(adapting.at, adapting.at + SEGMENT + 1);
        const next = readContext(model, segment.subarray(0, SEGMENT), adapting.state).state; // read before the step, as a reader would
        dynamic.step(segment, adapting.state);
        adapting.state = next;
      }
      states = new StateCache(model); // states read under the old weights are stale
    }
    const suggestions = new Map<number, string>(); // typed characters → the top suggestion then ('' for none)
    const suggestionAt = (typed: number): string => {
      if (!suggestions.has(typed)) {
        const before = text.slice(0, line.start + typed); // the document as the user has it: nothing after the cursor
        const started = performance.now();
        document.moveTo(before, Math.max(0, before.length - DOCUMENT_WINDOW), before.length);
        const s = suggest(model, states, levels, String(file), before, before.length, options, () => false)[0]?.text ?? '';
        figures.milliseconds.push(performance.now() - started);
        suggestions.set(typed, s);
      }
      return suggestions.get(typed)!;
    };
    if (suggestionAt(0) === rest) figures.exactLines++;
    figures.chars += rest.length;
    figures.keystrokes += typeLine(rest, suggestionAt, false, figures);
    figures.keystrokesWord += typeLine(rest, suggestionAt, true, undefined);
  }
  return figures;
}

/** Keystrokes to type `rest`, taking right suggestions (whole, or by words too); counts what the Tab user was shown into `figures`. */
function typeLine(rest: string, suggestionAt: (typed: number) => string, byWords: boolean, figures: TypingFigures | undefined): number {
  let typed = 0, keystrokes = 0;
  while (typed < rest.length) {
    const s = suggestionAt(typed), ahead = rest.slice(typed), word = nextWord(s);
    keystrokes++;
    if (s && figures) {
      figures.shown++;
      if (ahead.startsWith(s)) figures.rightTab++;
      if (ahead.startsWith(word)) figures.rightWord++;
    }
    if (s && ahead.startsWith(s)) typed += s.length;
    else if (s && byWords && ahead.startsWith(word)) typed += word.length;
    else typed++;
  }
  return keystrokes;
}

/** The part of a suggestion Ctrl+→ accepts in VS Code: a word at its start, or what comes before its first word (whitespace on its own). */
export function nextWord(suggestion: string): string {
  const word = /[\p{L}\p{N}_$]+/u.exec(suggestion), space = /\s+/.exec(suggestion);
  let until = word ? (word.index === 0 ? word[0].length : word.index) : suggestion.length;
  if (space && space.index + space[0].length < until) until = space.index + space[0].length;
  return suggestion.slice(0, until);
}
