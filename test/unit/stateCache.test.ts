// The state cache against reading from scratch: after a random series of edits, the state at
// any offset equals the state computed from the whole prefix; far into a long document, from
// the window the cache reads.

import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import { StateCache } from '../../src/complete/stateCache';
import { readContext } from '../../src/model/inference';
import { createModel } from '../../src/model/model';
import { Vocabulary } from '../../src/model/vocabulary';
import { Rng } from '../../src/util/rng';

const ALPHABET = 'abc{}();\n\t x=\u{1F600}';

describe('state cache', () => {
  const model = createModel(Vocabulary.fromText(ALPHABET), 8, 2, new Rng(11), Arena.plain());
  // A long memory (forget gates ≈ 0.9975), so that a stale state would still show hundreds of
  // characters later.
  for (const layer of model.p.layers) layer.biasIh.fill(6, 8, 16);
  const rng = new Rng(12);
  const pick = (n: number) => rng.nextUint32() % n;
  const randomText = (n: number) => Array.from({ length: n }, () => [...ALPHABET][pick([...ALPHABET].length)]).join('');

  function assertSameAsScratch(cache: StateCache, text: string, offset: number): void {
    const cached = cache.stateAt('doc', text, offset)!;
    const scratch = readContext(model, model.vocabulary.encode('\n' + text.slice(0, offset)));
    for (const [a, b] of [[cached.state.h, scratch.state.h], [cached.state.c, scratch.state.c], [cached.logits, scratch.logits]]) {
      for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `offset ${offset} [${i}]: ${a[i]} vs ${b[i]}`);
    }
  }

  it('equals reading from scratch after random edits', () => {
    const cache = new StateCache(model, Infinity);
    let text = randomText(1500);
    for (let round = 0; round < 30; round++) {
      // An edit somewhere: delete a span, insert random text (never splitting a surrogate pair).
      const at = [...text].slice(0, pick([...text].length)).join('').length;
      const removed = [...text.slice(at)].slice(0, pick(40)).join('').length;
      text = text.slice(0, at) + randomText(pick(60)) + text.slice(at + removed);
      cache.invalidate('doc', at);
      const offset = [...text].slice(0, pick([...text].length + 1)).join('').length;
      assertSameAsScratch(cache, text, offset);
    }
    assertSameAsScratch(cache, text, text.length);
    assertSameAsScratch(cache, text, 0);
  });

  it('reads afresh within maxContext of the cursor rather than from a far state', () => {
    const text = randomText(3000).replace(/\u{1F600}/gu, 'x'), cache = new StateCache(model, 512); // no pairs to step around
    const near = cache.stateAt('doc', text, 2900)!;
    // 2900 − 512 = 2388, rounded up to the next 256: reading starts at 2560 from a new document's state.
    const scratch = readContext(model, model.vocabulary.encode('\n' + text.slice(2560, 2900)));
    for (let i = 0; i < scratch.state.c.length; i++) assert.ok(Math.abs(near.state.c[i] - scratch.state.c[i]) < 1e-5);
    // Within reach, the states already read go on: typing at 2901 continues from 2900.
    const typed = text.slice(0, 2900) + 'x' + text.slice(2900);
    cache.invalidate('doc', 2900);
    const on = cache.stateAt('doc', typed, 2901)!;
    const onScratch = readContext(model, model.vocabulary.encode('\n' + typed.slice(2560, 2901)));
    for (let i = 0; i < onScratch.state.c.length; i++) assert.ok(Math.abs(on.state.c[i] - onScratch.state.c[i]) < 1e-5);
  });
});
