// What the benchmarks that run PyTorch share: Debian's torch with OpenBLAS, and the Linux
// kernel subset of the paper (in .cellscope/kernel unless a --corpus is given). Both install
// when missing, which needs root, as on CI.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function ensureTorch() {
  execFileSync('bash', [path.join(root, 'scripts', 'installTorch.sh')], { stdio: 'inherit' });
}

/** `corpus` when given, else the kernel subset, extracted on first use. */
function ensureKernelCorpus(corpus, log) {
  if (corpus) return path.resolve(corpus);
  const dir = path.join(root, '.cellscope', 'kernel');
  if (!fs.existsSync(dir)) {
    log(`extracting the Linux kernel subset into ${dir}`);
    execFileSync('bash', [path.join(root, 'scripts', 'corpus.sh'), 'kernel', dir], { stdio: 'inherit' });
  }
  return dir;
}

/** Runs a command and returns its standard output; its errors go to ours. */
const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

module.exports = { root, ensureTorch, ensureKernelCorpus, run };
