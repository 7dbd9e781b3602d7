// Where the model is surprised: bits per character (−log₂ p, from the trace) summed up for the
// panel's surprise view. Pure: the webview imports it.

/** The mean of the known values (NaN: a character with nothing before it to predict it). */
export function meanBits(surprise: Float32Array): number {
  let sum = 0, n = 0;
  for (const x of surprise) if (!Number.isNaN(x)) [sum, n] = [sum + x, n + 1];
  return n > 0 ? sum / n : NaN;
}

/** The `count` most surprising characters, most surprising first, at least `apart` characters from one another (a surprising word is one place). */
export function surprisingPlaces(surprise: Float32Array, count = 10, apart = 8): { index: number; bits: number }[] {
  const order = Array.from(surprise.keys()).filter((i) => !Number.isNaN(surprise[i])).sort((a, b) => surprise[b] - surprise[a] || a - b);
  const chosen: { index: number; bits: number }[] = [];
  for (const i of order) {
    if (chosen.length === count) break;
    if (chosen.every((c) => Math.abs(c.index - i) >= apart)) chosen.push({ index: i, bits: surprise[i] });
  }
  return chosen;
}
