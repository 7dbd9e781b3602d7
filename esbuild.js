// Builds Cellscope's bundles with esbuild: one named options object per bundle. Usage:
//   node esbuild.js [--production] [--watch]
// --production (what `npm run package` ships) minifies, leaves out source maps and writes
// dist/THIRD-PARTY-NOTICES.md for every package the bundles and assets hold. Exits non-zero
// when a bundle fails, so CI and `npm test` stop there.

const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  metafile: production, // which packages each bundle holds, for the notices
  logLevel: 'info',
  // web-tree-sitter is an ES module that finds itself through import.meta.url, which a CommonJS
  // bundle does not have: give it the bundle's own file URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** The extension host's entry: `main` in package.json. vscode is provided by the host. */
const extension = { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] };

/** The training worker thread, started by the extension host from dist/trainWorker.js. */
const trainWorker = { ...common, entryPoints: ['src/train/trainWorker.ts'], outfile: 'dist/trainWorker.js' };

/** A helper thread of parallel training steps, started by the training thread from dist/trainShard.js. */
const trainShard = { ...common, entryPoints: ['src/train/shardWorker.ts'], outfile: 'dist/trainShard.js' };

/** The engine worker thread (model, completions), started by the extension host from dist/engineWorker.js. */
const engineWorker = { ...common, entryPoints: ['src/engine/engineWorker.ts'], outfile: 'dist/engineWorker.js' };

/** The engine's beam-step helper thread, started by the engine worker from dist/engineStep.js. */
const engineStep = { ...common, entryPoints: ['src/engine/stepHelperThread.ts'], outfile: 'dist/engineStep.js' };

/** The activation panel's webview script, loaded by the webview from dist/activations.js. */
const webview = { ...common, entryPoints: ['media/activations.ts'], outfile: 'dist/activations.js', platform: 'browser', format: 'iife', target: 'es2022', define: {}, banner: {} };

/** The training dashboard's webview script, from dist/dashboard.js. */
const dashboard = { ...webview, entryPoints: ['media/dashboard.ts'], outfile: 'dist/dashboard.js' };

/** The command line: `bin` in package.json. */
const cli = { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' };

/** Files the bundles load at run time, copied as their npm packages ship them: web-tree-sitter's
 *  runtime and the grammars into dist/grammars, the codicon font into dist/codicons. Returns
 *  the packages copied from (and AssemblyScript's, whose runtime the kernels hold). */
function copyAssets() {
  fs.mkdirSync('dist/codicons', { recursive: true });
  for (const name of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(require.resolve(`@vscode/codicons/dist/${name}`), `dist/codicons/${name}`);
  const files = { 'web-tree-sitter': ['web-tree-sitter.wasm'], 'tree-sitter-typescript': ['tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm'] };
  for (const language of ['c', 'cpp', 'javascript', 'python', 'go', 'rust', 'java']) files[`tree-sitter-${language}`] = [`tree-sitter-${language}.wasm`];
  fs.mkdirSync('dist/grammars', { recursive: true });
  for (const [pkg, names] of Object.entries(files)) {
    for (const name of names) fs.copyFileSync(require.resolve(`${pkg}/${name}`), `dist/grammars/${name}`);
  }
  return ['@vscode/codicons', ...Object.keys(files), 'assemblyscript'];
}

/** dist/THIRD-PARTY-NOTICES.md: each package in the bundles (from esbuild's metafiles) or the assets, its licence and its licence text. */
function writeNotices(results, assetPackages) {
  const packages = new Map(assetPackages.map((name) => [name, path.join('node_modules', name)])); // name → folder
  for (const { metafile } of results) {
    for (const input of Object.keys(metafile.inputs)) {
      const at = input.lastIndexOf('node_modules/') + 'node_modules/'.length;
      if (at < 'node_modules/'.length) continue;
      const [scope, name] = input.slice(at).split('/'), full = scope.startsWith('@') ? `${scope}/${name}` : scope;
      packages.set(full, input.slice(0, at) + full);
    }
  }
  const sections = [...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => {
    const { version, license } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    if (!file) throw new Error(`${name} ships no licence file: name its licence in the notices by hand`);
    return `## ${name} ${version} (${license})\n\n\`\`\`\n${fs.readFileSync(path.join(dir, file), 'utf8').trim()}\n\`\`\`\n`;
  });
  fs.writeFileSync('dist/THIRD-PARTY-NOTICES.md', `# Third-party notices\n\nCellscope's bundles and assets hold these packages.\n\n${sections.join('\n')}`);
}

/** Both builds of the SIMD kernels: see buildSimdKernels. */
function buildSimdBuilds() {
  return Promise.all([buildSimdKernels(), buildSimdKernels('dist/simd-relaxed.wasm', true)]);
}

/**
 * The SIMD kernels: AssemblyScript → dist/simd.wasm, and with relaxed SIMD (fused multiply-add)
 * → dist/simd-relaxed.wasm for runtimes that have it (shared memory imported from the worker).
 */
async function buildSimdKernels(outFile = 'dist/simd.wasm', relaxed = false) {
  const { default: asc } = await import('assemblyscript/asc');
  const { error, stderr } = await asc.main([
    `${__dirname}/src/model/simd/gemm.ts`, `${__dirname}/src/model/simd/pointwise.ts`, `${__dirname}/src/model/simd/optimizer.ts`, '--outFile', outFile, '-O3',
    '--enable', 'simd', ...(relaxed ? ['--enable', 'relaxed-simd'] : []), '--enable', 'threads',
    '--importMemory', '--sharedMemory', '--maximumMemory', '16384', '--runtime', 'stub', '--noExportMemory',
  ]);
  if (error) throw new Error(`AssemblyScript: ${error.message}\n${stderr.toString()}`);
}

async function main() {
  fs.rmSync('dist', { recursive: true, force: true });
  const bundles = [extension, trainWorker, trainShard, engineWorker, engineStep, webview, dashboard, cli];
  const assetPackages = copyAssets();
  if (watch) {
    await buildSimdBuilds();
    for (const options of bundles) await (await esbuild.context(options)).watch();
    return;
  }
  const [results] = await Promise.all([Promise.all(bundles.map((options) => esbuild.build(options))), buildSimdBuilds()]);
  fs.chmodSync('dist/cli.js', 0o755);
  if (production) writeNotices(results, assetPackages);
}

module.exports = { buildSimdKernels }; // for tests that need the kernels without a whole build

if (require.main === module) {
  main().catch((err) => {
    console.error(err.message ?? err);
    process.exit(1);
  });
}
