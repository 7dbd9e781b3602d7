import * as assert from 'node:assert/strict';
import { Vocabulary, UNKNOWN_ID } from '../../src/model/vocabulary';
import { crc32 } from '../../src/util/crc32';

describe('vocabulary', () => {
  it('orders characters by frequency, ties by code point, after the unknown id', () => {
    const v = Vocabulary.fromText('bbaac\u{1F600}\u{1F600}\u{1F600}');
    assert.deepEqual(v.chars, ['\u{1F600}', 'a', 'b', 'c']);
    assert.equal(v.size, 5);
    assert.deepEqual(Array.from(v.encode('ab\u{1F600}z')), [2, 3, 1, UNKNOWN_ID]);
    assert.equal(v.decode([2, 3, 1, UNKNOWN_ID]), 'ab\u{1F600}\uFFFD');
  });

  it('caps the characters it keeps', () => {
    const v = Vocabulary.fromText('aaabbc', 2);
    assert.deepEqual(v.chars, ['a', 'b']);
    assert.equal(v.id('c'), UNKNOWN_ID);
  });
});

describe('crc32', () => {
  it('matches zlib', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.from('kernel/fork.c')), 0x085da63f); // python3 -c "import zlib; print(hex(zlib.crc32(b'kernel/fork.c')))"
  });
});
