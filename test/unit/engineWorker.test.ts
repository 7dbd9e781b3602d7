// The engine worker: its messages survive structured cloning; in a real worker thread it
// loads a model, mirrors a document through edits and suggests exactly what suggest() gives
// on the same text; it answers stale, unsynced and model-less requests by code, cancels a long
// request mid-search, and a killed worker rejects what was pending.

import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DocumentCache } from '../../src/complete/documentCache';
import { workspaceCounts } from '../../src/complete/documentCounts';
import { StateCache } from '../../src/complete/stateCache';
import { suggest } from '../../src/complete/suggest';
import { EngineClient } from '../../src/engine/engineClient';
import { EngineService } from '../../src/engine/engineService';
import type { CellDiscovery } from '../../src/protocol/engineProtocol';
import { cellValues, traceText } from '../../src/inspect/trace';
import { documentStates, findSelectionCells, similarPlaces } from '../../src/inspect/selectionCells';
import { SyntaxLabeler } from '../../src/inspect/syntaxLabels';
import { codePointIndex, unitOffsets } from '../../src/inspect/textPositions';
import { encodeCheckpoint } from '../../src/model/checkpoint';
import { readContext } from '../../src/model/inference';
import { modelFromCheckpoint } from '../../src/model/model';
import type { CompletionOptions, EngineToHost, FoundCells, HostToEngine, InspectResult, ModelInfo, SimilarPlaces, Suggestion } from '../../src/protocol/engineProtocol';
import type { WorkerError } from '../../src/protocol/workerClient';
import type { FileSelection } from '../../src/protocol/trainProtocol';
import { loadCheckpointFile, saveCheckpointFile } from '../../src/files/checkpointFile';
import { readCorpus } from '../../src/files/corpus';
import { Trainer } from '../../src/train/trainer';
import { repliesOf } from './rawWorker';
import { SOURCE_ASSETS } from './sourceAssets';

const PROJECT = path.resolve(__dirname, '..', 'fixtures', 'cproject');

const WORKER = path.resolve(__dirname, '..', '..', 'src', 'engine', 'engineWorker.ts');
const ROOT = path.resolve(__dirname, '..', '..');
const createWorker = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true, workerData: { root: ROOT } });
const OPTIONS: CompletionOptions = { beamWidth: 5, maxChars: 30, maxLines: 1, minProbability: 1e-4, alternatives: 3, cache: false };
/** An engine service in this thread, every message through structuredClone as a port would; `ask` gives a request's value or throws its error. */
function inProcessEngine() {
  const replies: EngineToHost[] = [];
  const service = new EngineService((m) => replies.push(structuredClone(m)), SOURCE_ASSETS);
  const ask = async (m: HostToEngine & { id: number }) => {
    service.handle(structuredClone(m));
    let reply: EngineToHost | undefined;
    while (!(reply = replies.find((r) => r.type === 'reply' && r.id === m.id))) await new Promise((r) => setTimeout(r, 5));
    assert.ok(reply.type === 'reply');
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  };
  return { service, ask, replies, flag: () => new Int32Array(new SharedArrayBuffer(4)) };
}

const TEXT = 'int main(void) {\n\tif (x > 0) {\n\t\treturn f(x);\n\t}\n\treturn 0;\n}\n'.repeat(8);
const codeOf = (code: string) => (e: WorkerError<string>) => e.code === code;
/** The same suggestions; probabilities to float precision (the worker may run the SIMD kernels, this test the TypeScript ones). */
function assertSameSuggestions(actual: Suggestion[], expected: Suggestion[]): void {
  assert.deepEqual(actual.map((s) => s.text), expected.map((s) => s.text));
  actual.forEach((s, i) => assert.ok(Math.abs(s.probability - expected[i].probability) <= 1e-5 * expected[i].probability, `${s.probability} vs ${expected[i].probability}`));
}

describe('engine worker', function () {
  this.timeout(60_000);
  let dir: string, modelPath: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-engine-'));
    modelPath = path.join(dir, 'model.cellscope');
    const trainer = Trainer.fresh(TEXT, [], { cell: 'lstm', hidden: 16, layers: 2, batch: 4, steps: 16, lr: 1e-2, seed: 1 }, Arena.plain());
    for (let i = 0; i < 200; i++) trainer.step();
    saveCheckpointFile(modelPath, trainer.checkpoint());
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));


  it('mirrors a document through edits and suggests what suggest() gives on the same text, with the document cache and without', async () => {
    const model = modelFromCheckpoint(loadCheckpointFile(modelPath), Arena.plain());
    const workspace: FileSelection = { folders: [{ path: PROJECT, include: [], exclude: [], maxFileBytes: 1e6 }] };
    const projectTexts = (await readCorpus(PROJECT)).files.map((f) => f.text);
    // What the engine should say: the same text read afresh, its cache counted afresh.
    const expected = (text: string, offset: number, options: CompletionOptions) => {
      const documents = new DocumentCache(model.vocabulary, workspaceCounts(model.vocabulary, projectTexts));
      documents.didOpen('d', text, undefined);
      const levels = options.cache ? documents.levelsAt('d', text, offset, () => undefined) : [];
      return suggest(model, new StateCache(model), levels, 'd', text, offset, options, () => false);
    };
    const engine = await EngineClient.start(createWorker);
    try {
      const uri = 'file:///w/main.c';
      await assert.rejects(engine.complete({ uri, version: 1, length: 0, offset: 0, options: OPTIONS }), codeOf('noModel'));
      assert.equal(await engine.load(path.join(dir, 'missing.cellscope'), workspace), null);
      const info = await engine.load(modelPath, workspace);
      assert.deepEqual(info && [info.step, info.hidden, info.layers], [200, 16, 2]);
      let text = TEXT.slice(0, 200);
      engine.didOpen(uri, 1, text);
      const at = (version: number, offset: number, options = OPTIONS) => engine.complete({ uri, version, length: text.length, offset, options });
      const bothWays = async (version: number, offset: number) => {
        for (const options of [OPTIONS, { ...OPTIONS, cache: true }]) assertSameSuggestions(await at(version, offset, options), expected(text, offset, options));
      };
      assert.ok((await at(1, 200)).length > 0);
      await bothWays(1, 200);
      // Type at the end, then replace a span further up: the caches must forget what followed it.
      engine.didChange(uri, 2, [{ offset: 200, length: 0, text: '\tif (' }]);
      text += '\tif (';
      await bothWays(2, text.length);
      engine.didChange(uri, 3, [{ offset: 20, length: 5, text: 'while' }, { offset: 3, length: 0, text: 'x' }]);
      text = text.slice(0, 20) + 'while' + text.slice(25);
      text = text.slice(0, 3) + 'x' + text.slice(3);
      await bothWays(3, text.length);
      await bothWays(3, 150); // the cursor back up the document: the cache counts only what is before it
      await assert.rejects(at(2, text.length), codeOf('outOfSync'));
      engine.didClose(uri);
      await assert.rejects(at(3, text.length), codeOf('outOfSync'));
      fs.writeFileSync(path.join(dir, 'bad.cellscope'), 'garbage');
      await assert.rejects(engine.load(path.join(dir, 'bad.cellscope'), null), codeOf('badCheckpoint'));
      // Crafted: a valid checksum over a header no model has, and parameters that are not numbers.
      const good = loadCheckpointFile(modelPath);
      fs.writeFileSync(path.join(dir, 'crafted.cellscope'), encodeCheckpoint({ ...good, training: { ...good.training, steps: 0 } }));
      await assert.rejects(engine.load(path.join(dir, 'crafted.cellscope'), null), (e: WorkerError<string>) => e.code === 'badCheckpoint' && /training\.steps is 0/.test(e.message));
      fs.writeFileSync(path.join(dir, 'nan.cellscope'), encodeCheckpoint({ ...good, params: good.params.map((x, i) => (i === 7 ? NaN : x)) }));
      await assert.rejects(engine.load(path.join(dir, 'nan.cellscope'), null), codeOf('badCheckpoint'));
    } finally {
      await engine.dispose();
    }
  });

  it('answers malformed and out-of-range messages with an error, and lives on (a real worker thread)', async () => {
    const worker = createWorker(), reply = repliesOf<EngineToHost>(worker);
    const flag = () => new Int32Array(new SharedArrayBuffer(4)), text = TEXT;
    try {
      worker.postMessage({ type: 'load', id: 1, cancelled: flag(), path: modelPath, workspace: null });
      assert.ok((await reply(1)).ok);
      for (const junk of [null, 42, { type: 'bogus' }, { type: 'didChange', uri: 'u', version: 2, changes: null }, { type: 'didOpen', uri: 'u' }]) worker.postMessage(junk);
      worker.postMessage({ type: 'didOpen', uri: 'u', version: 1, text });
      const request = { uri: 'u', version: 1, length: text.length, start: 0, end: 40, cell: { layer: 99, index: -5, kind: 'bogus' }, cache: false };
      const refusals: [object, RegExp][] = [
        [{ type: 'inspect', id: 2, cancelled: flag(), request }, /malformed request \(inspect\.request\.cell\.index is -5, not a whole number/],
        [{ type: 'inspect', id: 3, cancelled: flag(), request: { ...request, cell: { layer: 99, index: 3, kind: 'cell' } } }, /no cell L99#3: it has 2 layers of 16 cells/],
        [{ type: 'inspect', id: 4, cancelled: flag(), request: { ...request, start: 30, end: 20, cell: { layer: 0, index: 3, kind: 'cell' } } }, /not inside u/],
        [{ type: 'complete', id: 5, cancelled: flag(), request: { uri: 'u', version: 1, length: text.length, offset: text.length + 9, options: OPTIONS } }, /past the end of u/],
        [{ type: 'complete', id: 6, cancelled: null, request: null }, /malformed request \(complete\.cancelled is null/],
      ];
      for (const [message] of refusals) worker.postMessage(message);
      for (const [i, [, pattern]] of refusals.entries()) {
        const r = await reply(i + 2);
        assert.ok(!r.ok && r.code === 'failed' && pattern.test(r.error), JSON.stringify(r));
      }
      // An edit outside the text loses the mirror: requests on it answer outOfSync until it is opened again.
      worker.postMessage({ type: 'didChange', uri: 'u', version: 2, changes: [{ offset: text.length + 1, length: 3, text: 'x' }] });
      worker.postMessage({ type: 'complete', id: 7, cancelled: flag(), request: { uri: 'u', version: 1, length: text.length, offset: 10, options: OPTIONS } });
      const lost = await reply(7);
      assert.ok(!lost.ok && lost.code === 'outOfSync');
      worker.postMessage({ type: 'didOpen', uri: 'u', version: 3, text });
      worker.postMessage({ type: 'complete', id: 8, cancelled: flag(), request: { uri: 'u', version: 3, length: text.length, offset: 10, options: OPTIONS } });
      assert.ok((await reply(8)).ok, 'the worker lives on');
    } finally {
      await worker.terminate();
    }
  });

  it('inspects a stretch of a document and discovers cells, in-process through structured clones', async () => {
    const { service, ask, flag } = inProcessEngine();
    await ask({ type: 'load', id: 1, cancelled: flag(), path: modelPath, workspace: null });
    const text = TEXT.replace('return 0;', 'return "é😀";');
    service.handle({ type: 'didOpen', uri: 'u', version: 1, text });
    const request = { uri: 'u', version: 1, length: text.length, start: 20, end: 120, cell: { layer: 1, index: 3, kind: 'cell' as const }, cache: false };
    const result = (await ask({ type: 'inspect', id: 2, cancelled: flag(), request })) as InspectResult;
    const model = modelFromCheckpoint(loadCheckpointFile(modelPath), Arena.plain());
    const from = new StateCache(model).stateAt('x', text, 20)!;
    const trace = traceText(model, model.vocabulary.encode(text.slice(20, 120)), from)!;
    assert.deepEqual([...result.values], [...cellValues(trace, 1, 3, 'cell')]);
    // Surprise: −log₂ p of each character given all before it, the first from the logits before the stretch.
    assert.deepEqual([...result.surprise], [...trace.surprise]);
    const ids = model.vocabulary.encode(text.slice(20, 120));
    for (const k of [0, 1, 50]) {
      const logits = k === 0 ? from.logits : readContext(model, ids.subarray(0, k), from.state).logits;
      const logZ = Math.log(logits.reduce((sum, x) => sum + Math.exp(x), 0));
      assert.ok(Math.abs(result.surprise[k] - (logZ - logits[ids[k]]) / Math.LN2) < 1e-4, `character ${k}: ${result.surprise[k]}`);
    }
    assert.equal(result.values.length, [...text.slice(20, 120)].length);
    assert.equal(result.saturation.length, 2 * 3 * 16 * 2);
    const forget = (await ask({ type: 'inspect', id: 3, cancelled: flag(), request: { ...request, cell: { layer: 0, index: 5, kind: 'forget' } } })) as InspectResult;
    assert.deepEqual([...forget.values], [...cellValues(trace, 0, 5, 'forget')]);

    const found = (await ask({ type: 'discoverCells', id: 4, cancelled: flag(), request: { folders: [{ path: PROJECT, include: [], exclude: [], maxFileBytes: 1e6 }] } })) as CellDiscovery;
    assert.ok(found.chars > 1000 && found.ranking.comment.length === 10);
    const cached = `${modelPath}.cells.json`;
    assert.equal(JSON.parse(fs.readFileSync(cached, 'utf8')).step, 200);
    fs.writeFileSync(cached, JSON.stringify({ ...found, step: 200, chars: -1 })); // a second ask reads the cache
    assert.equal(((await ask({ type: 'discoverCells', id: 5, cancelled: flag(), request: { folders: [{ path: PROJECT, include: [], exclude: [], maxFileBytes: 1e6 }] } })) as CellDiscovery).chars, -1);
  });

  it('loads one model at a time: loads asked back to back keep the workspace level of the last one', async () => {
    const { service, ask, flag } = inProcessEngine();
    const other = path.join(dir, 'other.cellscope'), workspace = { folders: [{ path: PROJECT, include: [], exclude: [], maxFileBytes: 1e6 }] };
    saveCheckpointFile(other, Trainer.fresh('xyz 123\n'.repeat(40), [], { cell: 'lstm', hidden: 8, layers: 1, batch: 2, steps: 8, lr: 1e-2, seed: 2 }, Arena.plain()).checkpoint());
    await ask({ type: 'load', id: 1, cancelled: flag(), path: modelPath, workspace });
    // Another vocabulary, then this one again, asked before either is answered (as training saves while a model loads).
    const both = [ask({ type: 'load', id: 2, cancelled: flag(), path: other, workspace }), ask({ type: 'load', id: 3, cancelled: flag(), path: modelPath, workspace })];
    assert.deepEqual((await Promise.all(both)).map((info) => (info as ModelInfo).hidden), [8, 16]);
    const loaded = (service as unknown as { loaded: { model: { config: { hidden: number } }; documents: { workspace: unknown } } }).loaded;
    assert.equal(loaded.model.config.hidden, 16);
    assert.notEqual(loaded.documents.workspace, null, 'the workspace level is there for the model loaded last');
  });

  it('finds the cells for a selection and where they are on together, in the document and the workspace, as the CLI does', async () => {
    const { service, ask, replies, flag } = inProcessEngine();
    await ask({ type: 'load', id: 1, cancelled: flag(), path: modelPath, workspace: null });
    // A workspace file, open with an edit: a comment with an astral character before it.
    const file = path.join(PROJECT, 'src', 'list.c'), uri = pathToFileURL(file).href, text = `/* a 😀 comment */\n${fs.readFileSync(file, 'utf8')}`;
    service.handle({ type: 'didOpen', uri, version: 1, text });
    const start = text.indexOf(' a 😀'), end = text.indexOf(' */');
    const request = { uri, version: 1, length: text.length, start, end, languageId: 'c', threshold: 0.3 };
    const found = (await ask({ type: 'findCells', id: 2, cancelled: flag(), request })) as FoundCells;
    // What the pure parts give on the same text: the document's states, the comment kind, the ranking.
    const model = modelFromCheckpoint(loadCheckpointFile(modelPath), Arena.plain());
    const states = documentStates(model, text)!, offsets = unitOffsets(text);
    const selection = { start: codePointIndex(offsets, start), end: codePointIndex(offsets, end) };
    const kind = (await (await SyntaxLabeler.create(SOURCE_ASSETS)).selectionKind(text, 'c', start, end))!;
    assert.equal(found.kind?.kind, 'comment');
    assert.deepEqual(found.cells, findSelectionCells(states, selection, 0.3, kind.mask));
    assert.ok(found.cells.length > 0);
    assert.deepEqual(found.searched, ['cell', 'input', 'forget', 'output']);
    const cells = found.cells.slice(0, 2).map(({ layer, index, kind: k, sign }) => ({ layer, index, kind: k, sign }));
    const workspace = { folders: [{ path: PROJECT, include: [], exclude: [], maxFileBytes: 1e6 }] };
    // A low threshold: this small model's cells are seldom far from 0.
    const places = (await ask({ type: 'findSimilar', id: 3, cancelled: flag(), request: { ...request, threshold: 0.05, cells, workspace } })) as SimilarPlaces;
    assert.deepEqual(places.inFile.map((p) => p.offset), similarPlaces(states, cells, 0.05, 20, selection).map((p) => offsets[p.start]));
    assert.ok(places.sampleFiles > 0 && places.inWorkspace.length > 0, `${places.sampleFiles} files, ${places.inWorkspace.length} places, ${places.inFile.length} in the file`);
    assert.ok(places.inWorkspace.every((p) => p.file !== null && p.file !== file && fs.readFileSync(p.file, 'utf8').startsWith(p.text, p.offset)), 'other files only, as they are on disk');
    await assert.rejects(ask({ type: 'findCells', id: 4, cancelled: flag(), request: { ...request, end: start } }), /The selection .* is empty/);
    // A long document not read before: how far the reading has come, every 50,000 characters, for this request.
    const long = TEXT.repeat(250);
    service.handle({ type: 'didOpen', uri: 'long', version: 1, text: long });
    await ask({ type: 'findCells', id: 6, cancelled: flag(), request: { ...request, uri: 'long', length: long.length, start: 20, end: 40 } });
    // Chunks of 256 characters: the first report after 50,176, the next 50,176 later.
    assert.deepEqual(replies.filter((r) => r.type === 'didProgress'), [50_176, 100_352].map((done) => ({ type: 'didProgress', id: 6, done, total: long.length })));
    await ask({ type: 'findCells', id: 7, cancelled: flag(), request: { ...request, uri: 'long', length: long.length, start: 60, end: 80 } });
    assert.equal(replies.filter((r) => r.type === 'didProgress').length, 2, 'read once: no progress the second time');
    await assert.rejects(ask({ type: 'findSimilar', id: 5, cancelled: flag(), request: { ...request, cells: [{ layer: 9, index: 0, kind: 'cell', sign: 1 }], workspace: null } }), /has no cell L10#0/);
  });

  it('tells the caller of findCells how far the reading has come, through a real worker', async () => {
    const engine = await EngineClient.start(createWorker);
    try {
      await engine.load(modelPath, null);
      const long = TEXT.repeat(250), heard: [number, number][] = [];
      engine.didOpen('file:///w/long.c', 1, long);
      const found = await engine.findCells({ uri: 'file:///w/long.c', version: 1, length: long.length, start: 20, end: 40, languageId: 'c', threshold: 0.3 }, undefined, (done, total) => heard.push([done, total]));
      assert.ok(found.cells.length > 0);
      assert.deepEqual(heard, [[50_176, long.length], [100_352, long.length]]);
    } finally {
      await engine.dispose();
    }
  });

  it('cancels a long request mid-search, and a killed worker rejects what was pending', async () => {
    const engine = await EngineClient.start(createWorker);
    try {
      await engine.load(modelPath, null);
      const uri = 'file:///w/long.c';
      engine.didOpen(uri, 1, TEXT);
      const long = { uri, version: 1, length: TEXT.length, offset: TEXT.length, options: { ...OPTIONS, beamWidth: 64, maxChars: 10_000, maxLines: 1000 } };
      const abort = new AbortController();
      const started = Date.now();
      const cancelled = engine.complete(long, abort.signal);
      setTimeout(() => abort.abort(), 200);
      await assert.rejects(cancelled, codeOf('cancelled'));
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
      const pending = engine.complete(long);
      await engine.dispose();
      await assert.rejects(pending, (e: WorkerError<string>) => e.code === 'failed' && /engine worker/.test(e.message));
    } finally {
      await engine.dispose();
    }
  });
});
