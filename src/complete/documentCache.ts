// The document cache as the engine keeps it for one vocabulary: the counts of the workspace's
// files; of the other documents completions were asked in (their first DOCUMENT_WINDOW
// characters, in one shared table); and of the current one's DOCUMENT_WINDOW characters before
// the cursor. Edits reach whichever holds the document; a completion in another document moves
// that one out of the shared counts and the last one in (a cost of their windows, once per
// switch; a document joins the shared counts only when it stops being the current one, so
// opening one costs nothing). Memory: at most 2^22 + 2^22 + 2^21 slots (84 MB) whatever the
// documents' sizes.

import { cacheLevels, type CacheLevel } from '../model/mixture';
import { DOCUMENT_COUNTS_LOG2, DOCUMENT_WINDOW, NgramCounts, SHARED_COUNTS_LOG2, SHARED_MIN_ORDER } from '../model/ngramCounts';
import type { Vocabulary } from '../model/vocabulary';
import type { TextChange } from '../protocol/engineProtocol';
import { CountedSpan } from './documentCounts';

export class DocumentCache {
  private readonly others = new NgramCounts(SHARED_COUNTS_LOG2, SHARED_MIN_ORDER);
  private readonly spans = new Map<string, CountedSpan>(); // uri → its span in `others`, for every document but the current
  private readonly current: CountedSpan;
  private currentUri: string | undefined;

  /** `workspace`: the workspace files' counts (complete/documentCounts.ts workspaceCounts), or null for none. */
  constructor(private readonly vocabulary: Vocabulary, public workspace: NgramCounts | null = null) {
    this.current = new CountedSpan(new NgramCounts(DOCUMENT_COUNTS_LOG2), vocabulary);
  }

  /** A document is mirrored with `text` from now on (replacing `previous`, when it was mirrored before). */
  didOpen(uri: string, text: string, previous: string | undefined): void {
    if (uri === this.currentUri) return this.current.reset(); // counted again at the next completion
    if (previous === undefined || !this.spans.has(uri)) return;
    this.spans.get(uri)!.moveTo(previous, 0, 0);
    this.countOther(uri, text);
  }

  /** Counts `text` among the other documents (as the engine does for every mirrored one when a model with a new vocabulary loads). */
  countOther(uri: string, text: string): void {
    const span = new CountedSpan(this.others, this.vocabulary);
    span.moveTo(text, 0, Math.min(text.length, DOCUMENT_WINDOW));
    this.spans.set(uri, span);
  }

  didChange(uri: string, before: string, after: string, change: TextChange): void {
    (uri === this.currentUri ? this.current : this.spans.get(uri))?.edit(before, after, change);
  }

  didClose(uri: string, text: string): void {
    if (uri === this.currentUri) {
      this.current.reset();
      this.currentUri = undefined;
    } else {
      this.spans.get(uri)?.moveTo(text, 0, 0);
      this.spans.delete(uri);
    }
  }

  /**
   * The cache's levels for a completion in `uri` (mirrored as `text`) at `offset`, which becomes
   * the current document; `textOf` gives the mirrored text of the document that was current.
   */
  levelsAt(uri: string, text: string, offset: number, textOf: (uri: string) => string | undefined): CacheLevel[] {
    if (uri !== this.currentUri) {
      const last = this.currentUri === undefined ? undefined : textOf(this.currentUri);
      if (last !== undefined) this.countOther(this.currentUri!, last);
      this.spans.get(uri)?.moveTo(text, 0, 0);
      this.spans.delete(uri);
      this.current.reset();
      this.currentUri = uri;
    }
    this.current.moveTo(text, Math.max(0, offset - DOCUMENT_WINDOW), offset);
    return cacheLevels({ workspace: this.workspace, openDocuments: this.others, document: this.current.counts });
  }
}
