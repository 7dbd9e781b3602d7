// The engine worker: its messages survive structured cloning; in a real worker thread it
// loads a model, mirrors a document through edits and suggests exactly what suggest() gives
// on the same text; it answers stale, unsynced and model-less requests by code, cancels a long
// request mid-search, and a killed worker rejects what was pending.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StateCache } from '../../src/complete/stateCache';
import { suggest } from '../../src/complete/suggest';
import { EngineClient } from '../../src/engine/engineClient';
import { modelFromCheckpoint } from '../../src/model/model';
import type { CompletionOptions, CompletionRequest, EngineToHost, HostToEngine } from '../../src/protocol/engineProtocol';
import type { WorkerError } from '../../src/protocol/workerClient';
import { loadCheckpointFile, saveCheckpointFile } from '../../src/train/checkpointFile';
import { Trainer } from '../../src/train/trainer';

const WORKER = path.resolve(__dirname, '..', '..', 'src', 'engine', 'engineWorker.ts');
const createWorker = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });
const OPTIONS: CompletionOptions = { beamWidth: 5, maxChars: 30, maxLines: 1, minProbability: 1e-4, alternatives: 3 };
const TEXT = 'int main(void) {\n\tif (x > 0) {\n\t\treturn f(x);\n\t}\n\treturn 0;\n}\n'.repeat(8);
const codeOf = (code: string) => (e: WorkerError<string>) => e.code === code;

describe('engine worker', function () {
  this.timeout(60_000);
  let dir: string, modelPath: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-engine-'));
    modelPath = path.join(dir, 'model.cellscope');
    const trainer = Trainer.fresh(TEXT, '', { hidden: 16, layers: 2, batch: 4, steps: 16, lr: 1e-2, seed: 1 });
    for (let i = 0; i < 200; i++) trainer.step();
    saveCheckpointFile(modelPath, trainer.checkpoint());
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('messages survive structuredClone', () => {
    const cancelled = new Int32Array(new SharedArrayBuffer(4));
    const request: CompletionRequest = { uri: 'file:///a.c', version: 3, length: 10, offset: 4, options: OPTIONS };
    const messages: (HostToEngine | EngineToHost)[] = [
      { type: 'load', id: 1, cancelled, path: '/m' }, { type: 'complete', id: 2, cancelled, request },
      { type: 'didOpen', uri: 'file:///a.c', version: 1, text: 'int' }, { type: 'didChange', uri: 'file:///a.c', version: 2, changes: [{ offset: 1, length: 1, text: 'x' }] },
      { type: 'didClose', uri: 'file:///a.c' }, { type: 'ready', protocolVersion: 1 },
      { type: 'reply', id: 1, ok: true, value: { path: '/m', step: 3, hidden: 16, layers: 2, heldoutBpc: null } },
      { type: 'reply', id: 2, ok: true, value: [{ text: 'x)', probability: 0.5 }] }, { type: 'reply', id: 2, ok: false, error: 'e', code: 'outOfSync' },
    ];
    for (const m of messages) assert.deepEqual(structuredClone(m), m);
  });

  it('mirrors a document through edits and suggests what suggest() gives on the same text', async () => {
    const model = modelFromCheckpoint(loadCheckpointFile(modelPath));
    const expected = (text: string, offset: number) => suggest(model, new StateCache(model), 'd', text, offset, OPTIONS, () => false);
    const engine = await EngineClient.start(createWorker);
    try {
      const uri = 'file:///w/main.c';
      await assert.rejects(engine.complete({ uri, version: 1, length: 0, offset: 0, options: OPTIONS }), codeOf('noModel'));
      assert.equal(await engine.load(path.join(dir, 'missing.cellscope')), null);
      const info = await engine.load(modelPath);
      assert.deepEqual(info && [info.step, info.hidden, info.layers], [200, 16, 2]);
      let text = TEXT.slice(0, 200);
      engine.didOpen(uri, 1, text);
      const at = (version: number, offset: number) => engine.complete({ uri, version, length: text.length, offset, options: OPTIONS });
      const first = await at(1, 200);
      assert.ok(first.length > 0);
      assert.deepEqual(first, expected(text, 200));
      // Type at the end, then replace a span further up: the cache must forget what followed it.
      engine.didChange(uri, 2, [{ offset: 200, length: 0, text: '\tif (' }]);
      text += '\tif (';
      assert.deepEqual(await at(2, text.length), expected(text, text.length));
      engine.didChange(uri, 3, [{ offset: 20, length: 5, text: 'while' }, { offset: 3, length: 0, text: 'x' }]);
      text = text.slice(0, 20) + 'while' + text.slice(25);
      text = text.slice(0, 3) + 'x' + text.slice(3);
      assert.deepEqual(await at(3, text.length), expected(text, text.length));
      await assert.rejects(at(2, text.length), codeOf('outOfSync'));
      engine.didClose(uri);
      await assert.rejects(at(3, text.length), codeOf('outOfSync'));
      fs.writeFileSync(path.join(dir, 'bad.cellscope'), 'garbage');
      await assert.rejects(engine.load(path.join(dir, 'bad.cellscope')), codeOf('badCheckpoint'));
    } finally {
      await engine.dispose();
    }
  });

  it('cancels a long request mid-search, and a killed worker rejects what was pending', async () => {
    const engine = await EngineClient.start(createWorker);
    try {
      await engine.load(modelPath);
      const uri = 'file:///w/long.c';
      engine.didOpen(uri, 1, TEXT);
      const long = { uri, version: 1, length: TEXT.length, offset: TEXT.length, options: { ...OPTIONS, beamWidth: 64, maxChars: 100_000, maxLines: 100_000 } };
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
