// The surprise view's sums: the mean over the characters that have one, and the most surprising
// places kept apart, most surprising first.

import * as assert from 'node:assert/strict';
import { meanBits, surprisingPlaces } from '../../src/inspect/surprise';

describe('surprise view', () => {
  it('averages the known bits and lists the most surprising places, apart, most surprising first', () => {
    const bits = Float32Array.from([NaN, 1, 2, 9, 8.5, 1, 1, 1, 1, 1, 1, 1, 7, 1, 3]);
    assert.equal(meanBits(bits), (1 + 2 + 9 + 8.5 + 1 * 8 + 7 + 3) / 14);
    assert.deepEqual(surprisingPlaces(bits, 3, 4), [{ index: 3, bits: 9 }, { index: 12, bits: 7 }, { index: 7, bits: 1 }]);
    assert.deepEqual(surprisingPlaces(bits, 2, 1), [{ index: 3, bits: 9 }, { index: 4, bits: 8.5 }]);
    assert.ok(Number.isNaN(meanBits(Float32Array.of(NaN))));
  });
});
