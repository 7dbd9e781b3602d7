// Extension-host API tests with @vscode/test-electron, for machines that have a desktop VS Code:
//   CELLSCOPE_VSCODE=/path/to/code npm run test:integration
// They run Cellscope from this folder (not packaged) in that VS Code, on a copy of the fixture
// project, with a fresh user-data and extensions folder. test-electron can download VS Code,
// but this script never asks it to: the machines Cellscope is built on reach no download site.
// The end-to-end tests (test/e2e, code-server in Chromium) are the ones `npm test` runs.

import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const vscodeExecutablePath = process.env.CELLSCOPE_VSCODE;
  if (!vscodeExecutablePath || !fs.existsSync(vscodeExecutablePath)) {
    console.error('Set CELLSCOPE_VSCODE to a VS Code executable (for example /usr/share/code/code) to run the integration tests.');
    process.exit(2);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-integration-'));
  const suite = path.join(work, 'suite.js');
  // The suite runs inside VS Code's extension host, which loads JavaScript: bundle it (vscode stays external).
  await esbuild.build({ entryPoints: [path.join(__dirname, 'suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
  const workspace = path.join(work, 'workspace');
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'cproject'), workspace, { recursive: true });
  fs.mkdirSync(path.join(workspace, '.vscode'));
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
    'cellscope.training.hiddenSize': 32, 'cellscope.training.batchSize': 8, 'cellscope.training.sequenceLength': 32, 'cellscope.training.timeBudgetSeconds': 10,
  }));
  await runTests({
    vscodeExecutablePath, extensionDevelopmentPath: ROOT, extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(work, 'user'), '--extensions-dir', path.join(work, 'extensions')],
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
