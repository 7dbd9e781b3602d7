// Training in the workspaces users have: a multi-root workspace learns from all its folders,
// and "retrain on save" starts training when a file is saved; PyTorch trains when the settings
// ask for it; a training worker that cannot run ends in an error with "Show Log", which opens
// the Cellscope log.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCheckpointFile } from '../../src/files/checkpointFile';
import { closeAfterTest, installExtension, Workbench } from './workbench';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'cproject');
const FAST = {
  'cellscope.training.hiddenSize': 32, 'cellscope.training.batchSize': 8, 'cellscope.training.sequenceLength': 32,
  'cellscope.training.timeBudgetSeconds': 10, 'security.workspace.trust.enabled': false,
};

describe('end to end: multi-root workspaces, retrain on save, a failing worker (code-server + Chromium)', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  afterEach(async function () {
    await closeAfterTest(wb, this.currentTest);
    wb = undefined;
  });

  it('learns from every folder of a multi-root workspace, and trains again when a file is saved', async () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-multi-'));
    const c = path.join(top, 'cproject'), js = path.join(top, 'webapp');
    fs.cpSync(FIXTURE, c, { recursive: true });
    fs.mkdirSync(js);
    fs.writeFileSync(path.join(js, 'app.js'), 'export function add(a, b) {\n  if (a === undefined) return b;\n  return a + b;\n}\n'.repeat(20));
    fs.writeFileSync(path.join(js, 'util.js'), '// helpers\nexport const twice = (x) => 2 * x;\n'.repeat(20));
    fs.writeFileSync(path.join(js, 'vendor.js'), 'var v = 1;\n'.repeat(20));
    // A folder's own setting applies to that folder only: "vendor.js" would match nothing in cproject anyway, "*.h" would.
    fs.mkdirSync(path.join(js, '.vscode'));
    fs.writeFileSync(path.join(js, '.vscode', 'settings.json'), JSON.stringify({ 'cellscope.training.exclude': ['vendor.js', '*.h'] }));
    const workspaceFile = path.join(top, 'both.code-workspace');
    fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'cproject' }, { path: 'webapp' }] }));
    wb = await Workbench.open(workspaceFile, installExtension(), { ...FAST, 'cellscope.training.retrainOnSave': true });

    await wb.openFile('util.js');
    await wb.page.keyboard.type('// saved\n');
    await wb.page.keyboard.press('Control+S');
    await wb.waitFor('training to start on save', async () => /Cellscope training/.test(await wb!.statusBar()));
    await wb.waitFor('training to end', async () => /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 90_000);
    assert.match(wb.log(), new RegExp(`training on ${c}, ${js} for 10 s`));
    assert.match(wb.log(), /10 files \(1 held out\) from /); // 8 + 2: webapp's vendor.js left out by its folder's setting, cproject's headers kept
    const [file] = wb.storedFiles('model.cellscope');
    assert.ok(file && loadCheckpointFile(file).training.step > 0);
  });

  it('trains through PyTorch when asked to (backend pytorch), and the model reaches completions as the built-in one does', async function () {
    if (spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0) {
      console.log("    skipped: Debian's python3-torch is not installed (npm test installs it as root)");
      this.skip();
    }
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-torch-'));
    fs.cpSync(FIXTURE, ws, { recursive: true });
    wb = await Workbench.open(ws, installExtension(), { ...FAST, 'cellscope.training.backend': 'pytorch', 'cellscope.training.pythonPath': '/usr/bin/python3' });
    await wb.runCommand('Cellscope: Train on Workspace');
    await wb.waitFor('the PyTorch run to end with a held-out figure', async () => /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 120_000);
    await wb.waitFor('completions to take the model', async () => /Complete(?!: no model)/.test(await wb!.statusBar()));
    const [file] = wb.storedFiles('model.cellscope');
    assert.ok(file && loadCheckpointFile(file).training.step > 0);
    assert.match(wb.log(), /8 files \(1 held out\)[\s\S]*step \d+: held-out \d\.\d+ bpc[\s\S]*saved .*model\.cellscope/);
    await wb.screenshot('5-pytorch-backend');
  });

  it('reports a training worker that cannot run, and Show Log opens the log', async () => {
    const extensions = installExtension();
    const [installed] = fs.readdirSync(extensions).filter((d) => d.startsWith('cellscope.cellscope'));
    fs.rmSync(path.join(extensions, installed, 'dist', 'trainWorker.js')); // a damaged installation
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-broken-'));
    fs.cpSync(FIXTURE, ws, { recursive: true });
    wb = await Workbench.open(ws, extensions, FAST);
    await wb.runCommand('Cellscope: Train on Workspace');
    await wb.waitFor('the failure message', async () => /Cellscope training failed: The training worker could not start \(Cannot find module .*trainWorker\.js'\); reinstalling Cellscope may help\./.test(await wb!.notifications()));
    assert.match(await wb.notifications(), /Show Log/);
    await wb.screenshot('4-worker-failed');
    await wb.clickNotificationButton('Show Log');
    await wb.waitFor('the Cellscope log', async () => (await wb!.page.locator('.part.panel').isVisible()) && /Cellscope/.test(await wb!.page.locator('.part.panel').innerText()));
    assert.match(await wb.statusBar(), /Cellscope/);
    assert.doesNotMatch(await wb.statusBar(), /training/);
  });
});
