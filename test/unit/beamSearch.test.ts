// Beam search on a model with hand-set weights whose next-character probabilities are known
// exactly (bigramModel.ts).

import * as assert from 'node:assert/strict';
import { beamSearch, runToMaxChars } from '../../src/complete/beamSearch';
import { suggestionEnd } from '../../src/complete/lineBoundary';
import { sampleId } from '../../src/model/sampler';
import { bigramModel, STRAW_HAT } from './bigramModel';

const END_OF_LINE = suggestionEnd('', 1);

describe('beam search', () => {
  it('finds the line that greedy decoding misses', () => {
    const greedy = beamSearch(STRAW_HAT, 'a', { width: 1, maxChars: 10, endsAt: END_OF_LINE });
    assert.equal(greedy[0].text, 'b');
    const beams = beamSearch(STRAW_HAT, 'a', { width: 7, maxChars: 10, endsAt: END_OF_LINE });
    assert.equal(beams[0].text, 'c');
    assert.ok(Math.abs(beams[0].logprob - Math.log(0.4)) < 1e-5);
    assert.equal(beams[1].text, 'b');
    assert.ok(Math.abs(beams[1].logprob - Math.log(0.6 * 0.4)) < 1e-5);
    assert.equal(beams[2].text, 'bde');
    assert.ok(beams.every((b, i) => i === 0 || b.logprob <= beams[i - 1].logprob));
  });

  it('stops at the stop character, or at maxChars without one', () => {
    const beams = beamSearch(STRAW_HAT, 'a', { width: 3, maxChars: 10, endsAt: END_OF_LINE });
    assert.ok(beams.every((b) => b.finished && !b.text.includes('\n')));
    const capped = beamSearch(STRAW_HAT, 'a', { width: 3, maxChars: 4, endsAt: runToMaxChars });
    assert.deepEqual(capped.map((b) => [[...b.text].length, b.finished]), [[4, false], [4, false], [4, false]], JSON.stringify(capped));
  });

  it('breaks ties deterministically: earlier beam, then smaller id', () => {
    const tie = bigramModel(['a', 'b', 'c', '\n'], { a: { b: 0.5, c: 0.5 }, b: { '\n': 1 }, c: { '\n': 1 } });
    for (let i = 0; i < 3; i++) assert.deepEqual(beamSearch(tie, 'a', { width: 2, maxChars: 5, endsAt: END_OF_LINE }).map((b) => b.text), ['b', 'c']);
  });

  it('returns what it has when asked to stop', () => {
    let steps = 0;
    const beams = beamSearch(STRAW_HAT, 'a', { width: 3, maxChars: 10, endsAt: runToMaxChars, shouldStop: () => ++steps > 2 });
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
