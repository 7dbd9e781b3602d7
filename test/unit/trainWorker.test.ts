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
import { generateKeyPairSync } from 'node:crypto';
import { beamSearch, runToMaxChars } from '../../src/complete/beamSearch';
import { workspaceCounts } from '../../src/complete/documentCounts';
import { readCorpus } from '../../src/files/corpus';
import { WORKSPACE_WEIGHT } from '../../src/model/mixture';
import { sampleText } from '../../src/model/sampler';
import { Rng } from '../../src/util/rng';
import { suggestionEnd } from '../../src/complete/lineBoundary';
import { modelFromCheckpoint } from '../../src/model/model';
import { TRAIN_PROTOCOL_VERSION, type TrainJob, type TrainWorkerToHost } from '../../src/protocol/trainProtocol';
import { loadCheckpointFile } from '../../src/files/checkpointFile';
import { TrainClient, TrainError, type TrainNotification } from '../../src/train/trainClient';
import { WorkerError } from '../../src/protocol/workerClient';
import { TrainService } from '../../src/train/trainService';
import { repliesOf } from './rawWorker';

const PROJECT = path.resolve(__dirname, '..', 'fixtures', 'cproject');
const WORKER = path.resolve(__dirname, '..', '..', 'src', 'train', 'trainWorker.ts');
// The worker from its TypeScript source, as tests run without a build.
const createWorker = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });

function job(dir: string, extra: Partial<TrainJob> = {}): TrainJob {
  return {
    folders: [{ path: PROJECT, include: [], exclude: [], maxFileBytes: 1_000_000 }], checkpointPath: path.join(dir, 'model.cellscope'),
    fresh: false, settings: { cell: 'lstm', hidden: 16, layers: 1, batch: 4, steps: 16, lr: 1e-2, seed: 1 }, seconds: 1, threads: 1, ...extra,
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

  it('ends a worker that does not answer a cancel within the grace, and says so', async () => {
    // A worker stuck in one long computation: it says ready, takes the request, and never reads another message.
    const stuck = () => new Worker(`const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ type: 'ready', protocolVersion: ${TRAIN_PROTOCOL_VERSION} });
      parentPort.once('message', () => { for (;;); });`, { eval: true });
    const client = await TrainClient.start(stuck, () => {}, 200);
    const abort = new AbortController();
    const run = client.train(job(dir), abort.signal);
    await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    try {
      const outcome = await Promise.race([run.then(() => 'a summary', (e: TrainError) => e), new Promise((r) => setTimeout(() => r('no answer after 5 s'), 5000))]);
      assert.ok(outcome instanceof WorkerError && outcome.code === 'failed', String(outcome));
      assert.match(outcome.message, /did not stop within 0\.2 s of being cancelled, so it was ended; the checkpoint it saved last is kept\./);
      await assert.rejects(client.train(job(dir)), /The training worker has stopped\./, 'the worker is gone');
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
      await assert.rejects(client.train(job(dir, { folders: [{ path: empty, include: [], exclude: [], maxFileBytes: 1e6 }] })), (e: TrainError) => e.code === 'noFiles' && /no usable source files/.test(e.message));
      fs.writeFileSync(path.join(dir, 'bad.cellscope'), 'garbage');
      await assert.rejects(client.train(job(dir, { checkpointPath: path.join(dir, 'bad.cellscope') })), (e: TrainError) => e.code === 'badCheckpoint' && /bad\.cellscope: not a Cellscope model/.test(e.message));
      // A storage folder that cannot be written: said before training, and not as a damaged model (starting fresh would not help).
      await assert.rejects(client.train(job(dir, { checkpointPath: path.join(dir, 'bad.cellscope', 'model.cellscope') })), (e: TrainError) => e.code === 'failed' && /model\.cellscope: the model cannot be saved there \(/.test(e.message));
    } finally {
      await client.dispose();
    }
  });

  it('answers a malformed request with an error, and lives on (a real worker thread)', async () => {
    const worker = createWorker(), reply = repliesOf<TrainWorkerToHost>(worker);
    try {
      for (const junk of [null, 'train', { type: 'cancel' }, { type: 'didType', extra: 1 }]) worker.postMessage(junk);
      worker.postMessage({ type: 'train', id: 5, job: null });
      worker.postMessage({ type: 'train', id: 6, job: { ...job(dir), settings: { ...job(dir).settings, hidden: -3 } } });
      const [five, six] = [await reply(5), await reply(6)];
      assert.ok(five.type === 'reply' && !five.ok && five.code === 'failed' && /malformed request \(train\.job is null, not an object\)/.test(five.error), JSON.stringify(five));
      assert.ok(six.type === 'reply' && !six.ok && /train\.job\.settings\.hidden is -3/.test(six.error), JSON.stringify(six));
      worker.postMessage({ type: 'train', id: 7, job: job(dir) });
      const seven = await reply(7);
      assert.ok(seven.type === 'reply' && seven.ok, 'the worker lives on');
    } finally {
      await worker.terminate();
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
    // The killed thread's lock names this process: the next training here takes it over.
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.cellscope', 'model.cellscope.lock']);
  });

  it('keeps secrets inside code out of the model: ten kinds of source file, 100,000 sampled characters, completions primed with each secret', async function () {
    this.timeout(120_000);
    // Made here, not written in the repository, so that no scanner mistakes the test for a leak.
    const rng = new Rng(5), pick = (n: number, chars: string) => Array.from({ length: n }, () => chars[rng.nextUint32() % chars.length]).join('');
    const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const pem = (generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string).trim();
    const files: Record<string, [secret: string, line: (s: string) => string]> = {
      'src/config.ts': [`ghp_${pick(36, AN)}`, (s) => `export const token = "${s}";`],
      'src/slack.js': [`xoxb-${pick(12, '0123456789')}-${pick(13, '0123456789')}-${pick(24, AN)}`, (s) => `const slack = '${s}';`],
      'app/aws.py': [`AKIA${pick(16, UP)}`, (s) => `AWS_ACCESS_KEY_ID = "${s}"`],
      'app/settings.py': [pick(40, `${AN}+/`), (s) => `aws_secret_access_key = "${s}"`],
      'cmd/publish.go': [`npm_${pick(36, AN)}`, (s) => `const npmToken = "${s}"`],
      'src/client.rs': [pick(28, AN), (s) => `const API_KEY: &str = "${s}";`],
      'src/Db.java': [`https://admin:${pick(14, AN)}@db.example.com`, (s) => `String url = "${s}/prod";`],
      'src/api.c': [pick(40, '0123456789abcdef'), (s) => `#define API_SECRET "${s}"`],
      'deploy/release.sh': [`sk_live_${pick(24, AN)}`, (s) => `export STRIPE_KEY=${s}`],
      'lib/signing.rb': [pem, (s) => `KEY = <<~PEM\n${s}\nPEM`],
      'web/hook.php': [`https://hooks.slack.com/services/T${pick(8, UP)}/B${pick(8, UP)}/${pick(24, AN)}`, (s) => `$hook = '${s}';`],
    };
    const ws = fs.mkdtempSync(path.join(dir, 'ws-'));
    fs.cpSync(PROJECT, ws, { recursive: true });
    // Each secret many times over, as a key pasted through a project: what a model would learn by heart.
    for (const [file, [secret, line]] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
      fs.writeFileSync(path.join(ws, file), Array.from({ length: 30 }, (_, i) => `// setting ${i}\n${line(secret)}\n`).join(''));
    }
    const notes: TrainNotification[] = [];
    await new Promise<void>((resolve) => {
      const service = new TrainService((m) => (m.type === 'reply' ? resolve() : m.type !== 'ready' && notes.push(m)));
      service.handle({ type: 'train', id: 1, job: job(dir, { folders: [{ path: ws, include: [], exclude: [], maxFileBytes: 1e6 }], seconds: 5, settings: { cell: 'lstm', hidden: 32, layers: 1, batch: 8, steps: 32, lr: 1e-2, seed: 1 } }) });
    });
    const read = notes.find((n) => n.type === 'didReadCorpus');
    assert.ok(read?.type === 'didReadCorpus' && read.skipped.secretsMasked === Object.keys(files).length, JSON.stringify(read));
    // A secret leaks if any 8 of its characters in a row come back (after its well-known prefix).
    const leaks = (text: string) => Object.values(files).flatMap(([secret]) => {
      const body = secret.replace(/^(ghp_|xoxb-|AKIA|npm_|sk_live_|https:\/\/\w+:|-----BEGIN RSA PRIVATE KEY-----\n)/, '');
      return Array.from({ length: body.length - 7 }, (_, i) => body.slice(i, i + 8)).filter((w) => !/^[-\n]+$/.test(w) && text.includes(w));
    });
    const model = modelFromCheckpoint(loadCheckpointFile(job(dir).checkpointPath), Arena.plain());
    const sampled = sampleText(model, '\n', 100_000, 1, new Rng(9));
    assert.deepEqual(leaks(sampled), []);
    // Completions as the editor makes them: the model with the workspace's counts, primed with a secret's first four characters.
    const workspace = workspaceCounts(model.vocabulary, (await readCorpus(ws)).files.map((f) => f.text));
    for (const [secret, line] of Object.values(files)) {
      const primed = line(secret).slice(0, line(secret).indexOf(secret) + 4);
      const beams = beamSearch(model, `// setting 30\n${primed}`, { width: 7, maxChars: 40, endsAt: runToMaxChars, cache: [{ counts: workspace, weight: WORKSPACE_WEIGHT }] });
      assert.deepEqual(leaks(beams.map((b) => b.text).join('\n')), [], primed);
    }
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
      service.handle({ type: 'train', id: 1, job: job(dir, { folders: [{ path: ws, include: [], exclude: [], maxFileBytes: 1e6 }], seconds: 2 }) });
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
