// The document cache: n-gram counts against counting by hand, the mixture against the chain
// worked out by hand and summing to 1 at every step, a text repeated verbatim predicted with
// near certainty the second time, counts kept in step with random edits equal to counting the
// final text afresh, and memory within its cap on a 50 MB document.

import * as assert from 'node:assert/strict';
import { CountedSpan, countSpan } from '../../src/complete/documentCounts';
import { DocumentCache } from '../../src/complete/documentCache';
import { cacheLevels, Mixture, type LevelWeight } from '../../src/model/mixture';
import { contextFingerprints, countTargets, DOCUMENT_WINDOW, NGRAM_ORDERS, NgramCounts, SHARED_MIN_ORDER } from '../../src/model/ngramCounts';
import { Vocabulary } from '../../src/model/vocabulary';
import { Rng } from '../../src/util/rng';

const ALPHABET = 'abcdXY{}();\n\t =\u{1F600}';
const vocabulary = new Vocabulary([...ALPHABET]);
const V = vocabulary.size;
const uniform = new Float32Array(V); // LSTM logits that predict every id alike

/** Followers of the context of `order` before position `end` of `ids`, as a sorted list of [id, count]. */
function followersOf(counts: NgramCounts, ids: ArrayLike<number>, end: number, order: number): [number, number][] {
  const fps = new Uint32Array(NGRAM_ORDERS.length);
  const n = contextFingerprints(ids, end, fps), o = NGRAM_ORDERS.indexOf(order as (typeof NGRAM_ORDERS)[number]);
  if (o >= n) return [];
  const followerIds = new Uint16Array(256), followerCounts = new Uint32Array(256);
  const found = counts.followers(fps[o], followerIds, followerCounts);
  return Array.from({ length: found }, (_, i): [number, number] => [followerIds[i], followerCounts[i]]).sort((a, b) => a[0] - b[0]);
}

/** Whether two tables hold the same pairs: equal sizes, and equal followers for every context of `text`. */
function assertSameCounts(actual: NgramCounts, expected: NgramCounts, text: string): void {
  assert.equal(actual.size, expected.size);
  const ids = vocabulary.encode('\n' + text);
  for (let end = 0; end <= ids.length; end++) {
    for (const order of NGRAM_ORDERS) assert.deepEqual(followersOf(actual, ids, end, order), followersOf(expected, ids, end, order), `context of ${order} before ${end}`);
  }
}

describe('n-gram counts', () => {
  it('count each context with what followed it, by hand', () => {
    const counts = new NgramCounts(16);
    const ids = vocabulary.encode('\nabcXabcYabcX');
    countTargets(counts, ids, 1, ids.length, +1);
    // "abc" was followed by X twice and Y once; "\nabc" (order 4) by X once; ab…: "Xabc" by Y.
    assert.deepEqual(followersOf(counts, ids, 4, 3), [[vocabulary.id('X'), 2], [vocabulary.id('Y'), 1]]);
    assert.deepEqual(followersOf(counts, ids, 4, 4), [[vocabulary.id('X'), 1]]);
    assert.deepEqual(followersOf(counts, ids, 8, 4), [[vocabulary.id('Y'), 1]]);
    assert.deepEqual(followersOf(counts, ids, 12, 3), [[vocabulary.id('X'), 2], [vocabulary.id('Y'), 1]]);
    // Orders 3…8, 10 and 12 fit in the 13 ids (with 2 "\n" contexts too short to count): one pair
    // per (context, next) that occurred.
    countTargets(counts, ids, 1, ids.length, -1);
    assert.equal(counts.size, 0);
  });

  it('grows to its cap and no further, dropping new pairs there', () => {
    const counts = new NgramCounts(12), rng = new Rng(4);
    const ids = Uint16Array.from({ length: 20_000 }, () => 1 + (rng.nextUint32() % (V - 1)));
    countTargets(counts, ids, 1, ids.length, +1);
    assert.equal(counts.bytes, 8 * 2 ** 12);
    assert.ok(counts.size <= 0.8 * 2 ** 12 && counts.dropped > 0);
  });
});

describe('the mixture', () => {
  const weight: LevelWeight = { perFollower: 2, base: 1, orderDecay: 0 };

  it('equals the chain worked out by hand', () => {
    const counts = new NgramCounts(16), ids = vocabulary.encode('\nabcXabcYabc');
    countTargets(counts, ids, 1, ids.length, +1);
    const out = new Float64Array(V);
    new Mixture(V, [{ counts, weight }]).logProbs(out, uniform, 0, ids, ids.length);
    // Order 3, "abc": X once, Y once (n 2, u 2), β = 2·(2 − 1) + 1 = 3; order 4, "Yabc": never seen.
    const p = (nc: number) => (nc + 3 / V) / (2 + 3);
    assert.ok(Math.abs(Math.exp(out[vocabulary.id('X')]) - p(1)) < 1e-12);
    assert.ok(Math.abs(Math.exp(out[vocabulary.id('Y')]) - p(1)) < 1e-12);
    assert.ok(Math.abs(Math.exp(out[vocabulary.id('a')]) - p(0)) < 1e-12);
    // Two levels: the document's counts refine the workspace's, which refine the LSTM's.
    const workspace = new NgramCounts(16), other = vocabulary.encode('\nabcY');
    countTargets(workspace, other, 1, other.length, +1);
    new Mixture(V, [{ counts: workspace, weight }, { counts, weight }]).logProbs(out, uniform, 0, ids, ids.length);
    const below = (nc: number) => (nc + 1 / V) / (1 + 1); // "abc" → Y once in the workspace: β = 2·0 + 1
    assert.ok(Math.abs(Math.exp(out[vocabulary.id('Y')]) - (1 + 3 * below(1)) / 5) < 1e-12);
    assert.ok(Math.abs(Math.exp(out[vocabulary.id('X')]) - (1 + 3 * below(0)) / 5) < 1e-12);
  });

  it('sums to 1 at every step of a document, and predicts a verbatim repeat with near certainty', () => {
    const rng = new Rng(7), chars = [...'abcdXY{}();\n\t =']; // no astral character: one id per UTF-16 unit
    const copy = Array.from({ length: 400 }, () => chars[rng.nextUint32() % chars.length]).join('');
    const ids = vocabulary.encode('\n' + copy + copy + copy);
    const counts = new NgramCounts(16), mixture = new Mixture(V, cacheLevels({ document: counts }));
    // An LSTM that knows nothing of this text: the same arbitrary guess everywhere.
    const logits = Float32Array.from({ length: V }, () => rng.next() * 4 - 2), out = new Float64Array(V);
    const nats = [0, 0, 0]; // per copy, past its first 24 characters (a context seen before)
    for (let i = 1; i < ids.length; i++) {
      mixture.logProbs(out, logits, 0, ids, i);
      const total = out.reduce((s, x) => s + Math.exp(x), 0);
      assert.ok(Math.abs(total - 1) < 1e-6, `step ${i}: ${total}`);
      const copyIndex = Math.floor((i - 1) / copy.length);
      if ((i - 1) % copy.length >= 24) {
        nats[copyIndex] -= out[ids[i]];
        if (copyIndex > 0) assert.equal(out.indexOf(Math.max(...out)), ids[i], `the repeat at ${i} is the likeliest character`);
      }
      countTargets(counts, ids, i, i + 1, +1);
    }
    const meanP = nats.map((n) => Math.exp(-n / (copy.length - 24)));
    assert.ok(meanP[0] < 0.2, `a text seen for the first time: ${meanP[0]}`);
    assert.ok(meanP[1] > 0.75, `seen once before: ${meanP[1]}`);
    assert.ok(meanP[2] > 0.9, `seen twice before: ${meanP[2]}`);
  });
});

describe('counts kept in step with a document', () => {
  const rng = new Rng(12);
  const pick = (n: number) => rng.nextUint32() % n;
  const randomText = (n: number) => Array.from({ length: n }, () => [...ALPHABET][pick([...ALPHABET].length)]).join('');
  const codePointStart = (text: string, at: number) => [...text].slice(0, at).join('').length;

  it('equal counting the final text afresh, after random edits and moves of the span', () => {
    let text = randomText(1500);
    const span = new CountedSpan(new NgramCounts(18), vocabulary);
    span.moveTo(text, 100, 900);
    for (let round = 0; round < 40; round++) {
      const n = [...text].length, at = codePointStart(text, pick(n)), removed = codePointStart(text.slice(at), pick(40));
      const inserted = randomText(pick(60)), after = text.slice(0, at) + inserted + text.slice(at + removed);
      span.edit(text, after, { offset: at, length: removed, text: inserted });
      text = after;
      if (round % 5 === 4) span.moveTo(text, codePointStart(text, pick(n / 2)), codePointStart(text, n / 2 + pick(n / 2)));
      const scratch = new NgramCounts(18);
      countSpan(scratch, vocabulary, text, span.start, span.end, +1);
      assertSameCounts(span.counts, scratch, text);
    }
  });

  it('follow documents in and out of the shared counts as completions move between them', () => {
    const cache = new DocumentCache(vocabulary), texts = new Map([['a', randomText(300)], ['b', randomText(300)]]);
    const textOf = (uri: string) => texts.get(uri);
    cache.didOpen('b', texts.get('b')!, undefined);
    cache.levelsAt('b', texts.get('b')!, 10, textOf);
    cache.didOpen('a', texts.get('a')!, undefined);
    // In a: the open documents' level holds b whole (it was completed in), the document's holds a before the cursor.
    let [openDocuments, document] = cache.levelsAt('a', texts.get('a')!, 120, textOf).map((l) => l.counts);
    const expect = (uri: string, from: number, to: number, minOrder?: number) => {
      const counts = new NgramCounts(18, minOrder);
      countSpan(counts, vocabulary, texts.get(uri)!, from, to, +1);
      return counts;
    };
    assertSameCounts(openDocuments, expect('b', 0, Infinity, SHARED_MIN_ORDER), texts.get('b')!);
    assertSameCounts(document, expect('a', 0, 120), texts.get('a')!);
    // An edit to b, then a completion in b: a goes back whole, b is counted before its cursor.
    const edited = 'XY' + texts.get('b')!.slice(5);
    cache.didChange('b', texts.get('b')!, edited, { offset: 0, length: 5, text: 'XY' });
    texts.set('b', edited);
    [openDocuments, document] = cache.levelsAt('b', edited, 200, textOf).map((l) => l.counts);
    assertSameCounts(openDocuments, expect('a', 0, Infinity, SHARED_MIN_ORDER), texts.get('a')!);
    assertSameCounts(document, expect('b', 0, 200), edited);
    cache.didClose('a', texts.get('a')!);
    assert.equal(openDocuments.size, 0);
  });

  it('stays within its memory cap on a 50 MB document, counting the window before the cursor', function () {
    this.timeout(120_000);
    const chunk = 'static int frobnicate(struct widget *w)\n{\n\treturn w->count + 1;\n}\n';
    const text = chunk.repeat(Math.ceil(50e6 / chunk.length)) + randomText(2_000_000);
    const cache = new DocumentCache(vocabulary);
    cache.didOpen('big', text, undefined);
    const levels = cache.levelsAt('big', text, text.length, () => undefined);
    const bytes = levels.reduce((sum, l) => sum + l.counts.bytes, 0);
    assert.ok(bytes <= 8 * (2 ** 22 + 2 ** 21), `${bytes} bytes`);
    assert.ok(DOCUMENT_WINDOW < text.length);
  });
});
