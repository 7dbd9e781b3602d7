// The checkpoint format and its file: round trips exactly, refuses every kind of bad file with
// a message naming it, and writes atomically.

import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, FORMAT_VERSION, type Checkpoint } from '../../src/model/checkpoint';
import { loadCheckpointFile, saveCheckpointFile } from '../../src/files/checkpointFile';
import { Trainer } from '../../src/train/trainer';
import { crc32 } from '../../src/util/crc32';

function sample(): Checkpoint {
  const trainer = Trainer.fresh('if (a) { b(); } /* c */\n'.repeat(20), [], { hidden: 8, layers: 2, batch: 2, steps: 8, lr: 1e-2, seed: 1 }, Arena.plain());
  trainer.step();
  return trainer.checkpoint();
}

const refuses = (bytes: Uint8Array, pattern: RegExp) =>
  assert.throws(() => decodeCheckpoint(bytes, '/models/x.model'), (err: Error) => {
    assert.ok(err instanceof CheckpointError, `${err}`);
    assert.match(err.message, /^\/models\/x\.model: /);
    assert.match(err.message, pattern);
    return true;
  });

describe('checkpoint format', () => {
  it('round-trips config, vocabulary, statistics and all four slabs exactly', () => {
    const cp = sample();
    const back = decodeCheckpoint(encodeCheckpoint(cp), 'x');
    assert.deepEqual(back.config, cp.config);
    assert.deepEqual(back.vocabulary, cp.vocabulary);
    assert.deepEqual(back.training, cp.training);
    assert.equal(cp.state.length, 2 * 2 * 2 * 8); // [L, 2, B, H]
    assert.ok(cp.state.some((x) => x !== 0));
    for (const k of ['params', 'adamM', 'adamV', 'state'] as const) assert.deepEqual(Array.from(back[k]), Array.from(cp[k]));
  });

  it('reads format 1 (no carried state) as a model whose streams start from zero', () => {
    const cp = sample(), bytes = encodeCheckpoint({ ...cp, state: new Float32Array(0) });
    // Format 1's header had no stateCount: blank it out (JSON allows the spaces) and re-sign.
    const text = new TextDecoder().decode(bytes), at = text.indexOf(',"stateCount":0');
    bytes.fill(0x20, at, at + ',"stateCount":0'.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(8, 1, true);
    view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
    const back = decodeCheckpoint(bytes, 'x');
    assert.deepEqual(Array.from(back.params), Array.from(cp.params));
    assert.equal(back.state.length, 0);
  });

  it('refuses a truncated file', () => {
    const bytes = encodeCheckpoint(sample());
    refuses(bytes.subarray(0, bytes.length - 100), /truncated/);
    refuses(bytes.subarray(0, 20), /truncated/);
  });

  it('refuses a tampered file', () => {
    const bytes = encodeCheckpoint(sample());
    bytes[bytes.length - 50] ^= 1;
    refuses(bytes, /damaged/);
  });

  it('refuses a foreign file', () => {
    refuses(new TextEncoder().encode('{"not": "a model"}'), /not a Cellscope model/);
    refuses(new Uint8Array(0), /not a Cellscope model/);
  });

  it('refuses a newer format with a hint to update', () => {
    const bytes = encodeCheckpoint(sample());
    new DataView(bytes.buffer).setUint32(8, FORMAT_VERSION + 1, true);
    refuses(bytes, /newer Cellscope.*Update/);
  });
});

describe('checkpoint file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-cp-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves atomically over the previous file and leaves no temporary behind', () => {
    const file = path.join(dir, 'm.model');
    const first = sample();
    saveCheckpointFile(file, first);
    const second = { ...first, training: { ...first.training, step: 99 } };
    saveCheckpointFile(file, second);
    assert.equal(loadCheckpointFile(file).training.step, 99);
    assert.deepEqual(fs.readdirSync(dir), ['m.model']);
  });

  it('leaves the previous file intact when a save fails', () => {
    const file = path.join(dir, 'm.model');
    saveCheckpointFile(file, sample());
    const before = fs.readFileSync(file);
    fs.mkdirSync(`${file}.tmp-${process.pid}`); // the temporary path is taken: the write fails
    assert.throws(() => saveCheckpointFile(file, sample()), /could not save the model.*unchanged/);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('names a missing file and says what to do', () => {
    assert.throws(() => loadCheckpointFile(path.join(dir, 'none.model')), /none\.model: cannot read the model \(no such file\)\. .*train/);
  });
});
