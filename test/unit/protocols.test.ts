// Every message of every protocol (host ↔ training worker, host ↔ engine worker, host ↔ panel)
// survives structuredClone, the copy postMessage makes. The samples are typed by the unions
// themselves: a message type added to a protocol without a sample here fails to compile.

import * as assert from 'node:assert/strict';
import { DEFAULT_COMPLETION_OPTIONS } from '../../src/complete/suggest';
import { HOST_TO_ENGINE, type EngineToHost, type HostToEngine } from '../../src/protocol/engineProtocol';
import { messageProblem, type UnionShapes } from '../../src/protocol/messageShape';
import { PANEL_TO_HOST, type HostToPanel, type PanelToHost } from '../../src/protocol/panelProtocol';
import { HOST_TO_TRAIN_WORKER, type HostToTrainWorker, type TrainWorkerToHost } from '../../src/protocol/trainProtocol';

/** At least one sample of each member of the union U, by its type. */
type Samples<U extends { type: string }> = { [K in U['type']]: [Extract<U, { type: K }>, ...Extract<U, { type: K }>[]] };

const cancelled = new Int32Array(new SharedArrayBuffer(4));
const files = { folders: [{ path: '/w', include: [], exclude: ['*.min.js'], maxFileBytes: 1e6 }] };
const cell = { layer: 1, index: 7, kind: 'forget' } as const;
const inspected = { values: Float32Array.of(0.5), topIds: Uint16Array.of(1, 2, 3, 4, 5), topProbs: new Float32Array(5), surprise: Float32Array.of(2.5), vocabulary: ['\uFFFD', 'a'], saturation: new Float32Array(12) };

const train: Samples<HostToTrainWorker | TrainWorkerToHost> = {
  train: [{ type: 'train', id: 1, job: { ...files, checkpointPath: '/m', fresh: false, settings: { cell: 'lstm', hidden: 8, layers: 1, batch: 2, steps: 8, lr: 0.01, seed: 1 }, seconds: 1, threads: 1 } }],
  cancel: [{ type: 'cancel', id: 1 }],
  didType: [{ type: 'didType' }],
  ready: [{ type: 'ready', protocolVersion: 2 }],
  reply: [
    { type: 'reply', id: 1, ok: true, value: { checkpointPath: 'm', step: 3, seconds: 1.5, heldoutBpc: null, files: 2, cancelled: false } },
    { type: 'reply', id: 1, ok: false, error: 'no files', code: 'noFiles' },
  ],
  didReadCorpus: [{ type: 'didReadCorpus', id: 1, summary: 's', skipped: { binary: 0, tooLarge: 0, generated: 1, secret: 2, unreadable: 0, invalidUtf8: 0, secretsMasked: 1 }, trainChars: 10, resumedAtStep: null, adjusted: 'hidden size 2048 …' }],
  didProgress: [{ type: 'didProgress', id: 1, step: 2, seconds: 1, budgetLeft: 3, charsPerSecond: 100, trainBpc: 4.5 }],
  didEvaluate: [{ type: 'didEvaluate', id: 1, point: { step: 2, seconds: 1, trainBpc: 4, heldoutBpc: 3.9 } }],
  didSample: [{ type: 'didSample', id: 1, step: 2, text: 'int\n' }],
  didSave: [{ type: 'didSave', id: 1, step: 2, path: '/x' }],
};

const engine: Samples<HostToEngine | EngineToHost> = {
  load: [{ type: 'load', id: 1, cancelled, path: '/m', workspace: null }, { type: 'load', id: 1, cancelled, path: '/m', workspace: files }],
  complete: [{ type: 'complete', id: 2, cancelled, request: { uri: 'file:///a.c', version: 3, length: 10, offset: 4, options: DEFAULT_COMPLETION_OPTIONS } }],
  inspect: [{ type: 'inspect', id: 3, cancelled, request: { uri: 'file:///a.c', version: 3, length: 10, start: 0, end: 5, cell, cache: false } }],
  discoverCells: [{ type: 'discoverCells', id: 4, cancelled, request: files }],
  findCells: [{ type: 'findCells', id: 5, cancelled, request: { uri: 'file:///a.c', version: 3, length: 10, start: 2, end: 6, languageId: 'c', threshold: 0.3 } }],
  findSimilar: [{ type: 'findSimilar', id: 6, cancelled, request: { uri: 'file:///a.c', version: 3, length: 10, start: 2, end: 6, languageId: 'c', threshold: 0.3, cells: [{ ...cell, sign: -1 }], workspace: files } }],
  didOpen: [{ type: 'didOpen', uri: 'file:///a.c', version: 1, text: 'int' }],
  didChange: [{ type: 'didChange', uri: 'file:///a.c', version: 2, changes: [{ offset: 1, length: 1, text: 'x' }] }],
  didClose: [{ type: 'didClose', uri: 'file:///a.c' }],
  ready: [{ type: 'ready', protocolVersion: 2 }],
  didProgress: [{ type: 'didProgress', id: 5, done: 50_000, total: 1_000_000 }],
  reply: [
    { type: 'reply', id: 3, ok: true, value: inspected },
    { type: 'reply', id: 4, ok: true, value: { chars: 10, files: 1, ranking: { if: [{ layer: 0, index: 1, score: 0.9, sign: 1 }], comment: [], string: [], depth: [], column: [] } } },
    { type: 'reply', id: 1, ok: true, value: { path: '/m', step: 3, cell: 'gru', hidden: 16, layers: 2, heldoutBpc: null } },
    { type: 'reply', id: 1, ok: true, value: null },
    { type: 'reply', id: 2, ok: true, value: [{ text: 'x)', probability: 0.5 }] },
    { type: 'reply', id: 2, ok: false, error: 'e', code: 'outOfSync' },
    { type: 'reply', id: 5, ok: true, value: { cells: [{ ...cell, sign: 1, fit: 0.9, iou: 0.85, local: 0.8 }], kind: { kind: 'comment', instances: 3 }, searched: ['cell'], chars: 10 } },
    { type: 'reply', id: 6, ok: true, value: { inFile: [{ file: null, offset: 4, line: 0, text: 'x', strength: 0.7 }], inWorkspace: [{ file: '/w/b.c', offset: 0, line: 2, text: 'y', strength: 0.5 }], sampleFiles: 1 } },
  ],
};

const panel: Samples<HostToPanel | PanelToHost> = {
  showMessage: [{ type: 'showMessage', text: 'Open a file' }],
  showCells: [{ type: 'showCells', cellType: 'lstm', layers: 2, hidden: 16, named: [{ label: 'if', title: 'if-statement cell', layer: 1, index: 3, score: 0.8, measure: 'AUC' }], status: '', cell: { ...cell, kind: 'cell' } }],
  showText: [{ type: 'showText', fileName: 'a.c', text: 'int', start: 0, line: 0, cell, note: '', ...inspected }],
  ready: [{ type: 'ready' }],
  pickCell: [{ type: 'pickCell', cell }],
  reveal: [{ type: 'reveal', offset: 2 }],
  showFound: [{ type: 'showFound', title: 'lines 3–4 of a.c', ranking: 'by IoU with the 5 comments in a.c', threshold: 0.3, cells: [{ ...cell, sign: -1, fit: 0.9, iou: 0.85, local: 0.8 }], byKind: true }],
  showSimilar: [{ type: 'showSimilar', inFile: [{ label: 'line 3', text: '/* x', strength: 0.9 }], inWorkspace: [], status: '' }],
  findCells: [{ type: 'findCells', threshold: 0.3 }],
  findSimilar: [{ type: 'findSimilar', cells: [{ ...cell, sign: 1 }] }],
  openPlace: [{ type: 'openPlace', list: 'inWorkspace', index: 0 }],
};

describe('protocols', () => {
  for (const [name, samples] of Object.entries({ train, engine, panel })) {
    it(`every ${name} message survives structuredClone`, () => {
      for (const m of Object.values(samples).flat()) assert.deepEqual(structuredClone(m), m);
    });
  }

  // Every message a side receives has a shape: the samples fit it, and any field of any of them
  // (nested ones too) given a wrong value does not.
  const received = [['engine', HOST_TO_ENGINE, engine], ['training worker', HOST_TO_TRAIN_WORKER, train], ['panel host', PANEL_TO_HOST, panel]] as [string, UnionShapes<{ type: string }>, object][];
  for (const [name, shapes, samples] of received) {
    it(`the ${name} accepts every message it receives and refuses each one with any field wrong`, () => {
      for (const type of Object.keys(shapes)) {
        for (const m of (samples as Record<string, object[]>)[type]) {
          assert.equal(messageProblem(shapes, m), null, `${type}: ${JSON.stringify(m)}`);
          for (const path of fieldPaths(m)) {
            const bad = structuredClone(m) as Record<string, unknown>, last = path.pop()!;
            (path.reduce((o: any, k) => o[k], bad) as Record<string, unknown>)[last] = { wrong: true };
            assert.notEqual(messageProblem(shapes, bad), null, `${type} with ${[...path, last].join('.')} wrong`);
          }
        }
      }
      for (const junk of [null, 7, 'load', [], {}, { type: 'bogus' }]) assert.notEqual(messageProblem(shapes, junk), null);
    });
  }
});

/** Paths to every field below the message's own (not `type`), through objects and the first item of lists. */
function fieldPaths(x: object, at: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [];
  for (const [k, v] of Object.entries(x)) {
    if (at.length === 0 && k === 'type') continue;
    const key = Array.isArray(x) ? Number(k) : k;
    if (Array.isArray(x) && key !== 0) continue;
    paths.push([...at, key]);
    if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) paths.push(...fieldPaths(v, [...at, key]));
  }
  return paths;
}
