// The `cellscope` command line as a user runs it: the built dist/cli.js on the fixture C
// project, checking outputs, files and exit statuses (run `npm run build` first; `npm test`
// does).

import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCheckpointFile } from '../src/files/checkpointFile';
import { encodeCheckpoint } from '../src/model/checkpoint';
import { crc32 } from '../src/util/crc32';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const PROJECT = path.resolve(__dirname, 'fixtures', 'cproject');
const TINY = ['--hidden', '16', '--layers', '1', '--batch', '4', '--steps', '16'];

/** A model file with its header edited and a valid checksum: a crafted model (layout in src/model/checkpoint.ts). */
function withHeader(bytes: Uint8Array, edit: (header: { config: Record<string, unknown> }) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset), length = view.getUint32(12, true), dataStart = (16 + length + 3) & ~3;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header)), start = (16 + json.length + 3) & ~3, data = bytes.subarray(dataStart, bytes.length - 4);
  const out = new Uint8Array(start + data.length + 4), outView = new DataView(out.buffer);
  out.set(bytes.subarray(0, 12));
  outView.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(data, start);
  outView.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function run(...args: string[]) {
  return runWith({}, ...args);
}

/** Runs the CLI with spawn options (a user, a shorter timeout: a hang fails the test instead of stalling it). */
function runWith(options: { uid?: number; gid?: number; timeout?: number }, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cellscope CLI', function () {
  this.timeout(120_000);
  let dir: string, model: string;
  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-cli-'));
    model = path.join(dir, 'c.model');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('train: learns the folder, reports held-out bpc and a sample, saves the model', () => {
    const r = run('train', PROJECT, '--out', model, '--seconds', '2', ...TINY);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /8 files \(1 held out\) from /);
    assert.match(r.stdout, /held-out \d\.\d{3} bpc/);
    assert.match(r.stdout, /--- sample at step \d+ ---/);
    const cp = loadCheckpointFile(model);
    assert.deepEqual(cp.config.hidden, 16);
    assert.ok(cp.training.step > 0 && cp.training.history.length === 1);
  });

  it('train: resumes an existing model where it stopped', () => {
    const before = loadCheckpointFile(model).training.step;
    const r = run('train', PROJECT, '--out', model, '--seconds', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`resuming .* at step ${before}:`));
    assert.ok(loadCheckpointFile(model).training.step > before);
  });

  it('eval: held-out bits per character as one JSON line', () => {
    const r = run('eval', model, PROJECT);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['bpc', 'chars']);
    assert.equal(out.chars, fs.readFileSync(path.join(PROJECT, 'src/list.c'), 'utf8').length);
    assert.ok(out.bpc > 0 && out.bpc < 8);
  });

  it('eval: the document cache lowers the held-out bits per character; --no-cache gives the LSTM alone', () => {
    const cached = JSON.parse(run('eval', model, PROJECT).stdout), alone = JSON.parse(run('eval', model, PROJECT, '--no-cache').stdout);
    assert.equal(cached.chars, alone.chars);
    assert.ok(cached.bpc < alone.bpc, `${cached.bpc} with the cache, ${alone.bpc} without`);
  });

  it('score: bits per character with and without the cache, and a user typing held-out lines, as one JSON line', () => {
    const r = run('score', model, PROJECT, '--lines', '10', '--seed', '3');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    for (const key of ['bpc', 'bpc_static', 'chars_saved_tab', 'chars_saved_word', 'shown', 'acceptance', 'acceptance_word', 'exact_line', 'ms_p95']) assert.ok(key in out, key);
    assert.equal(out.lines, 10);
    assert.ok(out.bpc < out.bpc_static && out.bpc_static === JSON.parse(run('eval', model, PROJECT, '--no-cache').stdout).bpc);
    assert.ok(out.chars_saved_tab >= 0 && out.chars_saved_word >= out.chars_saved_tab && out.chars_saved_word < 1);
    assert.ok(out.keystrokes <= out.chars && out.shown <= out.keystrokes);
    assert.deepEqual(JSON.parse(run('score', model, PROJECT, '--lines', '10', '--seed', '3').stdout).chars_saved_tab, out.chars_saved_tab); // reproducible
    const alone = JSON.parse(run('score', model, PROJECT, '--lines', '10', '--seed', '3', '--no-cache').stdout);
    assert.equal(alone.bpc, alone.bpc_static);
  });

  it('sample: the prime and as many characters as asked, reproducible by seed', () => {
    const a = run('sample', model, '--prime', 'int ', '--length', '50', '--seed', '4');
    assert.equal(a.status, 0, a.stderr);
    assert.ok(a.stdout.startsWith('int '));
    assert.equal([...a.stdout].length, 4 + 50 + 1);
    assert.equal(run('sample', model, '--prime', 'int ', '--length', '50', '--seed', '4').stdout, a.stdout);
  });

  it('complete: beams best first, one line each', () => {
    const prefix = path.join(dir, 'prefix.c');
    fs.writeFileSync(prefix, 'int main(void)\n{\n\tif (');
    const r = run('complete', model, '--prefix-file', prefix, '--beam', '5', '--max', '30');
    assert.equal(r.status, 0, r.stderr);
    const beams = JSON.parse(r.stdout) as { text: string; logprob: number }[];
    assert.equal(beams.length, 5);
    for (const [i, b] of beams.entries()) {
      assert.deepEqual(Object.keys(b), ['text', 'logprob']);
      assert.ok(!b.text.includes('\n') && [...b.text].length <= 30);
      if (i > 0) assert.ok(b.logprob <= beams[i - 1].logprob);
    }
  });

  it('cells: the best cells for each label, scored, on the tree-sitter-labelled fixture', () => {
    const r = run('cells', model, PROJECT, '--chars', '3000');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.chars, 3000);
    assert.deepEqual(Object.keys(out.named), ['if', 'comment', 'string', 'depth', 'column']);
    assert.match(out.named.comment, /^comment cell L1#\d+, AUC 0\.\d\d$/);
    for (const ranked of Object.values(out.ranking) as { layer: number; index: number; score: number }[][]) {
      assert.ok(ranked.length === 10 && ranked.every((c, i) => c.layer === 1 && c.index < 16 && (i === 0 || c.score <= ranked[i - 1].score)));
    }
    const prose = fs.mkdtempSync(path.join(dir, 'prose-'));
    fs.writeFileSync(path.join(prose, 'notes.sh'), 'echo hi\n');
    const refused = run('cells', model, prose);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /no files in a language Cellscope can label/);
  });

  it('cells --select: the cells on in a comment, ranked against every comment of the file, and where the best are on together', () => {
    const file = path.join(PROJECT, 'src', 'list.c'), text = fs.readFileSync(file, 'utf8');
    const start = text.indexOf(' a singly'), end = text.indexOf(' */');
    const r = run('cells', model, file, '--select', `${start}:${end}`);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.kind, { kind: 'comment', instances: (text.match(/\/\*/g) ?? []).length });
    assert.deepEqual(out.searched, ['cell', 'input', 'forget', 'output']);
    assert.equal(out.threshold, 0.3);
    assert.equal(out.cells.length, 20, 'every cell is ranked for a syntax kind: the best 20 shown');
    out.cells.forEach((c: { layer: number; index: number; sign: number; fit: number; iou: number; local: number }, i: number) => {
      assert.ok(c.layer === 1 && c.index < 16 && Math.abs(c.sign) === 1 && c.fit >= 0.5 && c.fit <= 1 && [c.iou, c.local].every((x) => x >= 0 && x <= 1));
      if (i > 0) assert.ok(c.fit <= out.cells[i - 1].fit, 'best first');
    });
    for (const place of out.similar) {
      assert.ok(text.startsWith(place.text, place.offset), `${place.text} at ${place.offset}`);
      assert.equal(place.line, text.slice(0, place.offset).split('\n').length);
      assert.ok(place.offset + place.text.length <= start || place.offset >= end, 'not the selection itself');
    }
    const higher = JSON.parse(run('cells', model, file, '--select', `${start}:${end}`, '--threshold', '0.9').stdout);
    assert.equal(higher.threshold, 0.9);
    assert.deepEqual(higher.cells.map((c: { fit: number }) => c.fit), out.cells.map((c: { fit: number }) => c.fit), 'the AUC needs no threshold');
    assert.notDeepEqual(higher.cells.map((c: { iou: number }) => c.iou), out.cells.map((c: { iou: number }) => c.iou), 'what is on does');
  });

  it('surprise: the mean bits per character and the most surprising places of a file, with their lines', () => {
    const file = path.join(PROJECT, 'src', 'list.c'), text = fs.readFileSync(file, 'utf8');
    const r = run('surprise', model, file, '--places', '5');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.chars, [...text].length);
    assert.ok(out.bpc > 0.5 && out.bpc < 8, String(out.bpc));
    assert.equal(out.places.length, 5);
    out.places.forEach((p: { offset: number; line: number; column: number; char: string; bits: number }, i: number) => {
      assert.equal(p.char, text[p.offset]);
      assert.deepEqual([p.line, p.column], [text.slice(0, p.offset).split('\n').length, p.offset - text.lastIndexOf('\n', p.offset - 1)]);
      assert.ok(p.bits > out.bpc && (i === 0 || p.bits <= out.places[i - 1].bits));
    });
  });

  it('export and import: a model to safetensors and back, bit for bit', () => {
    const out = path.join(dir, 'c.safetensors'), back = path.join(dir, 'back.model');
    const r = run('export', model, out, '--with-optimizer');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wrote .*c\.safetensors \([\d,]+ bytes\)/);
    const i = run('import', out, '--out', back);
    assert.equal(i.status, 0, i.stderr);
    const [a, b] = [loadCheckpointFile(model), loadCheckpointFile(back)];
    assert.deepEqual([b.params, b.adamM, b.adamV, b.vocabulary, b.config], [a.params, a.adamM, a.adamV, a.vocabulary, a.config]);
    assert.equal(run('sample', back, '--seed', '4', '--length', '50').stdout, run('sample', model, '--seed', '4', '--length', '50').stdout);
  });

  it('train --cell gru and rnn: models of that cell, which eval, sample, complete, cells and bench read', () => {
    for (const cell of ['gru', 'rnn']) {
      const file = path.join(dir, `${cell}.model`);
      const r = run('train', PROJECT, '--out', file, '--cell', cell, '--seconds', '1', ...TINY);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`new model: ${cell.toUpperCase()} H16×1`));
      const cp = loadCheckpointFile(file);
      assert.deepEqual(cp.config, { vocab: cp.config.vocab, hidden: 16, layers: 1, cell });
      assert.ok(Object.keys(cp.training.history[0].saturation!).join() === (cell === 'gru' ? 'reset,update' : ''), 'the saturation of its own gates');
      assert.deepEqual(cp.training.history[0].gradientFlow!.map((layer) => layer.length), [16]);
      assert.match(run('eval', file, PROJECT, '--no-cache').stdout, /"bpc":\d/);
      assert.equal(run('sample', file, '--length', '20').status, 0);
      const prefix = path.join(dir, `${cell}-prefix.c`);
      fs.writeFileSync(prefix, 'int main(');
      assert.equal(JSON.parse(run('complete', file, '--prefix-file', prefix, '--beam', '3').stdout).length, 3);
      const cells = JSON.parse(run('cells', file, PROJECT, '--chars', '2000').stdout);
      assert.match(cells.named.comment, /^comment cell L1#\d+, AUC 0\.\d\d$/);
      const benched = JSON.parse(run('bench', '--corpus', PROJECT, '--cell', cell, '--seconds', '0.2', ...TINY).stdout);
      assert.deepEqual([benched.config.cell, benched.config.params], [cell, cp.params.length]);
    }
  });

  it('bench: the three speed figures and the config as one JSON line', () => {
    const r = run('bench', '--corpus', PROJECT, '--seconds', '0.5', ...TINY);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    for (const key of ['train_chars_per_s', 'step_ms_batch1', 'beam7_40_ms']) assert.ok(out[key] > 0, key);
    assert.equal(out.config.hidden, 16);
  });

  describe('bad input: exit status 2, one sentence, nothing good overwritten', () => {
    const refused = (r: ReturnType<typeof run>, pattern: RegExp) => {
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    };

    it('a missing folder', () => refused(run('train', '/no/such/dir', '--out', path.join(dir, 'x.model')), /\/no\/such\/dir is not a folder/));

    it('a folder with no usable files', () => {
      const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
      fs.writeFileSync(path.join(empty, 'notes.txt'), 'prose');
      refused(run('train', empty, '--out', path.join(dir, 'x.model')), /no usable source files/);
      assert.ok(!fs.existsSync(path.join(dir, 'x.model')));
    });

    it('a bad checkpoint is neither loaded nor overwritten', () => {
      const bad = path.join(dir, 'bad.model');
      fs.writeFileSync(bad, 'this is not a model');
      refused(run('train', PROJECT, '--out', bad, '--seconds', '1'), /bad\.model: not a Cellscope model/);
      assert.equal(fs.readFileSync(bad, 'utf8'), 'this is not a model');
      const truncated = path.join(dir, 'truncated.model');
      fs.writeFileSync(truncated, fs.readFileSync(model).subarray(0, 500));
      refused(run('eval', truncated, PROJECT), /truncated\.model: .*(truncated|damaged)/);
      refused(run('sample', path.join(dir, 'none.model')), /none\.model: cannot read the model/);
    });

    it('score: an empty folder, one without held-out files, a damaged model', () => {
      const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
      refused(run('score', model, empty), /no usable source files/);
      const trainOnly = fs.mkdtempSync(path.join(dir, 'train-only-'));
      fs.writeFileSync(path.join(trainOnly, 'a.c'), 'int main(void) { return 0; }\n'); // "a.c" is not in the held-out tenth
      refused(run('score', model, trainOnly), /has no held-out files/);
      fs.writeFileSync(path.join(dir, 'foreign.model'), 'PK\u0003\u0004 not a model at all');
      refused(run('score', path.join(dir, 'foreign.model'), PROJECT), /foreign\.model: not a Cellscope model/);
    });

    it('a different model shape asks for --fresh and keeps the file', () => {
      const before = fs.readFileSync(model);
      refused(run('train', PROJECT, '--out', model, '--hidden', '32'), /--hidden 16.*--fresh/);
      refused(run('train', PROJECT, '--out', model, '--cell', 'gru'), /was trained with --cell lstm; to train a different model add --fresh/);
      assert.deepEqual(fs.readFileSync(model), before);
      refused(run('train', PROJECT, '--out', model, '--cell', 'transformer'), /--cell is "transformer"; it must be one of lstm, gru, rnn\./);
    });

    it('a model whose cell type is unknown, or whose tensors do not fit its type, is refused by every command', () => {
      for (const [name, cell, pattern] of [
        ['unknown-cell', 'transformer', /unknown-cell\.model: its header is invalid \(config\.cell is "transformer", not one of lstm, gru, rnn\)/],
        ['lstm-as-gru', 'gru', /lstm-as-gru\.model: its header is invalid \(paramCount is \d+; the configuration has \d+\)/],
      ] as const) {
        const file = path.join(dir, `${name}.model`);
        fs.writeFileSync(file, withHeader(fs.readFileSync(model), (h) => Object.assign(h.config, { cell })));
        const bytes = fs.readFileSync(file);
        for (const args of [['eval', file, PROJECT], ['sample', file], ['train', PROJECT, '--out', file, '--seconds', '1']]) refused(runWith({ timeout: 10_000 }, ...args), pattern);
        assert.deepEqual(fs.readFileSync(file), bytes, 'nothing overwritten');
      }
    });

    it('special files: a .gitignore that is /dev/zero, a FIFO or a folder is passed over; a model path that is one is refused at once', () => {
      const ws = fs.mkdtempSync(path.join(dir, 'special-'));
      fs.cpSync(PROJECT, ws, { recursive: true });
      fs.symlinkSync('/dev/zero', path.join(ws, '.gitignore'));
      execFileSync('mkfifo', [path.join(ws, 'src', '.gitignore')]);
      fs.mkdirSync(path.join(ws, 'lib', '.gitignore'), { recursive: true });
      const r = runWith({ timeout: 10_000 }, 'train', ws, '--out', path.join(dir, 'special.model'), '--seconds', '0.5', ...TINY);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /8 files \(1 held out\)/);
      execFileSync('mkfifo', [path.join(dir, 'fifo.model')]);
      for (const file of ['/dev/zero', path.join(dir, 'fifo.model'), ws]) {
        refused(runWith({ timeout: 10_000 }, 'sample', file), /cannot read the model \((not a regular file|a folder)/);
      }
    });

    it('unreadable files and folders are skipped and counted, not fatal', function () {
      // As root, permissions do not stop reads: run the CLI as nobody.
      const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const ws = fs.mkdtempSync(path.join(dir, 'unreadable-'));
      fs.cpSync(PROJECT, ws, { recursive: true });
      fs.writeFileSync(path.join(ws, 'src', 'locked.c'), 'int locked;');
      fs.chmodSync(path.join(ws, 'src', 'locked.c'), 0o000);
      fs.mkdirSync(path.join(ws, 'private'));
      fs.writeFileSync(path.join(ws, 'private', 'hidden.c'), 'int hidden;');
      fs.chmodSync(path.join(ws, 'private'), 0o000);
      for (const d of [dir, ws]) fs.chmodSync(d, 0o777);
      const out = path.join(dir, 'unreadable.model');
      const r = runWith({ ...asUser, timeout: 30_000 }, 'train', ws, '--out', out, '--seconds', '0.5', ...TINY);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /8 files \(1 held out\).* 2 unreadable or not regular/);
      const e = runWith({ ...asUser, timeout: 30_000 }, 'eval', out, ws);
      assert.equal(e.status, 0, e.stderr);
    });

    it('a model too large for the memory names the flag and the largest size that fits', () => {
      refused(run('bench', '--corpus', PROJECT, '--hidden', '4096', '--seconds', '0.1'), /hidden size 4096 needs about 4\.\d GiB .*; the largest --hidden that fits is \d+\./);
      refused(run('bench', '--corpus', PROJECT, '--layers', '16', '--batch', '4096', '--steps', '4096'), /even at hidden size 8.*lower the layers/);
      const r = run('train', PROJECT, '--out', path.join(dir, 'big.model'), '--fresh', '--hidden', '2048', '--layers', '4', '--seconds', '0');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /note: hidden size 2048 needs about .* training hidden size \d+ instead/);
    });

    it('--out where nothing can be written is refused before training', () => {
      fs.writeFileSync(path.join(dir, 'a-file'), '');
      refused(runWith({ timeout: 10_000 }, 'train', PROJECT, '--out', path.join(dir, 'a-file', 'm.model'), '--seconds', '600', ...TINY), /m\.model: the model cannot be saved there \(.*\)\. Make the folder writable, or choose another\./);
    });

    it('a crafted model (valid checksum, hostile header) is refused by every command, at once', () => {
      const good = loadCheckpointFile(model), crafted = path.join(dir, 'crafted.model');
      fs.writeFileSync(crafted, encodeCheckpoint({ ...good, training: { ...good.training, steps: 0 } }));
      for (const args of [['eval', crafted, PROJECT], ['sample', crafted], ['train', PROJECT, '--out', crafted, '--seconds', '1']]) {
        refused(runWith({ timeout: 10_000 }, ...args), /crafted\.model: its header is invalid \(training\.steps is 0, not a whole number from 1 to 4096\)/);
      }
    });

    it('a model trained elsewhere at the same time is refused, and the running training saves a whole model', async () => {
      const file = path.join(dir, 'shared.model');
      const first = spawn(process.execPath, [CLI, 'train', PROJECT, '--out', file, '--seconds', '600', ...TINY]);
      let stdout = '';
      await new Promise<void>((resolve) => first.stdout.on('data', (chunk) => (stdout += chunk) && /^step \d+/m.test(stdout) && resolve()));
      refused(runWith({ timeout: 10_000 }, 'train', PROJECT, '--out', file, '--seconds', '1', ...TINY), new RegExp(`shared\\.model is being trained by another Cellscope \\(process ${first.pid} `));
      first.kill('SIGINT');
      assert.equal(await new Promise((resolve) => first.on('exit', resolve)), 0);
      assert.ok(loadCheckpointFile(file).training.step > 0);
      assert.ok(!fs.existsSync(`${file}.lock`));
    });

    it('a damaged safetensors file is refused, and the model it would replace is untouched', () => {
      const out = path.join(dir, 'd.safetensors'), target = path.join(dir, 'kept.model');
      assert.equal(run('export', model, out).status, 0);
      fs.copyFileSync(model, target);
      const whole = fs.readFileSync(out);
      fs.writeFileSync(out, whole.subarray(0, whole.length - 100)); // torn at the end
      refused(run('import', out, '--out', target), new RegExp(`d\\.safetensors: its data end at byte ${whole.length}, the file at ${whole.length - 100}; it is not a safetensors file Cellscope can read\\.`));
      assert.deepEqual(fs.readFileSync(target), fs.readFileSync(model));
      refused(run('export', model, path.join(dir, 'x.bin')), /writes a \.safetensors file/);
    });

    it('cells --select and surprise: a selection outside the file, a missing or special file', () => {
      const file = path.join(PROJECT, 'src', 'list.c'), length = fs.readFileSync(file, 'utf8').length;
      refused(run('cells', model, file, '--select', `10:${length + 1}`), new RegExp(`--select takes START:END, UTF-16 offsets with START < END <= ${length}`));
      refused(run('cells', model, file, '--select', '5:5'), /--select takes START:END/);
      refused(run('cells', model, file, '--select', '5-9'), /got "5-9"/);
      refused(run('surprise', model, '/no/such/file.c'), /cannot read the file \/no\/such\/file\.c: no such file/);
      refused(runWith({ timeout: 10_000 }, 'surprise', model, '/dev/zero'), /cannot read the file \/dev\/zero: not a regular file/);
      refused(run('cells', model, PROJECT, '--select', '0:4'), /cannot read the file .*cproject: a folder, not a file/);
    });

    it('a mistyped flag or number', () => {
      refused(run('train', PROJECT, '--out', model, '--hiden', '8'), /--hiden/);
      refused(run('sample', model, '--temperature', 'hot'), /--temperature must be a number/);
    });
  });

  it('Ctrl-C during training saves the model, then exits', async () => {
    const file = path.join(dir, 'interrupted.model');
    const child = spawn(process.execPath, [CLI, 'train', PROJECT, '--out', file, '--seconds', '600', ...TINY]);
    let stdout = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (/^step \d+/m.test(stdout)) resolve();
      });
    });
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(status, 0, stdout);
    assert.match(stdout, /stopping: saving the model[\s\S]*saved /);
    assert.ok(loadCheckpointFile(file).training.step > 0);
  });
});
