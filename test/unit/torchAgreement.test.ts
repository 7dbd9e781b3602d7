// Cellscope's models in PyTorch (torch/model.py), with Debian's python3-torch: an exported model
// (LSTM, GRU or RNN) gives PyTorch the logits, gate saturation and gradient flow Cellscope
// computes, and a model PyTorch writes imports bit for bit.
// Skipped, and said so, where python3-torch is not installed (`npm run bench:anchor` installs it).

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportModel, importModel } from '../../src/files/modelExchange';
import { decodeSafetensors } from '../../src/files/safetensors';
import { Arena } from '../../src/model/arena';
import { corpusCommand } from '../../src/cli/corpusCommand';
import { readCorpus } from '../../src/files/corpus';
import { modelFromCheckpoint } from '../../src/model/model';
import { createActivations, networkForward } from '../../src/model/network';
import { evaluateDocuments } from '../../src/train/evaluate';
import { loadCheckpointFile } from '../../src/files/checkpointFile';
import type { TrainJob } from '../../src/protocol/trainProtocol';
import { PytorchTrainer } from '../../src/train/pytorchTrainer';
import type { TrainNotification } from '../../src/train/trainClient';
import { Trainer } from '../../src/train/trainer';
import { cellGates, CELL_TYPES } from '../../src/model/params';
import { gradientFlow } from '../../src/model/gradientFlow';
import { documentStart } from '../../src/model/inference';
import { saturationShares, traceStates } from '../../src/inspect/trace';

const TORCH_DIR = path.resolve(__dirname, '..', '..', 'torch');
const PYTHON = '/usr/bin/python3'; // Debian's, whose python3-torch this is
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { cwd: TORCH_DIR }).status === 0;

/** Runs Python code in torch/ (so that model.py imports), returning its stdout. */
const python = (code: string, ...args: string[]) => execFileSync(PYTHON, ['-c', code, ...args], { cwd: TORCH_DIR, encoding: 'utf8' });
const PROJECT = path.resolve(__dirname, '..', 'fixtures', 'cproject');
const SMALL = ['--hidden', '16', '--layers', '2', '--batch', '4', '--steps', '16', '--threads', '1', '--seconds', '600'];
/** torch/train.py on a corpus folder; its JSON lines. */
const train = (corpus: string, out: string, ...args: string[]) => execFileSync(PYTHON, [path.join(TORCH_DIR, 'train.py'), corpus, '--out', out, ...SMALL, ...args], { encoding: 'utf8' });

describe('models in PyTorch (torch/)', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    if (!hasTorch) {
      console.log(`    skipped: ${PYTHON} cannot import torch (Debian's python3-torch; npm run bench:anchor installs it)`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-torch-'));
  });

  for (const cell of CELL_TYPES) it(`gives an exported ${cell.toUpperCase()}'s logits for 2,000 characters as Cellscope computes them, within 1e-4`, () => {
    const source = fs.readFileSync(path.join(PROJECT, 'src', 'list.c'), 'utf8');
    const trainer = Trainer.fresh(source.repeat(4), [], { cell, hidden: 24, layers: 2, batch: 4, steps: 32, lr: 1e-2, seed: 7 }, Arena.plain());
    for (let i = 0; i < 20; i++) trainer.step();
    const model = trainer.model, text = source.repeat(3).slice(0, 2000), ids = model.vocabulary.encode(text), T = ids.length;
    const acts = createActivations(model.arena, model.config, 1, T);
    acts.inputs.set(ids);
    networkForward(model.p, acts);
    const file = path.join(dir, 'm.safetensors'), out = path.join(dir, 'logits.f32');
    fs.writeFileSync(file, exportModel(trainer.checkpoint(), false));
    fs.writeFileSync(path.join(dir, 'ids.json'), JSON.stringify([...ids]));
    python(`
import json, sys, torch, model
m, vocabulary, training, moments = model.load(sys.argv[1])
ids = torch.tensor(json.load(open(sys.argv[2])), dtype=torch.long).reshape(-1, 1)
with torch.no_grad():
    logits, _ = m(ids)
logits.reshape(-1).numpy().astype('<f4').tofile(sys.argv[3])
`, file, path.join(dir, 'ids.json'), out);
    const theirs = new Float32Array(fs.readFileSync(out).buffer.slice(0));
    assert.equal(theirs.length, acts.logits.length);
    let worst = 0;
    for (let i = 0; i < theirs.length; i++) worst = Math.max(worst, Math.abs(theirs[i] - acts.logits[i]));
    assert.ok(worst <= 1e-4, `largest difference ${worst}`);
  });

  for (const cell of CELL_TYPES) it(`measures an exported ${cell.toUpperCase()}'s gate saturation and gradient flow as Cellscope's trainer does (torch/figures.py)`, () => {
    const source = fs.readFileSync(path.join(PROJECT, 'src', 'list.c'), 'utf8');
    const trainer = Trainer.fresh(source.repeat(4), [], { cell, hidden: 24, layers: 2, batch: 4, steps: 16, lr: 1e-2, seed: 7 }, Arena.plain());
    for (let i = 0; i < 30; i++) trainer.step();
    const model = trainer.model, text = source.slice(0, 1500), T = 16;
    const ids = model.vocabulary.encode(source), streams = Array.from({ length: 3 }, (_, b) => ids.slice(100 + b * (T + 1), 100 + (b + 1) * (T + 1)));
    const ours = {
      saturation: saturationShares(traceStates(model, model.vocabulary.encode(text), documentStart(model), cellGates(cell))!),
      flow: gradientFlow(model, streams, trainer.grads).map((layer) => layer.map((x) => Number(x.toPrecision(3)))),
    };
    const file = path.join(dir, `figures-${cell}.safetensors`);
    fs.writeFileSync(file, exportModel(trainer.checkpoint(), false));
    fs.writeFileSync(path.join(dir, 'figures.json'), JSON.stringify({ text: [...model.vocabulary.encode(`\n${text}`)], streams: streams.map((s) => [...s]) }));
    const theirs = JSON.parse(python(`
import json, sys, torch, figures, model
m, vocabulary, training, moments = model.load(sys.argv[1])
given = json.load(open(sys.argv[2]))
print(json.dumps({"saturation": figures.gate_saturation(m, torch.tensor(given["text"])), "flow": figures.gradient_flow(m, torch.tensor(given["streams"]))}))
`, file, path.join(dir, 'figures.json'))) as typeof ours;
    assert.deepEqual(Object.keys(theirs.saturation), Object.keys(ours.saturation));
    for (const [gate, [low, high]] of Object.entries(ours.saturation)) {
      const [tLow, tHigh] = theirs.saturation[gate as keyof typeof ours.saturation]!;
      assert.ok(Math.abs(tLow - low) <= 2e-4 && Math.abs(tHigh - high) <= 2e-4, `${gate}: ours ${low}, ${high}; PyTorch's ${tLow}, ${tHigh}`);
    }
    assert.equal(theirs.flow.length, 2);
    theirs.flow.forEach((layer, l) => layer.forEach((x, k) => assert.ok(Math.abs(x - ours.flow[l][k]) <= 1e-2 * ours.flow[l][k], `layer ${l}, ${k} steps back: ours ${ours.flow[l][k]}, PyTorch's ${x}`)));
  });

  it('trains as the engine measures it: the held-out figure it prints is eval --no-cache of its model, within 0.005; it resumes an export', async () => {
    const corpus = path.join(dir, 'corpus'), out = path.join(dir, 'trained.safetensors');
    await corpusCommand([PROJECT, '--out', corpus]);
    const lines = train(corpus, out, '--max-steps', '40').trim().split('\n').map((l) => JSON.parse(l));
    const last = lines[lines.length - 1];
    assert.equal(last.step, 40);
    const cp = importModel(fs.readFileSync(out), out), model = modelFromCheckpoint(cp, Arena.plain());
    const heldOut = (await readCorpus(PROJECT)).files.filter((f) => f.heldOut).map((f) => ({ text: f.text, warmUp: 0 }));
    const measured = evaluateDocuments(model, heldOut, 32, 64).bpcStatic;
    assert.ok(Math.abs(measured - last.heldoutBpc) <= 0.005, `the trainer says ${last.heldoutBpc}, eval ${measured}`);
    // Each evaluation's figures for the dashboard, kept in the history as the engine keeps them.
    assert.equal([...last.sample].length, 200);
    assert.ok([...last.sample].every((ch: string) => cp.vocabulary.includes(ch)));
    assert.deepEqual(Object.keys(last.saturation), ['input', 'forget', 'output']);
    assert.deepEqual(last.gradientFlow.map((layer: number[]) => layer.length), [16, 16], 'a norm per layer per step of a training stretch');
    assert.deepEqual(cp.training.history[cp.training.history.length - 1], {
      step: 40, seconds: last.seconds, trainBpc: last.trainBpc, heldoutBpc: last.heldoutBpc, charsPerSecond: last.chars_per_s, sample: last.sample, saturation: last.saturation, gradientFlow: last.gradientFlow,
    });
    // Resumed from a Cellscope export with Adam's moments: the step count goes on.
    const exported = path.join(dir, 'exported.safetensors');
    fs.writeFileSync(exported, exportModel(cp, true));
    const resumed = train(corpus, path.join(dir, 'resumed.safetensors'), '--resume', exported, '--max-steps', '45').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(resumed[resumed.length - 1].step, 45);
    const history = importModel(fs.readFileSync(path.join(dir, 'resumed.safetensors')), 'resumed').training.history;
    assert.deepEqual(history.map((p) => p.gradientFlow !== undefined), [false, true], 'the newest point alone keeps its gradient flow');
  });

  for (const cell of ['gru', 'rnn'] as const) it(`trains a${cell === 'rnn' ? 'n' : ''} ${cell.toUpperCase()} with --cell ${cell}, which imports as one and scores as eval measures it`, async () => {
    const corpus = path.join(dir, `corpus-${cell}`), out = path.join(dir, `${cell}.safetensors`);
    await corpusCommand([PROJECT, '--out', corpus]);
    const lines = train(corpus, out, '--cell', cell, '--max-steps', '20').trim().split('\n').map((l) => JSON.parse(l));
    const cp = importModel(fs.readFileSync(out), out), last = lines[lines.length - 1];
    assert.equal(cp.config.cell, cell);
    const heldOut = (await readCorpus(PROJECT)).files.filter((f) => f.heldOut).map((f) => ({ text: f.text, warmUp: 0 }));
    const measured = evaluateDocuments(modelFromCheckpoint(cp, Arena.plain()), heldOut, 32, 64).bpcStatic;
    assert.ok(Math.abs(measured - last.heldoutBpc) <= 0.005, `the trainer says ${last.heldoutBpc}, eval ${measured}`);
  });

  it('trains on two processes (DDP, gloo) to the parameters one process reaches with the same global batch, within 1e-5 (started by torchrun)', async () => {
    const corpus = path.join(dir, 'corpus-ddp'), one = path.join(dir, 'one.safetensors'), two = path.join(dir, 'two.safetensors');
    await corpusCommand([PROJECT, '--out', corpus]);
    train(corpus, one, '--max-steps', '20');
    // torchrun itself; `--redirects 2 --tee 2` because torch 1.13's default "0" parses to None under Python 3.11's enums.
    const torchrun = spawnSync(PYTHON, ['-m', 'torch.distributed.run', '--nproc_per_node=2', '--master_port', String(29_500 + (process.pid % 400)), '--redirects', '2', '--tee', '2',
      path.join(TORCH_DIR, 'train.py'), corpus, '--out', two, ...SMALL, '--max-steps', '20'], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: '1' }, encoding: 'utf8' });
    assert.equal(torchrun.status, 0, torchrun.stderr);
    const [a, b] = [one, two].map((f) => decodeSafetensors(fs.readFileSync(f), f).tensors);
    for (const [name, t] of a) {
      if (name.startsWith('optimizer.')) continue;
      const u = b.get(name)!.data;
      t.data.forEach((x, i) => assert.ok(Math.abs(x - u[i]) <= 1e-5, `${name}[${i}]: ${x} vs ${u[i]}`));
    }
  });

  it('refuses a missing or empty corpus in one sentence, exit status 2', () => {
    const empty = path.join(dir, 'empty-corpus');
    fs.mkdirSync(empty);
    for (const [folder, pattern] of [['/no/such/corpus', /is not a corpus that cellscope corpus wrote/], [empty, /is not a corpus that cellscope corpus wrote/]] as const) {
      const r = spawnSync(PYTHON, [path.join(TORCH_DIR, 'train.py'), folder, '--out', path.join(dir, 'x.safetensors')], { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    fs.writeFileSync(path.join(empty, 'train.txt'), '');
    fs.writeFileSync(path.join(empty, 'heldout.json'), '[]');
    fs.writeFileSync(path.join(empty, 'vocabulary.json'), '[]');
    const r = spawnSync(PYTHON, [path.join(TORCH_DIR, 'train.py'), empty, '--out', path.join(dir, 'x.safetensors')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /train\.txt is empty: there is nothing to learn from/);
  });

  it('writes a model (with Adam state) that Cellscope imports bit for bit', () => {
    const file = path.join(dir, 'from-torch.safetensors');
    python(`
import sys, torch, model
torch.manual_seed(3)
m = model.CharLSTM(12, 8, 2)
m.init_cellscope(torch.Generator().manual_seed(3))
opt = torch.optim.Adam(m.parameters(), lr=2e-3)
logits, _ = m(torch.randint(0, 12, (16, 2)))
logits.sum().backward()
opt.step()
training = {"batch": 2, "steps": 16, "lr": 2e-3, "step": 1, "charsSeen": 32, "seconds": 0.1, "cursor": 16, "rng": [1, 2, 3, 4], "history": []}
model.save(sys.argv[1], m, list("abcdefghijk"), training, opt)
`, file);
    const cp = importModel(fs.readFileSync(file), file);
    assert.deepEqual(cp.config, { vocab: 12, hidden: 8, layers: 2 });
    assert.deepEqual(cp.vocabulary, [...'abcdefghijk']);
    assert.equal(cp.training.step, 1);
    assert.ok(cp.adamV.some((v) => v > 0), 'the moments came along');
    // Cellscope's own export of it holds the same tensors, in the same order, bit for bit.
    const [ours, theirs] = [exportModel(cp, true), fs.readFileSync(file)].map((bytes) => [...decodeSafetensors(bytes, 'x').tensors]);
    assert.deepEqual(ours, theirs);
  });

  describe('the extension training through it (cellscope.training.backend: pytorch)', () => {
    const ROOT = path.resolve(__dirname, '..', '..');
    before(function () {
      if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
        console.log('    skipped: dist/cli.js is missing (npm run build)');
        this.skip();
      }
    });
    const job = (checkpointPath: string, extra: Partial<TrainJob> = {}): TrainJob => ({
      folders: [{ path: PROJECT, include: [], exclude: [], maxFileBytes: 1e6 }], checkpointPath, fresh: false, seconds: 2, threads: 1,
      settings: { cell: 'lstm', hidden: 16, layers: 1, batch: 4, steps: 16, lr: 1e-2, seed: 1 }, ...extra,
    });

    it('trains, saves a model the engine loads, resumes it, and a cancel keeps the last checkpoint', async () => {
      const notes: TrainNotification[] = [], file = path.join(dir, 'ext', 'model.cellscope');
      const trainer = await PytorchTrainer.start(ROOT, PYTHON, (n) => notes.push(n));
      const first = await trainer.train(job(file));
      assert.ok(!first.cancelled && first.step > 0 && first.heldoutBpc !== null && first.files === 8);
      assert.deepEqual([...new Set(notes.map((n) => n.type))], ['didReadCorpus', 'didProgress', 'didEvaluate', 'didSample', 'didSave']);
      const evaluated = notes.find((n) => n.type === 'didEvaluate')!;
      assert.ok(evaluated.type === 'didEvaluate' && evaluated.point.saturation?.forget && evaluated.point.gradientFlow?.length === 1, 'the dashboard hears the gates\' saturation and the gradient flow');
      assert.equal(loadCheckpointFile(file).training.step, first.step);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['model.cellscope'], 'no lock and no copy of the corpus left behind');
      notes.length = 0;
      const second = await trainer.train(job(file));
      assert.ok(second.step > first.step);
      assert.ok(notes[0].type === 'didReadCorpus' && notes[0].resumedAtStep === first.step);
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 1500);
      const stopped = await trainer.train(job(file, { seconds: 600 }), abort.signal);
      assert.equal(stopped.cancelled, true);
      assert.equal(loadCheckpointFile(file).training.step, second.step);
    });

    it('says what to install when Python or torch is missing, and what a trainer that dies said; passes the threads setting', async () => {
      await assert.rejects(PytorchTrainer.start(ROOT, '/no/such/python3', () => {}), (e: Error) => /cannot run \/no\/such\/python3 .*Install torch .*cellscope\.training\.pythonPath.*builtin/.test(e.message));
      const fake = path.join(dir, 'dying-python');
      fs.writeFileSync(fake, '#!/bin/sh\ncase "$1" in -c) exit 0;; esac\necho "out of memory on the GPU" >&2\nexit 3\n', { mode: 0o755 });
      const trainer = await PytorchTrainer.start(ROOT, fake, () => {});
      await assert.rejects(trainer.train(job(path.join(dir, 'dying', 'model.cellscope'))), (e: Error) => /train\.py stopped \(exit status 3\): out of memory on the GPU\. The last checkpoint it wrote is kept\./.test(e.message));
      // cellscope.training.threads reaches torch: left to itself it takes every core, and two threads on two cores train 6× slower than one (docs/BENCHMARKS.md).
      const echoing = path.join(dir, 'echoing-python');
      fs.writeFileSync(echoing, '#!/bin/sh\ncase "$1" in -c) exit 0;; esac\necho "$*" >&2\nexit 3\n', { mode: 0o755 });
      await assert.rejects((await PytorchTrainer.start(ROOT, echoing, () => {})).train(job(path.join(dir, 'echoing', 'model.cellscope'), { threads: 3 })), (e: Error) => / --threads 3 /.test(e.message));
    });
  });
});
