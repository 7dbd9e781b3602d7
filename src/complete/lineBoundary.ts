// Where a suggestion ends, and how it meets the text after the cursor. A suggestion ends at
// its line's end (or its maxLines-th), right after a closing bracket that closes one the
// cursor's line left open (`if (x == ` → `NULL)`), and before one that would close nothing.
// Text after the cursor must be only what editors auto-close (brackets, quotes) or
// punctuation; a suggestion is cut where it runs into that text, so that an auto-closed `)` is
// not typed twice.

import type { EndRule } from './beamSearch';

const OPENERS = '([{';
const CLOSERS = ')]}';
const QUOTES = `"'\``;

/** The brackets the line opens and does not close, outermost first; literals and `//` comments skipped. */
export function openBrackets(linePrefix: string): string {
  const open: string[] = [];
  let quote = '';
  for (let i = 0; i < linePrefix.length; i++) {
    const ch = linePrefix[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (QUOTES.includes(ch)) {
      quote = ch;
    } else if (ch === '/' && linePrefix[i + 1] === '/') {
      break;
    } else if (OPENERS.includes(ch)) {
      open.push(ch);
    } else if (CLOSERS.includes(ch) && open[open.length - 1] === OPENERS[CLOSERS.indexOf(ch)]) {
      open.pop();
    }
  }
  return open.join('');
}

/** A beam's text as the end rule needs it: its line ends, and its own brackets opened minus closed (literals ignored). */
interface TextSummary {
  lines: number;
  depth: number;
}

/** The end rule for beams continuing `linePrefix`: see the file header. */
export function suggestionEnd(linePrefix: string, maxLines: number): EndRule<TextSummary> {
  const lineOpen = openBrackets(linePrefix).length > 0;
  return {
    start: { lines: 0, depth: 0 },
    extend: (s, ch) => ({ lines: s.lines + (ch === '\n' ? 1 : 0), depth: s.depth + bracketStep(ch) }),
    endsAt: (s, next) => {
      if (next === '\n') return s.lines + 1 >= maxLines ? 'before' : 'no';
      // A closer of none of the beam's brackets: after the one the line left open; before any
      // other, which would close more than the line opens (a doubled auto-closed bracket).
      if (CLOSERS.includes(next) && s.depth === 0) return lineOpen ? 'after' : 'before';
      return 'no';
    },
  };
}

/** Whether a suggestion may go before `lineSuffix`, the rest of the cursor's line. */
export function roomBefore(lineSuffix: string): boolean {
  return /^[\s)\]}"'`;,]*$/.test(lineSuffix);
}

/** `text` without the part that the text after the cursor already holds (e.g. `x)` before `)`). */
export function trimOverlap(text: string, lineSuffix: string): string {
  const rest = lineSuffix.trim();
  if (!rest) return text;
  for (let i = 0; i < text.length; i++) {
    const tail = text.slice(i);
    // Only where the suggestion's own brackets are closed: `f(x))` meets `)` at its last bracket.
    if (depth(text.slice(0, i)) <= 0 && (tail.startsWith(rest) || rest.startsWith(tail))) return text.slice(0, i);
  }
  return text;
}

const bracketStep = (ch: string) => (OPENERS.includes(ch) ? 1 : CLOSERS.includes(ch) ? -1 : 0);

/** Brackets opened minus closed in `text`, literals ignored: a suggestion's own nesting. */
function depth(text: string): number {
  let d = 0;
  for (const ch of text) d += bracketStep(ch);
  return d;
}
