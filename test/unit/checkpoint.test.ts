// The checkpoint format and its file: round trips exactly, refuses every kind of bad file with
// a message naming it, and writes atomically.

import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, FORMAT_VERSION, type Checkpoint } from '../../src/model/checkpoint';
import { execFileSync } from 'node:child_process';
import { checkWritable, loadCheckpointFile, ModelSaveError, saveCheckpointFile } from '../../src/files/checkpointFile';
import { ModelBusyError, ModelLock } from '../../src/files/modelLock';
import { paramCount, paramLayout } from '../../src/model/params';
import { Rng } from '../../src/util/rng';
import { Trainer } from '../../src/train/trainer';
import { crc32 } from '../../src/util/crc32';

function sample(): Checkpoint {
  const trainer = Trainer.fresh('if (a) { b(); } /* c */\n'.repeat(20), [], { cell: 'lstm', hidden: 8, layers: 2, batch: 2, steps: 8, lr: 1e-2, seed: 1 }, Arena.plain());
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

  it('refuses a newer format with a hint to update, and calls a flipped bit in the version damage', () => {
    const bytes = encodeCheckpoint(sample());
    new DataView(bytes.buffer).setUint32(8, FORMAT_VERSION + 1, true);
    refuses(bytes, /damaged/); // the checksum is checked first
    refuses(resign(bytes), /newer Cellscope.*Update/);
  });

  it('refuses crafted headers with a valid checksum before allocating anything, in one sentence each', () => {
    const bytes = encodeCheckpoint(sample());
    const cases: [(h: any) => unknown, RegExp][] = [
      [() => null, /config or training missing/],
      [(h) => void (h.config.layers = 1e7), /config\.layers is 10000000, not a whole number from 1 to 16/],
      [(h) => void (h.config.hidden = 2.5), /config\.hidden/],
      [(h) => void (h.vocabulary[3] = 7), /distinct single characters/],
      [(h) => void (h.vocabulary[3] = h.vocabulary[4]), /distinct single characters/],
      [(h) => void (h.training.steps = 0), /training\.steps is 0/],
      [(h) => void (h.training = {}), /training\.batch/],
      [(h) => void (h.training.history = null), /training\.history/],
      [(h) => void (h.training.history = [{ step: 1, seconds: 1, trainBpc: 3, heldoutBpc: null, saturation: { input: [0.1, 2], forget: [0, 0], output: [0, 0] } }]), /training\.history/],
      [(h) => void (h.training.history = [{ step: 1, seconds: 1, trainBpc: 3, heldoutBpc: null, sample: 7 }]), /training\.history/],
      [(h) => void (h.training.rng = [1, 2]), /training\.rng/],
      [(h) => void (h.training.lr = -1), /training\.lr/],
      [(h) => void (h.paramCount += 1), /paramCount/],
      [(h) => void (h.stateCount = 5), /stateCount is 5/],
    ];
    for (const [edit, pattern] of cases) refuses(withHeader(bytes, edit), pattern);
  });

  it('counts the parameters a header must declare as the layout places them', () => {
    for (const config of [{ vocab: 2, hidden: 1, layers: 1 }, { vocab: 97, hidden: 8, layers: 2 }, { vocab: 256, hidden: 128, layers: 4 }]) {
      const last = paramLayout(config).at(-1)!;
      assert.equal(paramCount(config), last.offset + last.size);
    }
  });

  it('refuses parameters, moments or states that are not finite numbers', () => {
    const cp = sample();
    for (const [slab, value] of [['params', NaN], ['adamM', Infinity], ['adamV', -1], ['state', -Infinity]] as const) {
      const bad = { ...cp, [slab]: cp[slab].slice() };
      bad[slab][1] = value;
      refuses(encodeCheckpoint(bad), /not a finite number/);
    }
  });

  it('fuzzed: accepts nothing that is not a model the engine runs and trains on (crafted fields, bit flips)', function () {
    this.timeout(30_000);
    const rng = new Rng(77), pick = <T>(xs: readonly T[]): T => xs[rng.nextUint32() % xs.length];
    const base = encodeCheckpoint(sample()), text = 'if (a) { b(); } /* c */\n'.repeat(400);
    const values = [null, 0, -1, 1, 2, 3, 8, 1.5, 1e7, 2 ** 31, 2 ** 53, 'x', '', [], {}, true, [0, 0, 0, 0], ['a'], { step: 1 }];
    let accepted = 0;
    for (let i = 0; i < 400; i++) {
      let bytes: Uint8Array;
      if (i % 4 === 3) { // a bit flip anywhere, re-signed or not
        bytes = base.slice();
        bytes[rng.nextUint32() % bytes.length] ^= 1 << (rng.nextUint32() % 8);
        if (i % 8 === 7) bytes = resign(bytes);
      } else {
        bytes = withHeader(base, (h) => {
          const paths = leafPaths(h), path = pick(paths), last = path.pop()!;
          const parent = path.reduce((o: any, k) => o[k], h);
          if (rng.next() < 0.15) delete parent[last];
          else parent[last] = pick(values);
        });
      }
      let cp: Checkpoint;
      try {
        cp = decodeCheckpoint(bytes, 'fuzz');
      } catch (err) {
        assert.ok(err instanceof CheckpointError, `case ${i}: ${err}`);
        continue;
      }
      accepted++;
      // Accepted: it must sample, train a step and save, all in finite numbers.
      const trainer = Trainer.resume(cp, text, [], Arena.plain());
      assert.ok(Number.isFinite(trainer.step()), `case ${i}`);
      assert.ok(trainer.sample('if', 20, 1).length > 0);
      decodeCheckpoint(encodeCheckpoint(trainer.checkpoint()), 'again');
    }
    assert.ok(accepted > 10 && accepted < 300, `${accepted} accepted`); // both paths were taken
  });
});

/** Signs bytes again, as a crafted file would be. */
function resign(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** The checkpoint with its JSON header edited (in place, or replaced by what `edit` returns), validly signed. */
function withHeader(bytes: Uint8Array, edit: (header: any) => unknown): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset), length = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
  const edited = edit(header), json = new TextEncoder().encode(JSON.stringify(edited === undefined ? header : edited));
  const align = (n: number) => (n + 3) & ~3, data = bytes.subarray(align(16 + length), bytes.length - 4);
  const out = new Uint8Array(align(16 + json.length) + data.length + 4);
  out.set(bytes.subarray(0, 12));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(data, align(16 + json.length));
  return resign(out);
}

/** Every path to a value inside a JSON value (objects and arrays walked; long arrays sampled at their ends). */
function leafPaths(x: any, at: (string | number)[] = []): (string | number)[][] {
  if (typeof x !== 'object' || x === null) return [at];
  const keys: (string | number)[] = Array.isArray(x) ? [0, 1, x.length - 1].filter((k, i, a) => k >= 0 && a.indexOf(k) === i) : Object.keys(x);
  return [at, ...keys.flatMap((k) => leafPaths(x[k], [...at, k]))].filter((p) => p.length > 0);
}

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

  it('refuses a model path that is a device, a FIFO or a folder at once', () => {
    const fifo = path.join(dir, 'pipe.model');
    execFileSync('mkfifo', [fifo]);
    for (const file of ['/dev/zero', fifo, dir]) assert.throws(() => loadCheckpointFile(file), (e: Error) => e instanceof CheckpointError && /cannot read the model \((not a regular file|a folder)/.test(e.message));
  });

  it('removes the temporary files of saves that died, not those of a live process', () => {
    const file = path.join(dir, 'm.model'), dead = `${file}.tmp-999999999`, live = `${file}.tmp-${process.ppid}`;
    fs.writeFileSync(dead, 'torn');
    fs.writeFileSync(live, 'being written');
    saveCheckpointFile(file, sample());
    assert.deepEqual(fs.readdirSync(dir).sort(), ['m.model', path.basename(live)]);
  });

  it('locks a model for one training: a live process elsewhere holds it, a dead one or this process gives it up', () => {
    const file = path.join(dir, 'm.model'), lockFile = `${file}.lock`;
    const holdAs = (pid: number) => fs.writeFileSync(lockFile, JSON.stringify({ pid, host: os.hostname(), since: '2026-11-30T12:00:00.000Z' }));
    holdAs(process.ppid); // alive: the process that started this test
    assert.throws(() => ModelLock.acquire(file), (e: Error) => e instanceof ModelBusyError && new RegExp(`m\\.model is being trained by another Cellscope \\(process ${process.ppid} on .*since 2026-11-30T12:00:00\\.000Z\\); stop that training first`).test(e.message));
    holdAs(999_999_999); // a crashed training's
    const lock = ModelLock.acquire(file);
    assert.equal(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid, process.pid);
    ModelLock.acquire(file).release(); // this process's own (a stopped training thread's) is taken over
    assert.ok(!fs.existsSync(lockFile));
    lock.release();
    fs.writeFileSync(lockFile, '{"pid": '); // half-written
    ModelLock.acquire(file).release();
    // The host after its training thread is gone: its own lock goes, another process's stays.
    holdAs(process.pid);
    ModelLock.releaseIfHeldHere(file);
    assert.ok(!fs.existsSync(lockFile));
    holdAs(process.ppid);
    ModelLock.releaseIfHeldHere(file);
    assert.equal(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid, process.ppid);
    fs.rmSync(lockFile);
    ModelLock.releaseIfHeldHere(file); // no lock: nothing to do
  });

  it('finds out before training that a model cannot be saved where asked', () => {
    fs.writeFileSync(path.join(dir, 'file'), '');
    assert.throws(() => checkWritable(path.join(dir, 'file', 'm.model')), (e: Error) => e instanceof ModelSaveError && /cannot be saved there/.test(e.message));
    checkWritable(path.join(dir, 'sub', 'm.model'));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'sub')), []);
  });
});
