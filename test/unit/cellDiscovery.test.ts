// Cell discovery: AUC and correlation on known values, and the whole pipeline (trace,
// tree-sitter labels, ranking) finding a hand-set "code depth" cell that counts braces.

import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import { discoverCells } from '../../src/inspect/cellDiscovery';
import { auc, correlation, positions } from '../../src/inspect/cellScores';
import { SyntaxLabeler } from '../../src/inspect/syntaxLabels';
import { cellValues, gateSaturation, traceText } from '../../src/inspect/trace';
import type { Model } from '../../src/model/model';
import { paramCount, paramViews } from '../../src/model/params';
import { Vocabulary } from '../../src/model/vocabulary';
import { SOURCE_ASSETS } from './sourceAssets';

const CODE = 'int f(int a)\n{\n\tif (a) {\n\t\twhile (a) {\n\t\t\ta--;\n\t\t}\n\t}\n\treturn a;\n}\n';

/** One layer of 3 cells: cell 1 adds 0.46 at "{" and takes it away at "}", forgetting nothing. */
function braceCounter(): Model {
  const vocabulary = Vocabulary.fromText(CODE), V = vocabulary.size, H = 3, config = { vocab: V, hidden: H, layers: 1 };
  const params = new Float32Array(paramCount(config));
  const p = paramViews(params, config), l = p.layers[0];
  l.biasIh[1] = 30; // i = 1
  l.biasIh[H + 1] = 30; // f = 1
  l.weightIh[(2 * H + 1) * V + vocabulary.id('{')] = 0.5; // g = tanh(±0.5)
  l.weightIh[(2 * H + 1) * V + vocabulary.id('}')] = -0.5;
  return { config, vocabulary, params, p, arena: Arena.plain() };
}

describe('cell discovery', function () {
  this.timeout(20_000);

  it('computes AUC and correlation exactly', () => {
    assert.equal(auc(Uint8Array.from([1, 2, 3, 4]), positions(Uint8Array.from([0, 0, 1, 1]))), 1);
    assert.equal(auc(Uint8Array.from([4, 3, 2, 1]), positions(Uint8Array.from([0, 0, 1, 1]))), 0);
    assert.equal(auc(Uint8Array.from([5, 5, 5, 5]), positions(Uint8Array.from([0, 1, 0, 1]))), 0.5);
    assert.equal(auc(Uint8Array.from([1, 3, 2, 4]), positions(Uint8Array.from([0, 0, 1, 1]))), 0.75);
    assert.equal(auc(Uint8Array.from([1, 2, 3, 4, 5, 6, 7]), positions(Uint8Array.from([0, 0, 0, 1, 0, 1, 1]))), 11 / 12, 'a length that is no multiple of four');
    assert.ok(Math.abs(correlation([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
    assert.ok(Math.abs(correlation([1, 2, 3], [3, 2, 1]) + 1) < 1e-12);
    assert.equal(correlation([1, 1, 1], [1, 2, 3]), 0);
  });

  it('traces tanh(c), the gates and the next-character guesses', () => {
    const model = braceCounter();
    const trace = traceText(model, model.vocabulary.encode('{{}'))!;
    const c = cellValues(trace, 0, 1, 'cell');
    // c = i·g = tanh(0.5) per open brace; bytes hold tanh(c) to within 1/255.
    const g = Math.tanh(0.5);
    [Math.tanh(g), Math.tanh(2 * g), Math.tanh(g)].forEach((expected, t) => assert.ok(Math.abs(c[t] - expected) < 0.005, `${t}: ${c[t]}`));
    assert.ok(cellValues(trace, 0, 1, 'forget').every((f) => f === 1));
    assert.equal(trace.topIds.length, 15);
    // (L, 3, H, 2): cell 1's input and forget gates are always open (> 0.9), its output gate at 0.5.
    assert.deepEqual([...gateSaturation(trace).slice(0, 18)], [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.ok(Math.abs(trace.topProbs.slice(0, 5).reduce((a, b) => a + b, 0) - 5 / model.config.vocab) < 1e-5); // all logits 0: uniform
  });

  it('names the brace-counting cell the code-depth cell', async () => {
    const model = braceCounter();
    const labeler = await SyntaxLabeler.create(SOURCE_ASSETS);
    const found = await discoverCells(model, labeler, [{ text: CODE, language: 'c' }, { text: CODE, language: 'c' }], 10_000);
    assert.deepEqual([found!.chars, found!.files], [2 * [...CODE].length, 2]);
    const best = found!.ranking.depth[0];
    assert.deepEqual([best.layer, best.index, best.sign], [0, 1, 1]);
    assert.ok(best.score > 0.9, String(best.score));
    assert.equal(await discoverCells(model, labeler, [{ text: CODE, language: 'c' }], 10_000, () => true), undefined);
  });
});
