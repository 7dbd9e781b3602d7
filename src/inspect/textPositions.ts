// Positions in a text three ways: code point indices (the model reads one character per code
// point), UTF-16 offsets (as editors and JavaScript strings count) and lines. Pure.

/** The UTF-16 offset where each code point starts, and the text's length last: (T + 1). */
export function unitOffsets(text: string): Uint32Array {
  const offsets = new Uint32Array([...text].length + 1);
  let k = 0;
  for (let u = 0; u < text.length; u += text.codePointAt(u)! > 0xffff ? 2 : 1) offsets[k++] = u;
  offsets[k] = text.length;
  return offsets;
}

/** The code point index at UTF-16 `offset` (an offset inside a pair counts as its start). */
export function codePointIndex(offsets: Uint32Array, offset: number): number {
  let lo = 0, hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Line and column (both from 1; the column in UTF-16 units) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) [line, lineStart] = [line + 1, at + 1];
  return { line, column: offset - lineStart + 1 };
}
