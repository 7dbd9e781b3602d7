// Training behaviour: initial loss ≈ ln V, a seeded run's first losses pinned, the history's
// figures at each evaluation (speed, sample, gate saturation), a tiny string overfitted, truncated BPTT carrying state exactly, a resumed run continuing its state, and
// the held-out figure training reports agreeing with `eval` on every held-out file.

import type { TrainSettings } from '../../src/protocol/trainProtocol';
import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/model/checkpoint';
import { readContext } from '../../src/model/inference';
import { createModel } from '../../src/model/model';
import { carryState, createActivations, networkForward, networkLoss } from '../../src/model/network';
import { Vocabulary } from '../../src/model/vocabulary';
import { Rng } from '../../src/util/rng';
import { evaluateDocuments } from '../../src/train/evaluate';
import { HELDOUT_SAMPLE_CHARS, Trainer, TrainingDivergedError } from '../../src/train/trainer';
import { trainLoop, type TrainEvent } from '../../src/train/trainLoop';
import { saturationShares } from '../../src/inspect/trace';

const TEXT = 'int main(void) {\n\tif (x > 0) {\n\t\treturn x; /* positive */\n\t}\n\treturn -x;\n}\n'.repeat(8);
const SMALL: TrainSettings = { cell: 'lstm', hidden: 16, layers: 2, batch: 4, steps: 16, lr: 1e-2, seed: 3 };

describe('training', () => {
  it('starts at a loss of about ln V (uniform predictions)', () => {
    const trainer = Trainer.fresh(TEXT, [], SMALL, Arena.plain());
    const bits = trainer.step();
    assert.ok(Math.abs(bits - Math.log2(trainer.model.config.vocab)) < 0.05, `first loss ${bits} bits, log2 V ${Math.log2(trainer.model.config.vocab)}`);
  });

  it('reproduces the first losses of a seeded run exactly', () => {
    const trainer = Trainer.fresh(TEXT, [], SMALL, Arena.plain());
    const losses = Array.from({ length: 4 }, () => trainer.step());
    const pinned = [4.8754141, 4.8543903, 4.8947971, 4.8405257]; // bits/char, from this seed
    losses.forEach((l, i) => assert.ok(Math.abs(l - pinned[i]) < 1e-5, `step ${i}: ${l} vs ${pinned[i]}`));
  });

  it('keeps in its history, at each evaluation, the speed, a sample and the gates\' saturation, and a checkpoint holds them', async () => {
    const trainer = Trainer.fresh(TEXT, [TEXT.slice(0, 300)], SMALL, Arena.plain());
    const events: TrainEvent[] = [];
    await trainLoop(trainer, { seconds: 0.3, signal: new AbortController().signal, save: () => {}, report: (e) => events.push(e) });
    const [point] = trainer.stats.history;
    assert.equal(trainer.stats.history.length, 1);
    assert.equal(point.sample, (events.find((e) => e.kind === 'sampled') as { text: string }).text);
    assert.equal([...point.sample!].length, 200);
    assert.ok(point.charsPerSecond! > 0);
    assert.deepEqual(point.saturation, trainer.gateSaturation(), 'measured on the held-out text, with the model as it is');
    for (const [left, right] of Object.values(point.saturation!)) assert.ok(left >= 0 && right >= 0 && left + right <= 1);
    assert.deepEqual(decodeCheckpoint(encodeCheckpoint(trainer.checkpoint()), 'm').training.history, trainer.stats.history);
  });

  it('measures the gates\' saturation as the share of values below 0.1 and above 0.9 over every cell and step', () => {
    // One layer, 2 cells, 4 steps; the gates' bytes: input all low; forget half high; output one of each.
    const values = Uint8Array.from([
      /* input  */ 0, 10, 20, 25, /**/ 0, 0, 0, 0,
      /* forget */ 255, 230, 100, 100, /**/ 240, 250, 128, 128,
      /* output */ 0, 255, 128, 128, /**/ 128, 128, 128, 128,
    ]);
    const states = { steps: 4, layers: 1, hidden: 2, kinds: ['input', 'forget', 'output'] as const, values, surprise: new Float32Array(4) };
    assert.deepEqual(saturationShares(states), { input: [1, 0], forget: [0, 0.5], output: [0.125, 0.125] });
  });

  it('overfits a tiny string', () => {
    const trainer = Trainer.fresh(TEXT, [], { ...SMALL, hidden: 32 }, Arena.plain());
    let bits = Infinity;
    for (let i = 0; i < 300; i++) bits = trainer.step();
    assert.ok(bits < 0.4, `after 300 steps: ${bits} bits/char`);
  });

  it('carries state across chunks exactly as one long forward (truncated BPTT)', () => {
    const model = createModel(Vocabulary.fromText(TEXT), 8, 2, new Rng(5), Arena.plain());
    const ids = model.vocabulary.encode(TEXT.slice(0, 41));
    const whole = createActivations(model.arena, model.config, 1, 40);
    whole.inputs.set(ids.subarray(0, 40));
    whole.targets.set(ids.subarray(1, 41));
    networkForward(model.p, whole);
    const chunk = createActivations(model.arena, model.config, 1, 10);
    let nats = 0;
    for (let pos = 0; pos < 40; pos += 10) {
      chunk.inputs.set(ids.subarray(pos, pos + 10));
      chunk.targets.set(ids.subarray(pos + 1, pos + 11));
      networkForward(model.p, chunk);
      nats += networkLoss(chunk) * 10;
      carryState(chunk);
    }
    assert.ok(Math.abs(nats / 40 - networkLoss(whole)) < 1e-6);
    const context = readContext(model, ids.subarray(0, 40));
    const H = model.config.hidden;
    for (let l = 0; l < 2; l++) {
      for (let j = 0; j < H; j++) assert.ok(Math.abs(context.state.c[l * H + j] - whole.layers[l].c[39 * H + j]) < 1e-6);
    }
  });

  it('resumed from a checkpoint, trains on exactly as a run that never stopped: parameters, moments, carried state, step and cursor', () => {
    const text = TEXT; // streams of several chunks: the state carried into the next is in the checkpoint
    const straight = Trainer.fresh(text, [], SMALL, Arena.plain()), first = Trainer.fresh(text, [], SMALL, Arena.plain());
    for (let i = 0; i < 5; i++) [straight.step(), first.step()];
    const resumed = Trainer.resume(decodeCheckpoint(encodeCheckpoint(first.checkpoint()), 'test.model'), text, [], Arena.plain());
    for (let i = 0; i < 5; i++) [straight.step(), resumed.step()];
    const [a, b] = [straight.checkpoint(), resumed.checkpoint()];
    assert.deepEqual(b.params, a.params);
    assert.deepEqual(b.adamM, a.adamM);
    assert.deepEqual(b.adamV, a.adamV);
    assert.deepEqual(b.state, a.state);
    assert.deepEqual(b.training, a.training);
    assert.equal(b.training.step, 10);
  });

  it('stops on a loss that is not a finite number, before the parameters or moments take it', () => {
    const trainer = Trainer.fresh(TEXT, [], SMALL, Arena.plain());
    trainer.step();
    trainer.model.p.outBias[2] = Infinity; // as a far too high learning rate ends
    const before = trainer.checkpoint(), params = before.params.slice(), moments = before.adamM.slice();
    assert.throws(() => trainer.step(), (e: Error) => e instanceof TrainingDivergedError && /diverged at step 2 .*lower the learning rate \(now 0\.01\)/.test(e.message));
    assert.deepEqual(trainer.model.params, params);
    assert.deepEqual(trainer.checkpoint().adamM, moments);
    assert.equal(trainer.stats.step, 1);
  });

  it('measures bits/char as computed by hand: a model whose prediction ignores its input', () => {
    // Every weight 0 and the output bias b: each character is predicted by softmax(b), whatever came before.
    const model = createModel(Vocabulary.fromText('aab'), 4, 1, new Rng(1), Arena.plain());
    model.params.fill(0);
    const b = model.p.outBias;
    b.forEach((_, v) => (b[v] = 0.7 * v - 1));
    const text = 'aabab', id = (c: string) => model.vocabulary.id(c);
    const prob = (c: string) => Math.exp(b[id(c)]) / Array.from(b).reduce((s, x) => s + Math.exp(x), 0);
    // Every character is scored, the first as the one after a newline (a document starts on a new line).
    const expected = [...text].reduce((s, c) => s - Math.log2(prob(c)), 0) / text.length;
    const measured = evaluateDocuments(model, [{ text, warmUp: 0 }], 1, 4).bpcStatic;
    assert.ok(Math.abs(measured - expected) < 1e-6, `${measured} vs ${expected}`);
    assert.ok(Math.abs(expected - -(3 * Math.log2(prob('a')) + 2 * Math.log2(prob('b'))) / 5) < 1e-12); // three a, two b
  });

  it("reports a held-out figure within 0.05 bits/char of eval's on all held-out files, however they differ", function () {
    this.timeout(60_000);
    // Held-out files from easy to hard, the easy one first and longer than the whole sample:
    // a figure from the first characters alone would read it and nothing else.
    const rng = new Rng(21), letters = 'abcdefghijklmnopqrstuvwxyz(){};=+ \n';
    const noise = (n: number) => Array.from({ length: n }, () => letters[rng.nextUint32() % letters.length]).join('');
    const easy = TEXT.repeat(Math.ceil((1.5 * HELDOUT_SAMPLE_CHARS) / TEXT.length)), hard = noise(HELDOUT_SAMPLE_CHARS / 2);
    const middling = Array.from({ length: 300 }, (_, i) => `\tif (x${i % 7} > ${i % 5}) y = ${noise(8)};\n`).join('');
    const heldOut = [easy, hard, middling];
    const trainer = Trainer.fresh(TEXT.repeat(10) + middling + noise(2_000), heldOut, { ...SMALL, hidden: 32 }, Arena.plain());
    for (let i = 0; i < 400; i++) trainer.step();
    const all = evaluateDocuments(trainer.model, heldOut.map((text) => ({ text, warmUp: 0 })), 32, 64).bpcStatic;
    const reported = trainer.evaluate()!;
    assert.ok(Math.abs(reported - all) < 0.05, `training reports ${reported}, eval gives ${all}`);
    const easyAlone = evaluateDocuments(trainer.model, [{ text: easy.slice(0, HELDOUT_SAMPLE_CHARS), warmUp: 0 }], 32, 64).bpcStatic;
    assert.ok(all - easyAlone > 0.5, `the files differ in difficulty (the easy one alone ${easyAlone}, all ${all})`);
  });
});
