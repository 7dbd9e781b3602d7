// Cellscope's PyTorch trainer (torch/train.py) beside the built-in engine on this machine's CPU:
// the same corpus and model, one run after the other, each on 1 and on 2 threads. Prints one
// JSON line with both engines' training chars/s and the ratio of the built-in's best to
// PyTorch's best. Installs Debian's python3-torch when missing (as root).
//   usage: node scripts/benchTorch.js [--corpus DIR (default: the kernel subset)] [--seconds 60] [--hidden 256]

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { root, ensureTorch, ensureKernelCorpus, run } = require('./benchSetup');

const { values: a } = parseArgs({ options: { corpus: { type: 'string' }, seconds: { type: 'string', default: '60' }, hidden: { type: 'string', default: '256' } } });
const cli = path.join(root, 'dist', 'cli.js');
ensureTorch();
const kernel = ensureKernelCorpus(a.corpus, (line) => process.stderr.write(`bench:torch: ${line}\n`));
const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-bench-torch-'));
run(process.execPath, [cli, 'corpus', kernel, '--out', corpus]);
fs.writeFileSync(path.join(corpus, 'heldout.json'), '[]'); // speed only: no evaluation to wait for
const model = ['--hidden', a.hidden, '--layers', '2', '--batch', '32', '--steps', '64'];
const builtin = {}, pytorch = {};
for (const threads of ['1', '2']) {
  builtin[`threads_${threads}`] = JSON.parse(run(process.execPath, [cli, 'bench', '--corpus', kernel, '--seconds', a.seconds, ...model, '--threads', threads])).train_chars_per_s;
  const lines = run('/usr/bin/python3', [path.join(root, 'torch', 'train.py'), corpus, '--out', path.join(corpus, 'm.safetensors'), ...model, '--threads', threads, '--seconds', a.seconds, '--eval-every', '1e9']).trim().split('\n');
  pytorch[`threads_${threads}`] = JSON.parse(lines[lines.length - 1]).chars_per_s;
}
const best = (x) => Math.max(...Object.values(x));
console.log(JSON.stringify({ builtin, pytorch, ratio: Math.round((best(builtin) / best(pytorch)) * 1000) / 1000, cpu: os.cpus()[0]?.model, seconds: Number(a.seconds), hidden: Number(a.hidden) }));
fs.rmSync(corpus, { recursive: true, force: true });
