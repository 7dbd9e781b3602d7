// Document text into n-gram counts (model/ngramCounts.ts), in UTF-16 offsets as editors give
// them, and kept in step with edits: an edit takes back the pairs it touches (those whose next
// character or context lies in the replaced span) and counts the new ones, so a keystroke
// costs the same in a 1 MB document as in a 1 KB one. A document is read as if preceded by a
// newline, as training joins files and as the state cache reads it.
// `CountedSpan` holds the characters of a document between two offsets: for the document being
// completed, the DOCUMENT_WINDOW characters before the cursor (completions learn from what was
// written before it, never from a context that runs across it); for other documents, their start.

import { countTargets, MAX_ORDER, NgramCounts, SHARED_COUNTS_LOG2, SHARED_MIN_ORDER } from '../model/ngramCounts';
import type { Vocabulary } from '../model/vocabulary';
import type { TextChange } from '../protocol/engineProtocol';

// Characters after an edit whose contexts reach into it: MAX_ORDER code points, at most two
// UTF-16 units each.
const REACH = 2 * MAX_ORDER;

/** Counts (delta +1) or takes back (−1) the pairs whose next character starts in [from, to) of `text`. */
export function countSpan(counts: NgramCounts, vocabulary: Vocabulary, text: string, from: number, to: number, delta: number): void {
  from = Math.max(0, from + (splitsPair(text, from) ? 1 : 0));
  to = Math.min(text.length, to + (splitsPair(text, to) ? 1 : 0)); // a pair starting before `to` is read whole
  if (from >= to) return;
  let start = Math.max(0, from - REACH); // where the first target's contexts begin
  if (splitsPair(text, start)) start--;
  const before = start === 0 ? vocabulary.encode('\n' + text.slice(0, from)) : vocabulary.encode(text.slice(start, from));
  const body = vocabulary.encode(text.slice(from, to));
  const ids = new Uint16Array(before.length + body.length);
  ids.set(before);
  ids.set(body, before.length);
  countTargets(counts, ids, before.length, before.length + body.length, delta);
}

/** The counts of one document's characters in [start, end), in a table it may share with other documents. */
export class CountedSpan {
  start = 0;
  end = 0;

  constructor(readonly counts: NgramCounts, private readonly vocabulary: Vocabulary) {}

  /** Makes the span [start, end) of `text`, counting only what differs from the span before: cheap when it moves a little. */
  moveTo(text: string, start: number, end: number): void {
    const span = (from: number, to: number, delta: number) => countSpan(this.counts, this.vocabulary, text, from, to, delta);
    if (start >= this.end || end <= this.start) {
      span(this.start, this.end, -1);
      span(start, end, +1);
    } else {
      if (start > this.start) span(this.start, start, -1);
      else span(start, this.start, +1);
      if (end > this.end) span(this.end, end, +1);
      else span(end, this.end, -1);
    }
    [this.start, this.end] = [start, end];
  }

  /** Empties the span by clearing the table: for a span that has its table to itself. */
  reset(): void {
    this.counts.clear();
    this.start = this.end = 0;
  }

  /** Applies one edit (`change`, turning `before` into `after`): the span's ends move with the text around them. */
  edit(before: string, after: string, change: TextChange): void {
    const { offset, length } = change, inserted = change.text.length;
    if (this.end <= offset) return; // characters before the edit, and their contexts, are untouched
    countSpan(this.counts, this.vocabulary, before, Math.max(this.start, offset), Math.min(this.end, offset + length + REACH), -1);
    const moved = (x: number) => (x >= offset + length ? x + inserted - length : Math.min(x, offset));
    [this.start, this.end] = [moved(this.start), moved(this.end)];
    countSpan(this.counts, this.vocabulary, after, Math.max(this.start, offset), Math.min(this.end, offset + inserted + REACH), +1);
  }
}

/** The ids of the last MAX_ORDER characters before `offset` (the document read as after a newline): the cache's context there. */
export function idsBefore(vocabulary: Vocabulary, text: string, offset: number): Uint16Array {
  let start = Math.max(0, offset - REACH);
  if (splitsPair(text, start)) start--;
  const ids = vocabulary.encode(start === 0 ? '\n' + text.slice(0, offset) : text.slice(start, offset));
  return ids.subarray(-MAX_ORDER);
}

/** Whether `at` falls between the two halves of a surrogate pair. */
function splitsPair(text: string, at: number): boolean {
  const code = text.charCodeAt(at), previous = text.charCodeAt(at - 1);
  return code >= 0xdc00 && code <= 0xdfff && previous >= 0xd800 && previous <= 0xdbff;
}

/** The workspace level's counts: whole files (each read as a document), in order, until the table is full. */
export function workspaceCounts(vocabulary: Vocabulary, texts: string[]): NgramCounts {
  const counts = new NgramCounts(SHARED_COUNTS_LOG2, SHARED_MIN_ORDER);
  for (const text of texts) {
    if (counts.dropped > 0) break;
    countSpan(counts, vocabulary, text, 0, text.length, +1);
  }
  return counts;
}
