// The engine's copies of the documents the host has opened for it, kept in step by the
// host's edits (LSP-style), so that a request carries an offset instead of the text.

import type { TextChange } from '../protocol/engineProtocol';

export interface MirroredDocument {
  version: number;
  text: string;
}

export class DocumentMirror {
  private readonly docs = new Map<string, MirroredDocument>();

  open(uri: string, version: number, text: string): void {
    this.docs.set(uri, { version, text });
  }

  /**
   * Applies `changes` in order; `onChange` hears each one with the text before and after it.
   * False when the document is unknown or a change lies outside its text (then nothing is applied).
   */
  change(uri: string, version: number, changes: readonly TextChange[], onChange: (before: string, after: string, change: TextChange) => void): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    let length = doc.text.length;
    for (const c of changes) {
      if (c.offset + c.length > length) return false;
      length += c.text.length - c.length;
    }
    for (const c of changes) {
      const before = doc.text;
      doc.text = before.slice(0, c.offset) + c.text + before.slice(c.offset + c.length);
      onChange(before, doc.text, c);
    }
    doc.version = version;
    return true;
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  get(uri: string): MirroredDocument | undefined {
    return this.docs.get(uri);
  }

  /** Every mirrored document, by uri. */
  entries(): IterableIterator<[string, MirroredDocument]> {
    return this.docs.entries();
  }
}
