// LSTM states along open documents, so that a completion request reads only the text since the
// nearest saved state before the cursor: latency does not grow with the file. A state is kept
// every INTERVAL characters (UTF-16 offsets, as editors count), and the last one asked for is
// kept too, so that typing reads one character per keystroke; an edit drops the states after
// it; documents are evicted least recently used first. The cache belongs to one model: a new
// model needs a new cache.
// Every document is read as if preceded by a newline, as training joins files with newlines.
// A state more than `maxContext` characters behind the cursor is not worth reading on from
// (the model's memory is far shorter): reading then starts afresh within reach, so the first
// request in a 1 MB file costs no more than in a small one.

import { documentStart, readContext, type LstmState } from '../model/inference';
import type { Model } from '../model/model';

/** The state after reading a document's text up to `offset`, and the logits it predicts. */
interface Mark {
  offset: number;
  state: LstmState;
  logits: Float32Array; // (V)
}

interface DocumentMarks {
  grid: Mark[]; // at multiples of INTERVAL, by offset
  recent?: Mark; // the last state asked for
}

// 256 characters: one context chunk, and a few hundred ms at most to read for H256 models.
const INTERVAL = 256;
// Open documents whose states are kept; each holds (L·2H + V) floats per INTERVAL characters.
const MAX_DOCUMENTS = 16;
// 2,048 characters, eight intervals: far beyond what a char-LSTM's state carries.
export const MAX_CONTEXT = 2048;

export class StateCache {
  private readonly docs = new Map<string, DocumentMarks>(); // in order of use, least recent first
  private readonly start: Mark;

  constructor(private readonly model: Model, private readonly maxContext = MAX_CONTEXT) {
    const { state, logits } = documentStart(model);
    this.start = { offset: 0, state, logits };
  }

  /** The text of `doc` changed from `offset` on: states after it are no longer valid. */
  invalidate(doc: string, offset: number): void {
    const marks = this.docs.get(doc);
    if (!marks) return;
    while (marks.grid.length > 0 && marks.grid[marks.grid.length - 1].offset > offset) marks.grid.pop();
    if (marks.recent && marks.recent.offset > offset) marks.recent = undefined;
  }

  forget(doc: string): void {
    this.docs.delete(doc);
  }

  /**
   * The state after `text.slice(0, offset)` of document `doc` (whose cached states are current);
   * undefined when `shouldStop` (asked between intervals) says so.
   */
  stateAt(doc: string, text: string, offset: number, shouldStop = () => false): { state: LstmState; logits: Float32Array } | undefined {
    const marks = this.docs.get(doc) ?? { grid: [] };
    this.docs.delete(doc);
    this.docs.set(doc, marks); // most recently used
    if (this.docs.size > MAX_DOCUMENTS) this.docs.delete(this.docs.keys().next().value!);

    let from = this.start;
    for (const m of [...marks.grid, marks.recent]) if (m && m.offset <= offset && m.offset > from.offset) from = m;
    if (offset - from.offset > this.maxContext) {
      const restart = Math.ceil((offset - this.maxContext) / INTERVAL) * INTERVAL;
      from = { ...this.start, offset: restart + (isHighSurrogate(text.charCodeAt(restart - 1)) ? 1 : 0) };
    }
    while (from.offset < offset) {
      if (shouldStop()) return undefined;
      let next = Math.min(offset, (Math.floor(from.offset / INTERVAL) + 1) * INTERVAL);
      if (next < offset && isHighSurrogate(text.charCodeAt(next - 1))) next++; // never split a pair
      const read = readContext(this.model, this.model.vocabulary.encode(text.slice(from.offset, next)), from.state);
      from = { offset: next, state: read.state, logits: read.logits };
      if (next % INTERVAL === 0) insertMark(marks.grid, from);
    }
    marks.recent = from;
    return { state: from.state, logits: from.logits };
  }
}

function insertMark(grid: Mark[], mark: Mark): void {
  let i = grid.length;
  while (i > 0 && grid[i - 1].offset > mark.offset) i--;
  if (grid[i - 1]?.offset === mark.offset) grid[i - 1] = mark;
  else grid.splice(i, 0, mark);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
