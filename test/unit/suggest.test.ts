// Suggestions: where they end (line end, the bracket the line left open), how they meet the
// text after the cursor, the confidence cut, and the exact suggestions of hand-set models.

import * as assert from 'node:assert/strict';
import { openBrackets, roomBefore, suggestionEnd, trimOverlap } from '../../src/complete/lineBoundary';
import { StateCache } from '../../src/complete/stateCache';
import { suggest } from '../../src/complete/suggest';
import type { Model } from '../../src/model/model';
import type { CompletionOptions } from '../../src/protocol/engineProtocol';
import { bigramModel, STRAW_HAT } from './bigramModel';

const OPTIONS: CompletionOptions = { beamWidth: 7, maxChars: 20, maxLines: 1, minProbability: 1e-6, alternatives: 3, cache: false };

function suggestAt(model: Model, textWithCursor: string, options: Partial<CompletionOptions> = {}) {
  const offset = textWithCursor.indexOf('|'), text = textWithCursor.replace('|', '');
  return suggest(model, new StateCache(model), [], 'doc', text, offset, { ...OPTIONS, ...options }, () => false);
}

// f(x); — after "(" an argument, then the bracket closes and the statement ends.
const CALL = bigramModel(['f', '(', 'x', ')', ';', '\n'], {
  f: { '(': 1 }, '(': { x: 1 }, x: { ')': 1 }, ')': { ';': 1 }, ';': { '\n': 1 }, '\n': { f: 1 },
});

describe('line boundaries', () => {
  it('finds the brackets a line leaves open, skipping literals and comments', () => {
    assert.equal(openBrackets('if (a[i] == f(x'), '((');
    assert.equal(openBrackets('printf("(%d", x'), '(');
    assert.equal(openBrackets("c = '{'; g(a, "), '(');
    assert.equal(openBrackets('s = "a\\"(" + ('), '(');
    assert.equal(openBrackets('x = 1; // f('), '');
    assert.equal(openBrackets('} else {'), '{');
  });

  it('ends beams at the line end, the n-th line end, or the bracket the line opened', () => {
    // The rule as beam search applies it: its summary extended a character at a time.
    const ruleOf = (linePrefix: string, maxLines: number) => {
      const rule = suggestionEnd(linePrefix, maxLines);
      return (text: string, next: string) => rule.endsAt([...text].reduce(rule.extend, rule.start), next);
    };
    const oneLine = ruleOf('f(', 1);
    assert.equal(oneLine('x', '\n'), 'before');
    assert.equal(oneLine('x', ')'), 'after');
    assert.equal(oneLine('g(x', ')'), 'no'); // closes the beam's own bracket
    assert.equal(oneLine('g(x)', ')'), 'after');
    assert.equal(ruleOf('x = f', 1)('(a)', ')'), 'before'); // nothing open on the line: never close more than it opens
    const threeLines = ruleOf('if (x) {', 3);
    assert.equal(threeLines('\n\ty();', '\n'), 'no');
    assert.equal(threeLines('\n\ty();\n\tz();', '\n'), 'before');
    assert.equal(threeLines('\n\ty();\n', '}'), 'after');
  });

  it('suggests only before auto-closed characters and punctuation, never duplicating them', () => {
    for (const suffix of ['', ')', '})', '");', '  ', "'", ']]'] as const) assert.ok(roomBefore(suffix), suffix);
    for (const suffix of ['x)', ' = 1;', 'foo']) assert.ok(!roomBefore(suffix), suffix);
    assert.equal(trimOverlap('NULL)', ')'), 'NULL');
    assert.equal(trimOverlap('NULL)', ');'), 'NULL');
    assert.equal(trimOverlap('hello");', '")'), 'hello');
    assert.equal(trimOverlap('x + 1', ')'), 'x + 1');
    assert.equal(trimOverlap('a, b)', ''), 'a, b)');
    assert.equal(trimOverlap('c, g(d))', ')'), 'c, g(d)'); // the suggestion's own bracket is not the one after the cursor
  });
});

describe('suggestions', () => {
  it('returns the top distinct beams, best first, with their probabilities', () => {
    const s = suggestAt(STRAW_HAT, 'a|');
    assert.deepEqual(s.map((x) => x.text), ['c', 'b', 'bde']);
    assert.ok(Math.abs(s[0].probability - 0.4) < 1e-5 && Math.abs(s[1].probability - 0.24) < 1e-5);
    assert.deepEqual(suggestAt(STRAW_HAT, 'a|', { alternatives: 1 }).map((x) => x.text), ['c']);
  });

  it('shows only what the model is sure enough of, in whole words', () => {
    // "c" (0.4) falls below 0.5 at once; "b" is sure at 0.6; "bde" would stop inside a word.
    assert.deepEqual(suggestAt(STRAW_HAT, 'a|', { minProbability: 0.5 }).map((x) => x.text), ['b']);
    assert.ok(Math.abs(suggestAt(STRAW_HAT, 'a|', { minProbability: 0.5 })[0].probability - 0.6) < 1e-5);
    assert.deepEqual(suggestAt(STRAW_HAT, 'a|', { minProbability: 0.7 }), []);
  });

  it('closes the bracket the line opened, no other, and not twice when it is already there', () => {
    assert.deepEqual(suggestAt(CALL, 'f(|').map((x) => x.text), ['x)']);
    assert.deepEqual(suggestAt(CALL, 'f(|)').map((x) => x.text), ['x']);
    assert.deepEqual(suggestAt(CALL, 'f(|);').map((x) => x.text), ['x']);
    assert.deepEqual(suggestAt(CALL, 'y = x|'), []); // the model's ")" would close nothing the line opened
    assert.deepEqual(suggestAt(CALL, '\n|').map((x) => x.text), ['f(x);']);
    assert.deepEqual(suggestAt(CALL, '\n|', { maxLines: 2 }).map((x) => x.text), ['f(x);\nf(x);']);
  });

  it('stays silent in the middle of a line, and when told to stop', () => {
    assert.deepEqual(suggestAt(CALL, 'f|(x);'), []);
    assert.deepEqual(suggest(CALL, new StateCache(CALL), [], 'doc', 'f(', 2, OPTIONS, () => true), []);
  });
});
