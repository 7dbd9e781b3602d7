// The user simulation of `cellscope score`: keystrokes and acceptance counted exactly on a
// hand-set model, VS Code's next-word unit, lines sampled reproducibly after their
// indentation, and causality: changing only the text after the cursor changes nothing.

import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import { DEFAULT_COMPLETION_OPTIONS } from '../../src/complete/suggest';
import { nextWord, sampleLines, simulateTyping, type TypingFigures } from '../../src/complete/typingSimulation';
import { modelFromCheckpoint } from '../../src/model/model';
import { Trainer } from '../../src/train/trainer';
import { Rng } from '../../src/util/rng';
import { bigramModel } from './bigramModel';

const OPTIONS = { ...DEFAULT_COMPLETION_OPTIONS, minProbability: 0.3 };
const withoutTimes = (f: TypingFigures) => ({ ...f, milliseconds: f.milliseconds.length });

describe('typing simulation', () => {
  it('counts keystrokes, suggestions shown and right on a model whose suggestions are known', () => {
    // After a newline the model is sure of "f"; then "(" (0.6, and the rest of "f(x);" sure) or "g" (0.4).
    const model = bigramModel(['f', '(', 'x', ')', ';', '\n', 'g'], {
      '\n': { f: 1 }, f: { '(': 0.6, g: 0.4 }, '(': { x: 1 }, x: { ')': 1 }, ')': { ';': 1 }, ';': { '\n': 1 }, g: { '\n': 1 },
    });
    const files = ['f(x);\nf(x);\n'], line = [{ file: 0, start: 6, end: 11 }];
    // minProbability 0.3: "f(x);" (0.6) is shown whole at the line start, and Tab takes it.
    const sure = simulateTyping(model, files, line, { ...OPTIONS, cache: false }, null);
    assert.deepEqual(withoutTimes(sure), { lines: 1, chars: 5, keystrokes: 1, keystrokesWord: 1, shown: 1, rightTab: 1, rightWord: 1, exactLines: 1, milliseconds: 1 });
    // 0.7: only "f" is sure (Tab), after it nothing (the user types "("), then "x)" (Tab: a suggestion
    // ends at the bracket its line opened), then ";" (Tab): 4 keystrokes for 5 characters.
    const unsure = simulateTyping(model, files, line, { ...OPTIONS, cache: false, minProbability: 0.7 }, null);
    assert.deepEqual(withoutTimes(unsure), { lines: 1, chars: 5, keystrokes: 4, keystrokesWord: 4, shown: 3, rightTab: 3, rightWord: 3, exactLines: 0, milliseconds: 4 });
  });

  it("takes VS Code's next word: a word at the start, else what comes before the first word", () => {
    assert.equal(nextWord('frob_count = 0;'), 'frob_count');
    assert.equal(nextWord('(x, y)'), '(');
    assert.equal(nextWord(' = 0;'), ' ');
    assert.equal(nextWord('->next;'), '->');
    assert.equal(nextWord(');'), ');');
  });

  it('samples lines reproducibly, in file order, from after their indentation', () => {
    const files = ['int a;\n\tif (a) {\n\t\treturn a;\n\t}\n', 'x\n    y = f(z);\n'];
    const lines = sampleLines(files, 3, new Rng(5));
    assert.deepEqual(lines, sampleLines(files, 3, new Rng(5)));
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(files[l.file].slice(l.start, l.end), /^\S.{3,}\S$/);
    assert.deepEqual(lines, [...lines].sort((a, b) => a.file - b.file || a.start - b.start));
  });

  it('never reads the text after the cursor: changing it changes no figure', () => {
    const text = 'static int count_widgets(struct widget *w)\n{\n\tint n = 0;\n\twhile (w) {\n\t\tn++;\n\t\tw = w->next;\n\t}\n\treturn n;\n}\n';
    const trainer = Trainer.fresh(text.repeat(10), [], { cell: 'lstm', hidden: 16, layers: 1, batch: 4, steps: 16, lr: 1e-2, seed: 2 }, Arena.plain());
    for (let i = 0; i < 100; i++) trainer.step();
    const model = modelFromCheckpoint(trainer.checkpoint(), Arena.plain());
    const files = [text.repeat(3), text.repeat(2)];
    const lines = sampleLines(files, 6, new Rng(1));
    const options = { ...OPTIONS, cache: true, minProbability: 0.1 };
    const before = simulateTyping(model, files, lines, options, null);
    // Everything after each file's last typed line, replaced: the future of every cursor.
    const changed = files.map((f, i) => {
      const last = Math.max(...lines.filter((l) => l.file === i).map((l) => l.end));
      return f.slice(0, last) + '\n/* something else entirely */ int other(void);\n';
    });
    assert.deepEqual(withoutTimes(simulateTyping(model, changed, lines, options, null)), withoutTimes(before));
    assert.ok(before.shown > 0);
  });
});
