// Beam search on a model with hand-set weights whose next-character probabilities are known
// exactly: a one-layer LSTM that remembers only its last input (a bigram model).

import * as assert from 'node:assert/strict';
import { beamSearch } from '../../src/complete/beamSearch';
import type { Model } from '../../src/model/model';
import { paramCount, paramViews } from '../../src/model/params';
import { sampleId } from '../../src/model/sampler';
import { Vocabulary } from '../../src/model/vocabulary';

const BIG = 30; // saturates sigmoid and tanh to 1 within 1e-13

/** P(next | previous) = probs[previous][next] over `chars` (the unknown id gets ~0). */
function bigramModel(chars: string[], probs: Record<string, Record<string, number>>): Model {
  const vocabulary = new Vocabulary(chars);
  const V = vocabulary.size, H = V, config = { vocab: V, hidden: H, layers: 1 };
  const params = new Float32Array(paramCount(config));
  const p = paramViews(params, config), l = p.layers[0];
  for (let j = 0; j < H; j++) {
    l.biasIh[j] = BIG; // i = 1
    l.biasIh[H + j] = -BIG; // f = 0: forget the past
    l.weightIh[(2 * H + j) * V + j] = BIG; // g = 1 on the unit of the input, 0 elsewhere
    l.biasIh[3 * H + j] = BIG; // o = 1, so h = tanh(1) on that unit
  }
  for (const [prev, row] of Object.entries(probs)) {
    const j = vocabulary.id(prev);
    for (let v = 0; v < V; v++) p.outWeight[v * H + j] = Math.log(row[vocabulary.char(v)] ?? 1e-12) / Math.tanh(1);
  }
  return { config, vocabulary, params, p };
}

// After "a": "b" is likelier than "c", but every line through "b" is less likely than "c\n".
const STRAW_HAT = bigramModel(['a', 'b', 'c', 'd', 'e', '\n'], {
  a: { b: 0.6, c: 0.4 },
  b: { '\n': 0.4, a: 0.3, d: 0.3 },
  c: { '\n': 1 },
  d: { e: 1 },
  e: { '\n': 1 },
});

describe('beam search', () => {
  it('finds the line that greedy decoding misses', () => {
    const greedy = beamSearch(STRAW_HAT, 'a', { width: 1, maxChars: 10, stopChars: '\n' });
    assert.equal(greedy[0].text, 'b');
    const beams = beamSearch(STRAW_HAT, 'a', { width: 7, maxChars: 10, stopChars: '\n' });
    assert.equal(beams[0].text, 'c');
    assert.ok(Math.abs(beams[0].logprob - Math.log(0.4)) < 1e-5);
    assert.equal(beams[1].text, 'b');
    assert.ok(Math.abs(beams[1].logprob - Math.log(0.6 * 0.4)) < 1e-5);
    assert.equal(beams[2].text, 'bde');
    assert.ok(beams.every((b, i) => i === 0 || b.logprob <= beams[i - 1].logprob));
  });

  it('stops at the stop character, or at maxChars without one', () => {
    const beams = beamSearch(STRAW_HAT, 'a', { width: 3, maxChars: 10, stopChars: '\n' });
    assert.ok(beams.every((b) => b.finished && !b.text.includes('\n')));
    const capped = beamSearch(STRAW_HAT, 'a', { width: 3, maxChars: 4, stopChars: '' });
    assert.deepEqual(capped.map((b) => [[...b.text].length, b.finished]), [[4, false], [4, false], [4, false]], JSON.stringify(capped));
  });

  it('breaks ties deterministically: earlier beam, then smaller id', () => {
    const tie = bigramModel(['a', 'b', 'c', '\n'], { a: { b: 0.5, c: 0.5 }, b: { '\n': 1 }, c: { '\n': 1 } });
    for (let i = 0; i < 3; i++) assert.deepEqual(beamSearch(tie, 'a', { width: 2, maxChars: 5, stopChars: '\n' }).map((b) => b.text), ['b', 'c']);
  });

  it('returns what it has when asked to stop', () => {
    let steps = 0;
    const beams = beamSearch(STRAW_HAT, 'a', { width: 3, maxChars: 10, stopChars: '', shouldStop: () => ++steps > 2 });
    assert.ok(beams.every((b) => [...b.text].length === 2));
  });
});

describe('sampling', () => {
  it('draws by cumulative probability and falls back to the last id', () => {
    const logits = Float64Array.from([Math.log(0.2), Math.log(0.5), Math.log(0.3)]);
    assert.equal(sampleId(logits, 0, 3, 1, 0.1), 0);
    assert.equal(sampleId(logits, 0, 3, 1, 0.6), 1);
    assert.equal(sampleId(logits, 0, 3, 1, 0.95), 2);
    assert.equal(sampleId(logits, 0, 3, 1e-3, 0.0), 1); // near-zero temperature: the argmax
    assert.equal(sampleId(logits, 0, 3, 1, 1), 2);
  });
});
