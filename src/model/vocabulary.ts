// The character vocabulary: id 0 is "unknown", ids 1… are the training text's characters
// (Unicode code points) by falling frequency, ties by code point, capped. The order is fully
// determined by the text, so the same corpus always gives the same ids (as the PyTorch
// reference builds them).

export const UNKNOWN_ID = 0;

// As the reference: 255 characters + unknown keeps ids in a byte and covers source code.
export const DEFAULT_MAX_CHARS = 255;

export class Vocabulary {
  private readonly ids = new Map<number, number>(); // code point → id

  /** `chars[i]` is the character with id i + 1. */
  constructor(readonly chars: readonly string[]) {
    chars.forEach((ch, i) => this.ids.set(ch.codePointAt(0)!, i + 1));
  }

  static fromText(text: string, maxChars = DEFAULT_MAX_CHARS): Vocabulary {
    const counts = new Map<number, number>();
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      counts.set(cp, (counts.get(cp) ?? 0) + 1);
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxChars);
    return new Vocabulary(ranked.map(([cp]) => String.fromCodePoint(cp)));
  }

  /** V: the characters plus the unknown id. */
  get size(): number {
    return this.chars.length + 1;
  }

  id(ch: string): number {
    return this.ids.get(ch.codePointAt(0)!) ?? UNKNOWN_ID;
  }

  encode(text: string): Uint16Array {
    const out = new Uint16Array(text.length); // ≥ the number of code points
    let n = 0;
    for (const ch of text) out[n++] = this.ids.get(ch.codePointAt(0)!) ?? UNKNOWN_ID;
    return out.slice(0, n);
  }

  /** The unknown id decodes to U+FFFD, the replacement character. */
  char(id: number): string {
    return id === UNKNOWN_ID ? '\uFFFD' : (this.chars[id - 1] ?? '\uFFFD');
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.char(ids[i]);
    return s;
  }
}
