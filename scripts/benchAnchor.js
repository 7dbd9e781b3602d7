// Cellscope's engine beside the PyTorch reference (../shared/anchor/torch_charlstm.py), same
// corpus, same model, one run after the other on this machine, each on 1 and on 2 threads.
// Prints one JSON line: all figures and the ratio of Cellscope's best to PyTorch's best.
//   usage: node scripts/benchAnchor.js [--hidden 256 --layers 2 --batch 32 --steps 64]
//                                      [--seconds 60] [--corpus DIR]
// Installs what the reference needs when missing (Debian's python3-torch and OpenBLAS; the
// Linux kernel subset into .cellscope/kernel), which needs root, as on CI.

const path = require('node:path');
const { parseArgs } = require('node:util');
const { root, ensureTorch, ensureKernelCorpus, run: sh } = require('./benchSetup');

const { values: a } = parseArgs({
  options: {
    hidden: { type: 'string', default: '256' }, layers: { type: 'string', default: '2' },
    batch: { type: 'string', default: '32' }, steps: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '60' }, corpus: { type: 'string' },
  },
});
const shared = path.resolve(root, '..', 'shared');
const log = (line) => process.stderr.write(`bench:anchor: ${line}\n`);

ensureTorch();
const corpus = ensureKernelCorpus(a.corpus, log);
const model = ['--hidden', a.hidden, '--layers', a.layers, '--batch', a.batch, '--steps', a.steps];
const cellscope = {}, torch = {};
for (const threads of ['1', '2']) {
  log(`cellscope bench, ${threads} thread(s), on ${corpus} for ${a.seconds} s`);
  cellscope[`threads_${threads}`] = JSON.parse(sh(process.execPath, [path.join(root, 'dist', 'cli.js'), 'bench', '--corpus', corpus, '--seconds', a.seconds, ...model, '--threads', threads]));
  log(`PyTorch, ${threads} thread(s), for ${a.seconds} s`);
  torch[`threads_${threads}`] = JSON.parse(sh('/usr/bin/python3', [path.join(shared, 'anchor', 'torch_charlstm.py'), corpus, ...model, '--threads', threads, '--budget', a.seconds]));
}
/** The best figure of either side's runs: the largest, or (`lower`) the smallest. */
const best = (runs, key, lower) => Object.values(runs).map((r) => r[key]).reduce((x, y) => ((lower ? y < x : y > x) ? y : x));
const fastest = { train: best(torch, 'train_chars_per_s'), step: best(torch, 'step_ms_batch1', true), beam: best(torch, 'beam7_40chars_ctx2000_ms', true) };
const ours = { train: best(cellscope, 'train_chars_per_s'), step: best(cellscope, 'step_ms_batch1', true), beam: best(cellscope, 'beam7_40_ms', true) };
console.log(JSON.stringify({
  config: { hidden: +a.hidden, layers: +a.layers, batch: +a.batch, steps: +a.steps, seconds: +a.seconds, corpus },
  cellscope,
  pytorch: torch,
  // > 1 means Cellscope is faster than PyTorch's best thread setting.
  ratio: {
    train_chars_per_s: +(ours.train / fastest.train).toFixed(4),
    step_ms_batch1: +(fastest.step / ours.step).toFixed(4),
    beam7_40_ms: +(fastest.beam / ours.beam).toFixed(4),
  },
}));
