// How long the paper's model takes to train: Karpathy, Johnson & Fei-Fei (2015) train a 3-layer,
// 512-cell LSTM on the Linux kernel (6,206,996 characters, 80% for training) for 50 epochs at
// batch 100 × 100 steps, and report 0.84 nats/char on its test split. This measures that model's
// training speed on this machine's CPU (torch/train.py on one thread; the built-in engine on two,
// at the largest batch its memory holds) and estimates, on paper, the time on one and on eight
// GPUs from DeepBench's published cuDNN LSTM timings. Prints one JSON line.
//   usage: node scripts/benchPaper.js [--corpus DIR (default: the kernel subset)] [--seconds 90]

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { root, ensureTorch, ensureKernelCorpus, run } = require('./benchSetup');

const PAPER = { hidden: 512, layers: 3, batch: 100, steps: 100, epochs: 50, trainChars: Math.round(0.8 * 6_206_996) };
const TOTAL_CHARS = PAPER.epochs * PAPER.trainChars;

// DeepBench (github.com/baidu-research/DeepBench, results/train/DeepBench_NV_*.xlsx, "Results FP32",
// LSTM, hidden 512, 25 time steps, input as wide as the layer): milliseconds for forward +
// backward to the inputs + backward to the weights of one layer, by batch N. V100: cuDNN 7.6.2.
const DEEPBENCH_MS = {
  V100: { 16: 2.197, 64: 3.034, 128: 3.856 },
  P100: { 16: 3.379, 64: 6.683, 128: 7.378 },
};
const DEEPBENCH_STEPS = 25;
// Ring all-reduce of the gradients between steps (2 × 7/8 of them through each GPU), at PCIe 3.0 ×16's
// practical 12 GB/s and without overlap with the backward pass: an upper bound on the exchange.
const ALLREDUCE_BYTES_PER_S = 12e9;

const { values: a } = parseArgs({ options: { corpus: { type: 'string' }, seconds: { type: 'string', default: '90' } } });
const log = (line) => process.stderr.write(`bench:paper: ${line}\n`);

const vocab = 100;
const params = 4 * PAPER.hidden * (vocab + PAPER.hidden + 2) + (PAPER.layers - 1) * 4 * PAPER.hidden * (2 * PAPER.hidden + 2) + (PAPER.hidden + 1) * vocab;

/** One layer's milliseconds for 25 steps at batch n: linear between DeepBench's batches (n ≥ 16). */
function layerMs(gpu, n) {
  const table = DEEPBENCH_MS[gpu], sizes = Object.keys(table).map(Number);
  if (n <= sizes[0]) return table[sizes[0]];
  const hi = sizes.find((s) => s >= n) ?? sizes[sizes.length - 1], lo = sizes[sizes.indexOf(hi) - 1];
  return table[lo] + ((table[hi] - table[lo]) * (n - lo)) / (hi - lo);
}

/** Characters per second of `gpus` GPUs, each running `perGpu` streams, and the global batch. */
function gpuCharsPerS(gpu, gpus, perGpu) {
  const computeMs = PAPER.layers * layerMs(gpu, perGpu) * (PAPER.steps / DEEPBENCH_STEPS);
  const exchangeMs = gpus > 1 ? ((2 * (gpus - 1)) / gpus) * params * 4 / ALLREDUCE_BYTES_PER_S * 1000 : 0;
  return (gpus * perGpu * PAPER.steps) / ((computeMs + exchangeMs) / 1000);
}

const hours = (charsPerS) => +(TOTAL_CHARS / charsPerS / 3600).toFixed(2);
const estimate = (gpu, gpus, perGpu) => {
  const charsPerS = Math.round(gpuCharsPerS(gpu, gpus, perGpu));
  return { gpu, gpus, streams_per_gpu: perGpu, global_batch: gpus * perGpu, chars_per_s: charsPerS, hours: hours(charsPerS) };
};

ensureTorch();
const kernel = ensureKernelCorpus(a.corpus, log);
const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-bench-paper-'));
run(process.execPath, [path.join(root, 'dist', 'cli.js'), 'corpus', kernel, '--out', corpus]);
fs.writeFileSync(path.join(corpus, 'heldout.json'), '[]'); // speed only: no evaluation to wait for
const model = ['--hidden', '512', '--layers', '3', '--steps', '100'];
log(`torch/train.py, the paper's model, 1 thread, ${a.seconds} s`);
const torchLines = run('/usr/bin/python3', [path.join(root, 'torch', 'train.py'), corpus, '--out', path.join(corpus, 'm.safetensors'), ...model, '--batch', '100', '--threads', '1', '--seconds', a.seconds, '--eval-every', '1e9']).trim().split('\n');
const torchCpu = JSON.parse(torchLines[torchLines.length - 1]).chars_per_s;
log(`the built-in engine, batch 50 (100 does not fit its 1 GiB), 2 threads, ${a.seconds} s`);
const builtinCpu = JSON.parse(run(process.execPath, [path.join(root, 'dist', 'cli.js'), 'bench', '--corpus', kernel, '--seconds', a.seconds, ...model, '--batch', '50', '--threads', '2'])).train_chars_per_s;
fs.rmSync(corpus, { recursive: true, force: true });

console.log(JSON.stringify({
  paper: { ...PAPER, params, total_chars: TOTAL_CHARS, target_nats_per_char: 0.84 },
  this_cpu: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, pytorch_1_thread: { chars_per_s: torchCpu, hours: hours(torchCpu) }, builtin_2_threads_batch_50: { chars_per_s: builtinCpu, hours: hours(builtinCpu) } },
  on_paper: [
    estimate('V100', 1, 100), estimate('P100', 1, 100),
    // The paper's global batch split over eight: each GPU runs 12–13 streams, timed as 16.
    estimate('V100', 8, 13),
    // Each GPU its own 100 streams: 8× the characters per step, 1/8 the updates per epoch.
    estimate('V100', 8, 100),
  ],
}));
