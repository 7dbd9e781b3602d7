// LSTM states along open documents, so that a completion request reads only the text since the
// nearest saved state before the cursor: latency does not grow with the file. A state is kept
// every INTERVAL characters (UTF-16 offsets, as editors count); an edit drops the states after
// it; documents are evicted least recently used first. The cache belongs to one model: a new
// model needs a new cache.
// Every document is read as if preceded by a newline, as training joins files with newlines.

import { readContext, type LstmState } from '../model/inference';
import type { Model } from '../model/model';

/** The state after reading a document's text up to `offset`, and the logits it predicts. */
interface Mark {
  offset: number;
  state: LstmState;
  logits: Float32Array; // (V)
}

// 256 characters: reading them takes a few milliseconds even for large models.
const INTERVAL = 256;
// Open documents whose states are kept; each holds (L·2H + V) floats per INTERVAL characters.
const MAX_DOCUMENTS = 16;

export class StateCache {
  private readonly docs = new Map<string, Mark[]>(); // in order of use, least recent first
  private readonly start: Mark;

  constructor(private readonly model: Model) {
    const { state, logits } = readContext(model, model.vocabulary.encode('\n'));
    this.start = { offset: 0, state, logits };
  }

  /** The text of `doc` changed from `offset` on: states after it are no longer valid. */
  invalidate(doc: string, offset: number): void {
    const marks = this.docs.get(doc);
    if (!marks) return;
    let keep = marks.length;
    while (keep > 0 && marks[keep - 1].offset > offset) keep--;
    marks.length = keep;
  }

  forget(doc: string): void {
    this.docs.delete(doc);
  }

  /** The state after `text.slice(0, offset)` of document `doc` (whose cached states are current). */
  stateAt(doc: string, text: string, offset: number): { state: LstmState; logits: Float32Array } {
    const marks = this.docs.get(doc) ?? [];
    this.docs.delete(doc);
    this.docs.set(doc, marks); // most recently used
    if (this.docs.size > MAX_DOCUMENTS) this.docs.delete(this.docs.keys().next().value!);

    let from = this.start;
    for (const m of marks) if (m.offset <= offset) from = m;
    while (from.offset < offset) {
      let next = Math.min(offset, (Math.floor(from.offset / INTERVAL) + 1) * INTERVAL);
      if (next < offset && isHighSurrogate(text.charCodeAt(next - 1))) next++; // never split a pair
      const read = readContext(this.model, this.model.vocabulary.encode(text.slice(from.offset, next)), from.state);
      from = { offset: next, state: read.state, logits: read.logits };
      if (next % INTERVAL === 0 && next > (marks[marks.length - 1]?.offset ?? 0)) marks.push(from);
    }
    return { state: from.state, logits: from.logits };
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
