// Completion latency, printed as one JSON line: request round trips through the engine worker
// (dist/engineWorker.js, driven by EngineClient exactly as the extension drives it, with the
// document cache of the corpus as the workspace) for an up-to-40-character, width-7 beam, while
// typing at the end and in the middle of a 1 KB and a 1 MB kernel file, and at the end of two
// hostile documents (one 5 MB line; 1 MB of binary junk), with the cold first request on
// opening each. How good the suggestions are: `cellscope score`.
//   usage: npm run bench:complete -- [--model .cellscope/kernel-h256.cellscope] [--corpus .cellscope/kernel] [--no-cache]

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DEFAULT_COMPLETION_OPTIONS } from '../src/complete/suggest';
import { EngineClient } from '../src/engine/engineClient';
import type { CompletionOptions } from '../src/protocol/engineProtocol';
import { loadCheckpointFile } from '../src/files/checkpointFile';
import { readCorpus } from '../src/files/corpus';
import { Rng } from '../src/util/rng';
import { latencyFiles } from './latencyFiles';

const ROOT = path.resolve(__dirname, '..');
const KEYSTROKES = 40; // typed per latency scenario; the first is the cold one

async function main(): Promise<void> {
  const { values: a } = parseArgs({ options: {
    model: { type: 'string', default: '.cellscope/kernel-h256.cellscope' }, corpus: { type: 'string', default: '.cellscope/kernel' }, 'no-cache': { type: 'boolean' },
  } });
  const corpusDir = path.resolve(a.corpus!), modelPath = path.resolve(a.model!);
  if (!fs.existsSync(corpusDir)) execFileSync('bash', [path.join(ROOT, '..', 'shared', 'corpus', 'linux.sh'), corpusDir], { stdio: 'inherit' });
  if (!fs.existsSync(modelPath)) {
    console.error(`No model at ${modelPath}. Train one on the kernel first (30 minutes), for example:\n  node dist/cli.js train ${a.corpus} --out ${a.model} --hidden 256 --layers 2 --seconds 1800`);
    process.exit(2);
  }
  // The figure of the issues: beams of up to 40 characters (not cut at line ends), width 7.
  const options: CompletionOptions = { ...DEFAULT_COMPLETION_OPTIONS, maxChars: 40, maxLines: 40, minProbability: 0, cache: !a['no-cache'] };
  const corpus = await readCorpus(corpusDir);
  const { small, large } = latencyFiles(corpus.files.map((f) => f.text));
  const oneLine = 'n = list_len(head) + count_widgets(w, flags); '.repeat(5e6 / 48);
  const rng = new Rng(1), junk = Array.from({ length: 1 << 20 }, () => String.fromCharCode(rng.nextUint32() % 0x3000)).join('');
  const engine = await EngineClient.start(() => new Worker(path.join(ROOT, 'dist', 'engineWorker.js'), { workerData: { root: ROOT } }));
  await engine.load(modelPath, { folders: [{ path: corpusDir, include: [], exclude: [], maxFileBytes: 1_000_000 }] });
  const latency = {
    '1KB_end': await typing(engine, 'small-end', small, small.length, options),
    '1KB_middle': await typing(engine, 'small-middle', small, middleLineEnd(small), options),
    '1MB_end': await typing(engine, 'large-end', large, large.length, options),
    '1MB_middle': await typing(engine, 'large-middle', large, middleLineEnd(large), options),
    '5MB_one_line': await typing(engine, 'one-line', oneLine, oneLine.length, options),
    '1MB_binary_junk': await typing(engine, 'junk', junk, junk.length, options),
  };
  await engine.dispose();
  const { config, training } = loadCheckpointFile(modelPath);
  console.log(JSON.stringify({ model: { path: a.model, hidden: config.hidden, layers: config.layers, step: training.step }, cache: options.cache, latency_ms: latency }));
}

/** The end of the line nearest the middle: where a user types on an existing line. */
function middleLineEnd(text: string): number {
  return text.indexOf('\n', text.length >> 1);
}

/** Opens `text`, then types KEYSTROKES characters of kernel code at `cursor`, asking for a suggestion after each. */
async function typing(engine: EngineClient, uri: string, text: string, cursor: number, options: CompletionOptions) {
  const typed = '\tif (err < 0) {\n\t\tpr_err("failed to register: %d\\n", err);\n'.slice(0, KEYSTROKES);
  engine.didOpen(uri, 0, text);
  const times: number[] = [];
  for (let i = 0; i < KEYSTROKES; i++) {
    engine.didChange(uri, i + 1, [{ offset: cursor + i, length: 0, text: typed[i] }]);
    const started = performance.now();
    await engine.complete({ uri, version: i + 1, length: text.length + i + 1, offset: cursor + i + 1, options });
    times.push(performance.now() - started);
  }
  const warm = times.slice(1).sort((x, y) => x - y);
  const at = (q: number) => Math.round(warm[Math.min(warm.length - 1, Math.floor(q * warm.length))] * 10) / 10;
  return { cold_first: Math.round(times[0]), warm_p50: at(0.5), warm_p95: at(0.95), file_chars: text.length };
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
