// The activation panel's pure parts: its HTML body (the code comes later, as data), which
// stretch of a file to show, and when a file is not text worth showing.

// Characters shown at most: a file up to this size is shown whole, a larger one around the
// part the editor shows. Tracing 10,000 characters takes a few seconds for an H128 model.
export const MAX_PANEL_CHARS = 10_000;

/** The panel's body (webviewHtml.ts puts it in its shell): empty elements that media/activations.ts fills. */
export const PANEL_BODY = `<header id="controls"></header>
<p id="status"></p>
<p id="message" role="status"></p>
<p id="note"></p>
<section id="found" hidden></section>
<section id="surprising" hidden></section>
<pre id="code" aria-label="the code, coloured by the chosen cell"></pre>
<div id="guesses" role="tooltip" hidden></div>
<section id="saturation"></section>`;

/** The stretch [start, end) to show of a text of `length`: all of it, or MAX_PANEL_CHARS around the visible [from, to). */
export function chooseStretch(length: number, from: number, to: number): { start: number; end: number } {
  if (length <= MAX_PANEL_CHARS) return { start: 0, end: length };
  const middle = Math.floor((from + to) / 2);
  const start = Math.max(0, Math.min(length - MAX_PANEL_CHARS, middle - MAX_PANEL_CHARS / 2));
  return { start, end: start + MAX_PANEL_CHARS };
}

/** Text with NUL characters, or mostly control characters, is not code to colour. */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
  }
  return control > head.length / 10;
}
