// Cells for a selection, on hand-set activations with a known best cell: the ranking (local and
// over the file), thresholds at their edges, selections at the start and end of the file and
// empty ones, the places where chosen cells are on together, and the states the engine traces.

import * as assert from 'node:assert/strict';
import { Arena } from '../../src/model/arena';
import { byteBounds, documentStates, findSelectionCells, iou, searchedKinds, similarPlaces, MAX_STATE_BYTES, type Span } from '../../src/inspect/selectionCells';
import { traceText, type CellStates } from '../../src/inspect/trace';
import { codePointIndex, lineAndColumn, unitOffsets } from '../../src/inspect/textPositions';
import { documentStart, setRowState } from '../../src/model/inference';
import { createModel } from '../../src/model/model';
import { Rng } from '../../src/util/rng';
import { Vocabulary } from '../../src/model/vocabulary';
import { traceKinds } from '../../src/protocol/engineProtocol';
import { CELL_TYPES } from '../../src/model/params';
import { createActivations, networkForward } from '../../src/model/network';

const T = 40, OFF = 128; // v' = 0.004: off in either direction for any threshold above it
const ON = 255, LOW = 0; // v' = 1 and −1

/** States of one layer, kinds tanh(c) and input gate, 4 cells; `set(kind, cell, span, q)` writes a stretch. */
function states(...stretches: [kind: number, cell: number, span: Span, q: number][]): CellStates {
  const H = 4, kinds = ['cell', 'input'] as const, values = new Uint8Array(kinds.length * H * T).fill(OFF);
  for (const [k, j, { start, end }, q] of stretches) values.fill(q, (k * H + j) * T + start, (k * H + j) * T + end);
  return { steps: T, layers: 1, hidden: H, kinds, values, surprise: new Float32Array(T) };
}

const mask = (...spans: Span[]) => {
  const m = new Uint8Array(T);
  for (const { start, end } of spans) m.fill(1, start, end);
  return m;
};

describe('cells for a selection', () => {
  // Cell 0 is on exactly over [10, 20); cell 1 over [8, 24) (too wide); input gate 2 is low over
  // [10, 20) and at [30, 35); cell 3 is on for half the selection.
  const s = states([0, 0, { start: 10, end: 20 }, ON], [0, 1, { start: 8, end: 24 }, ON], [1, 2, { start: 10, end: 20 }, LOW], [1, 2, { start: 30, end: 35 }, LOW], [0, 3, { start: 10, end: 15 }, 200]);

  it('ranks the cell that is on inside and off around the selection first, then the looser ones', () => {
    const found = findSelectionCells(s, { start: 10, end: 20 }, 0.3);
    assert.deepEqual(found.map((c) => [c.kind, c.index, c.sign, c.local]), [
      ['cell', 0, 1, 1], ['input', 2, -1, round(10 / 15)], ['cell', 1, 1, round(10 / 16)], ['cell', 3, 1, 0.5],
    ]);
    assert.ok(found.every((c) => c.fit === c.local), 'without a syntax kind, the fit is the local IoU');
  });

  it('ranks every cell by its ROC AUC for the selection’s syntax kind over the file, whichever way it points, with its IoU beside it', () => {
    const target = mask({ start: 10, end: 20 }, { start: 30, end: 35 });
    const found = findSelectionCells(s, { start: 10, end: 20 }, 0.3, target);
    // Input gate 2 is low exactly over the kind; cell 0 misses [30, 35) (ties there count half); cell 1 spills over.
    assert.deepEqual(found.slice(0, 4).map((c) => [c.kind, c.index, c.sign, c.fit, c.iou]), [
      ['input', 2, -1, 1, 1], ['cell', 0, 1, round(10 / 15 + 5 / 15 / 2), round(10 / 15)],
      ['cell', 1, 1, round((10 * (19 + 3) / 25 + 5 * 9.5 / 25) / 15), round(10 / 21)], ['cell', 3, 1, round(5 / 15 + 10 / 15 / 2), round(5 / 15)],
    ]);
    assert.equal(found.length, 8, 'every cell and gate kept, the ones that tell nothing at AUC 0.5');
    assert.ok(found.slice(4).every((c) => c.fit === 0.5));
    assert.equal(iou(s, { layer: 0, index: 1, kind: 'cell', sign: 1 }, 0.3, target), 10 / 21);
  });

  it('takes the threshold at its edges: 1 keeps only full values, 0 splits at the middle byte', () => {
    assert.deepEqual(byteBounds(1), { high: 255, low: 0 });
    assert.deepEqual(byteBounds(0), { high: 128, low: 127 });
    // Cell 3 (q = 200, v' = 0.57) is on at 0.5 but not at 0.6, nor at 1.
    assert.ok(findSelectionCells(s, { start: 10, end: 15 }, 0.5).some((c) => c.index === 3));
    assert.ok(!findSelectionCells(s, { start: 10, end: 15 }, 0.6).some((c) => c.index === 3));
    assert.deepEqual(findSelectionCells(s, { start: 10, end: 20 }, 1).map((c) => c.index), [0, 2, 1]);
    // At 0 every cell is on one way or the other (OFF = 128 counts as up).
    assert.equal(findSelectionCells(s, { start: 0, end: 5 }, 0).length, 8);
  });

  it('finds cells for selections at the very start and end of the file, and nothing for an empty one', () => {
    const edges = states([0, 2, { start: 0, end: 6 }, ON], [0, 0, { start: 34, end: 40 }, LOW]);
    assert.deepEqual(findSelectionCells(edges, { start: 0, end: 6 }, 0.3)[0], { layer: 0, index: 2, kind: 'cell', sign: 1, local: 1, fit: 1, iou: 1 });
    assert.deepEqual(findSelectionCells(edges, { start: 34, end: 40 }, 0.3)[0], { layer: 0, index: 0, kind: 'cell', sign: -1, local: 1, fit: 1, iou: 1 });
    assert.deepEqual(findSelectionCells(edges, { start: 7, end: 7 }, 0.3), []);
  });

  it('lists the places where the chosen cells are on together (their mean signed value at least ℓ), most of it first, leaving out the selection', () => {
    const chosen = [{ layer: 0, index: 0, kind: 'cell' as const, sign: 1 as const }, { layer: 0, index: 1, kind: 'cell' as const, sign: 1 as const }];
    const half = (1 + (OFF / 127.5 - 1)) / 2; // one cell full on, the other at OFF
    assert.deepEqual(similarPlaces(s, chosen, 0.3), [{ start: 8, end: 24, strength: round((10 + 6 * half) / 16) }]);
    assert.deepEqual(similarPlaces(s, chosen, 0.6), [{ start: 10, end: 20, strength: 1 }], 'at 0.6 one cell alone is not enough');
    assert.deepEqual(similarPlaces(s, chosen, 0.3, 20, { start: 12, end: 14 }), []);
    const input = { layer: 0, index: 2, kind: 'input' as const, sign: -1 as const }, weak = { layer: 0, index: 3, kind: 'cell' as const, sign: 1 as const };
    assert.deepEqual(similarPlaces(s, [input], 0.3, 20, { start: 10, end: 20 }), [{ start: 30, end: 35, strength: 1 }]);
    assert.deepEqual(similarPlaces(s, [input, weak], 0.3), [
      { start: 10, end: 20, strength: round((5 * (1 + 200 / 127.5 - 1) / 2 + 5 * half) / 10) }, { start: 30, end: 35, strength: round(half) },
    ]);
    assert.deepEqual(similarPlaces(s, [input, weak], 0.3, 1), [{ start: 10, end: 20, strength: round((5 * (1 + 200 / 127.5 - 1) / 2 + 5 * half) / 10) }]);
    assert.throws(() => similarPlaces(s, [{ layer: 0, index: 0, kind: 'forget', sign: 1 }], 0.3), /keep cell, input only/);
  });

  for (const cell of CELL_TYPES) it(`traces the states a trace of the whole document has, cell by cell, and keeps the state alone when the gates would not fit (${cell.toUpperCase()})`, () => {
    const vocabulary = new Vocabulary([...'abc {}\n']);
    const model = createModel(vocabulary, 6, 2, new Rng(3), Arena.create(undefined), cell);
    const text = 'ab {c}\nabc {}\n', ids = model.vocabulary.encode(text);
    const states = documentStates(model, text)!, trace = traceText(model, ids, documentStart(model))!;
    const kinds = traceKinds(cell), K = kinds.length;
    assert.deepEqual(states.kinds, kinds);
    assert.deepEqual(trace.kinds, kinds);
    // What each kind is, against the network's own buffers: the state (tanh(c), or h) and the gates where the layer keeps them.
    const acts = createActivations(model.arena, model.config, 1, ids.length);
    acts.inputs.set(ids);
    setRowState(acts, 0, documentStart(model).state);
    networkForward(model.p, acts);
    const G = { lstm: 4, gru: 3, rnn: 1 }[cell], block = { cell: -1, input: 0, forget: 1, output: 3, reset: 0, update: 1 };
    kinds.forEach((kind, k) => {
      const a = acts.layers[1], value = (t: number, j: number) => (kind === 'cell' ? (cell === 'lstm' ? a.tanhC : a.h)[t * 6 + j] : a.gates[(t * G + block[kind]) * 6 + j]);
      const q = (v: number) => Math.round(kind === 'cell' ? (v + 1) * 127.5 : v * 255);
      for (let t = 0; t < ids.length; t++) for (let j = 0; j < 6; j++) assert.equal(trace.values[((t * 2 + 1) * K + k) * 6 + j], q(value(t, j)), `${kind} t${t} j${j}`);
    });
    for (let t = 0; t < trace.steps; t++) {
      for (let l = 0; l < 2; l++) for (let k = 0; k < K; k++) for (let j = 0; j < 6; j++) {
        assert.equal(states.values[((l * K + k) * 6 + j) * trace.steps + t], trace.values[((t * 2 + l) * K + k) * 6 + j]);
      }
    }
    assert.deepEqual(states.surprise.map((b) => round(b)), trace.surprise.map((b) => round(b)), 'the LSTM alone gives the trace’s bits without a cache');
    const perChar = 2 * 6; // L × H bytes of tanh(c)
    assert.equal(searchedKinds(model, Math.floor(MAX_STATE_BYTES / (K * perChar))), kinds);
    if (K > 1) assert.deepEqual(searchedKinds(model, Math.floor(MAX_STATE_BYTES / (K * perChar)) + 1), ['cell']);
    assert.throws(() => searchedKinds(model, MAX_STATE_BYTES / perChar + 1), /too long to search with this model \(2 layers of 6 cells\).*at most 44,739,242 characters/);
  });

  it('converts between UTF-16 offsets, code points and lines', () => {
    const text = 'a😀b\ncd';
    const offsets = unitOffsets(text);
    assert.deepEqual([...offsets], [0, 1, 3, 4, 5, 6, 7]);
    assert.deepEqual([0, 1, 2, 3, 4, 7].map((o) => codePointIndex(offsets, o)), [0, 1, 1, 2, 3, 6]);
    assert.deepEqual(lineAndColumn(text, 6), { line: 2, column: 2 });
    assert.deepEqual(lineAndColumn(text, 0), { line: 1, column: 1 });
  });
});

const round = (x: number) => Math.round(x * 1e4) / 1e4;
