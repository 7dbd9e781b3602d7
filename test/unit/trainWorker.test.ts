// The training worker: its messages survive structured cloning, its service trains in-process,
// and a real worker thread trains, cancels with a save, refuses a second run, reports bad
// checkpoints and missing files by code, keeps secrets out, and dies without leaving a torn
// checkpoint or a promise that never settles.

import { Arena } from '../../src/model/arena';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { beamSearch } from '../../src/complete/beamSearch';
import { suggestionEnd } from '../../src/complete/lineBoundary';
import { modelFromCheckpoint } from '../../src/model/model';
import type { TrainJob, TrainWorkerToHost } from '../../src/protocol/trainProtocol';
import { loadCheckpointFile } from '../../src/files/checkpointFile';
import { TrainClient, TrainError, type TrainNotification } from '../../src/train/trainClient';
import { TrainService } from '../../src/train/trainService';

const PROJECT = path.resolve(__dirname, '..', 'fixtures', 'cproject');
const WORKER = path.resolve(__dirname, '..', '..', 'src', 'train', 'trainWorker.ts');
// The worker from its TypeScript source, as tests run without a build.
const createWorker = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });

function job(dir: string, extra: Partial<TrainJob> = {}): TrainJob {
  return {
    roots: [PROJECT], include: [], exclude: [], maxFileBytes: 1_000_000, checkpointPath: path.join(dir, 'model.cellscope'),
    fresh: false, settings: { hidden: 16, layers: 1, batch: 4, steps: 16, lr: 1e-2, seed: 1 }, seconds: 1, threads: 1, ...extra,
  };
}

describe('training worker', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-worker-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


  it('the service trains in-process through a structured-clone round trip', async () => {
    const seen: TrainWorkerToHost[] = [];
    const replied = new Promise<TrainWorkerToHost>((resolve) => {
      const service = new TrainService((m) => {
        const copy = structuredClone(m);
        seen.push(copy);
        if (copy.type === 'reply') resolve(copy);
      });
      service.handle(structuredClone({ type: 'train', id: 7, job: job(dir) }));
    });
    const reply = await replied;
    assert.ok(reply.type === 'reply' && reply.ok && reply.id === 7 && !reply.value.cancelled && reply.value.files === 8);
    assert.deepEqual([...new Set(seen.map((m) => m.type))], ['didReadCorpus', 'didEvaluate', 'didSample', 'didSave', 'reply']);
    assert.ok(loadCheckpointFile(job(dir).checkpointPath).training.step > 0);
  });

  it('a worker thread trains, and a cancel saves before it replies', async () => {
    const notes: TrainNotification[] = [];
    const client = await TrainClient.start(createWorker, (n) => notes.push(n));
    try {
      const abort = new AbortController();
      const run = client.train(job(dir, { seconds: 600 }), abort.signal);
      while (!notes.some((n) => n.type === 'didReadCorpus')) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      abort.abort();
      const summary = await run;
      assert.equal(summary.cancelled, true);
      assert.equal(loadCheckpointFile(summary.checkpointPath).training.step, summary.step);
      assert.equal(notes[notes.length - 1].type, 'didSave');
    } finally {
      await client.dispose();
    }
  });

  it('never runs two trainings, and names missing files and bad checkpoints by code', async () => {
    const client = await TrainClient.start(createWorker, () => {});
    try {
      const abort = new AbortController();
      const first = client.train(job(dir, { seconds: 600 }), abort.signal);
      await assert.rejects(client.train(job(dir)), (e: TrainError) => e.code === 'busy');
      abort.abort();
      await first;
      const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
      await assert.rejects(client.train(job(dir, { roots: [empty] })), (e: TrainError) => e.code === 'noFiles' && /no usable source files/.test(e.message));
      fs.writeFileSync(path.join(dir, 'bad.cellscope'), 'garbage');
      await assert.rejects(client.train(job(dir, { checkpointPath: path.join(dir, 'bad.cellscope') })), (e: TrainError) => e.code === 'badCheckpoint' && /bad\.cellscope: not a Cellscope model/.test(e.message));
    } finally {
      await client.dispose();
    }
  });

  it('a killed worker rejects what was pending, and the last checkpoint stays whole', async () => {
    const notes: TrainNotification[] = [];
    const client = await TrainClient.start(createWorker, (n) => notes.push(n));
    const file = job(dir).checkpointPath;
    await client.train(job(dir)); // a first checkpoint
    const good = fs.readFileSync(file);
    const run = client.train(job(dir, { seconds: 600 }));
    while (!notes.some((n) => n.type === 'didProgress')) await new Promise((r) => setTimeout(r, 20));
    await client.dispose();
    await assert.rejects(run, (e: TrainError) => /training worker/.test(e.message));
    assert.deepEqual(fs.readFileSync(file), good);
    assert.ok(loadCheckpointFile(file).training.step > 0);
    assert.deepEqual(fs.readdirSync(dir), ['model.cellscope']);
  });

  it('keeps secrets out of the model: a key in .env appears in no sample and no completion', async () => {
    const KEY = 'sk-live-9f8e7d6c5b4a39281706';
    const ws = fs.mkdtempSync(path.join(dir, 'ws-'));
    fs.cpSync(PROJECT, ws, { recursive: true });
    fs.writeFileSync(path.join(ws, '.env'), `OPENAI_API_KEY=${KEY}\n`.repeat(50));
    fs.writeFileSync(path.join(ws, 'src', 'config.js'), 'const key = process.env.OPENAI_API_KEY;\n');
    fs.writeFileSync(path.join(ws, 'src', 'secrets.js'), `export const OPENAI_API_KEY = '${KEY}';\n`.repeat(50));
    const notes: TrainNotification[] = [];
    await new Promise<void>((resolve) => {
      const service = new TrainService((m) => {
        if (m.type === 'reply') resolve();
        else if (m.type !== 'ready') notes.push(m);
      });
      service.handle({ type: 'train', id: 1, job: job(dir, { roots: [ws], seconds: 2 }) });
    });
    const read = notes.find((n) => n.type === 'didReadCorpus');
    assert.ok(read?.type === 'didReadCorpus' && read.skipped.secret === 1);
    const samples = notes.flatMap((n) => (n.type === 'didSample' ? [n.text] : []));
    assert.ok(samples.length > 0 && samples.every((t) => !t.includes('sk-live')));
    const model = modelFromCheckpoint(loadCheckpointFile(job(dir).checkpointPath), Arena.plain());
    for (const prefix of ['OPENAI_API_KEY=', "OPENAI_API_KEY = '"]) {
      const beams = beamSearch(model, prefix, { width: 7, maxChars: 40, endsAt: suggestionEnd('', 1) });
      assert.ok(beams.every((b) => !b.text.includes('sk-live')), JSON.stringify(beams));
    }
  });
});
