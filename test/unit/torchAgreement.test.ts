// Cellscope's models in PyTorch (torch/model.py), with Debian's python3-torch: an exported model
// gives PyTorch the logits Cellscope computes, and a model PyTorch writes imports bit for bit.
// Skipped, and said so, where python3-torch is not installed (`npm run bench:anchor` installs it).

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportModel, importModel } from '../../src/files/modelExchange';
import { decodeSafetensors } from '../../src/files/safetensors';
import { Arena } from '../../src/model/arena';
import { createActivations, networkForward } from '../../src/model/network';
import { Trainer } from '../../src/train/trainer';

const TORCH_DIR = path.resolve(__dirname, '..', '..', 'torch');
const PYTHON = '/usr/bin/python3'; // Debian's, whose python3-torch this is
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { cwd: TORCH_DIR }).status === 0;

/** Runs Python code in torch/ (so that model.py imports), returning its stdout. */
const python = (code: string, ...args: string[]) => execFileSync(PYTHON, ['-c', code, ...args], { cwd: TORCH_DIR, encoding: 'utf8' });

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

  it("gives an exported model's logits for 2,000 characters as Cellscope computes them, within 1e-4", () => {
    const source = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'cproject', 'src', 'list.c'), 'utf8');
    const trainer = Trainer.fresh(source.repeat(4), [], { hidden: 24, layers: 2, batch: 4, steps: 32, lr: 1e-2, seed: 7 }, Arena.plain());
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
});
