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

  /** Applies `changes` in order; `onChange(offset)` hears where each one starts. Unknown documents are ignored. */
  change(uri: string, version: number, changes: readonly TextChange[], onChange: (offset: number) => void): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    for (const c of changes) {
      doc.text = doc.text.slice(0, c.offset) + c.text + doc.text.slice(c.offset + c.length);
      onChange(c.offset);
    }
    doc.version = version;
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  get(uri: string): MirroredDocument | undefined {
    return this.docs.get(uri);
  }
}
