// File selection for training: .gitignore at every level, binary and size filters, invalid
// UTF-8, skipped folders, and the deterministic held-out split.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CorpusError, isHeldOut, readCorpus, splitText } from '../../src/train/corpus';
import { StreamBatcher } from '../../src/train/streamBatcher';

function tree(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-corpus-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe('corpus', () => {
  it('honours .gitignore files at every level and skips what is not source', () => {
    const root = tree({
      '.gitignore': 'build/\n*.gen.c\n',
      'main.c': 'int main;',
      'build/out.c': 'x',
      'parser.gen.c': 'x',
      'lib/.gitignore': 'secret.c\n/local.c\n',
      'lib/util.c': 'int u;',
      'lib/secret.c': 'x',
      'lib/local.c': 'x',
      'lib/deep/local.c': 'int d;', // "/local.c" anchors to lib/ only
      'node_modules/dep/index.js': 'x',
      '.git/HEAD.c': 'x',
      'notes.txt': 'prose',
      'Makefile': 'all:',
      'image.c': Buffer.from([0x69, 0x00, 0x6e]),
      'big.c': 'x'.repeat(200),
      'latin1.c': Buffer.from([0x63, 0xe9, 0x3b]),
    });
    const corpus = readCorpus(root, 100);
    assert.deepEqual(corpus.files.map((f) => f.path), ['Makefile', 'latin1.c', 'lib/deep/local.c', 'lib/util.c', 'main.c']);
    assert.deepEqual(corpus.skipped, { binary: 1, tooLarge: 1, invalidUtf8: 1 });
    assert.equal(corpus.files[1].text, 'c\uFFFD;');
  });

  it('holds out one file in ten by a CRC-32 of its path, as the PyTorch reference', () => {
    // Counted with Python: sum(zlib.crc32(f'src/file{i}.c'.encode()) % 10 == 0 for i in range(200))
    const names = Array.from({ length: 200 }, (_, i) => `src/file${i}.c`);
    assert.equal(names.filter(isHeldOut).length, 15);
    const root = tree(Object.fromEntries(names.slice(0, 30).map((n) => [n, `// ${n}\n`])));
    const { train, heldOut } = splitText(readCorpus(root));
    for (const n of names.slice(0, 30)) assert.ok((isHeldOut(n) ? heldOut : train).includes(`// ${n}`));
  });

  it('refuses a missing folder and a folder without source files, in one sentence', () => {
    assert.throws(() => readCorpus('/no/such/folder'), (e: Error) => e instanceof CorpusError && /is not a folder/.test(e.message));
    assert.throws(() => readCorpus(tree({ 'a.txt': 'prose' })), (e: Error) => e instanceof CorpusError && /no usable source files/.test(e.message));
  });
});

describe('stream batcher', () => {
  it('serves B contiguous streams, T steps at a time, time-major, and wraps', () => {
    const ids = Uint16Array.from({ length: 20 }, (_, i) => i);
    const batcher = new StreamBatcher(ids, 2, 3); // streams 0…9 and 10…19
    const inputs = new Uint16Array(6), targets = new Uint16Array(6);
    assert.equal(batcher.next(inputs, targets), false);
    assert.deepEqual(Array.from(inputs), [0, 10, 1, 11, 2, 12]);
    assert.deepEqual(Array.from(targets), [1, 11, 2, 12, 3, 13]);
    batcher.next(inputs, targets);
    assert.deepEqual(Array.from(inputs), [3, 13, 4, 14, 5, 15]);
    batcher.next(inputs, targets); // 6…8 → targets up to 9
    assert.equal(batcher.next(inputs, targets), true); // 9 + 3 + 1 > 10: wrap
    assert.deepEqual(Array.from(inputs), [0, 10, 1, 11, 2, 12]);
  });
});
