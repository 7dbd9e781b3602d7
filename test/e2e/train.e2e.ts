// Training, as a user meets it in a real VS Code: the command palette starts it, the progress
// notification and the status bar show bits/char, it ends with a checkpoint in the extension
// storage; the training dashboard draws the stored curves and grows them live; a damaged
// checkpoint is reported with "Start Fresh", which trains anew; a setting that names another cell type
// than the stored model's is asked about (or, when training starts by itself, told); an untrusted workspace refuses. Screenshots go to .cellscope/e2e-screenshots.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCheckpointFile } from '../../src/files/checkpointFile';
import { encodeCheckpoint } from '../../src/model/checkpoint';
import { exportModel, importModel } from '../../src/files/modelExchange';
import { Arena } from '../../src/model/arena';
import { Trainer } from '../../src/train/trainer';
import { bodyBackground, closeAfterTest, freePort, installExtension, Workbench } from './workbench';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'cproject');
// A small, fast model so that a run ends within the test.
const FAST = {
  'cellscope.training.hiddenSize': 32, 'cellscope.training.batchSize': 8, 'cellscope.training.sequenceLength': 32,
  'cellscope.training.timeBudgetSeconds': 12,
};
const CHECKPOINT = 'model.cellscope';

describe('end to end: training in VS Code (code-server + Chromium)', function () {
  this.timeout(300_000);
  let extensions: string, workspace: string, reopen: { userDataDir: string; port: number };
  let wb: Workbench | undefined;

  before(() => {
    extensions = installExtension();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-ws-'));
    fs.cpSync(FIXTURE, workspace, { recursive: true });
    reopen = { userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-data-')), port: 0 };
  });
  before(async () => (reopen.port = await freePort()));
  afterEach(async function () {
    await closeAfterTest(wb, this.currentTest);
    wb = undefined;
  });

  it('trains from the command palette, shows bpc, and saves a checkpoint', async () => {
    wb = await Workbench.open(workspace, extensions, { ...FAST, 'security.workspace.trust.enabled': false }, reopen);
    assert.match(await wb.statusBar(), /Cellscope/);
    // Commands that cannot act are not offered: Stop Training while nothing trains, Model Info without a model.
    const idle = (await wb.paletteEntries('Cellscope:')).join('\n');
    assert.match(idle, /Train on Workspace/);
    assert.doesNotMatch(idle, /Stop Training|Show Model Info/);
    await wb.runCommand('Cellscope: Train on Workspace');
    await wb.waitFor('the progress notification with bpc, speed and time left',
      async () => /Cellscope: held-out (bpc not measured yet|\d\.\d\d bpc) · [\d,]+ chars\/s · \d+:\d\d left/.test(await wb!.notifications()));
    assert.match(await wb.statusBar(), /Cellscope training/);
    assert.match((await wb.paletteEntries('Cellscope: Stop')).join('\n'), /Stop Training/);
    await wb.screenshot('1-training');
    await wb.waitFor('training to end', async () => /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 90_000);
    await wb.screenshot('1-trained');
    const [file] = wb.storedFiles(CHECKPOINT);
    assert.ok(file, 'a checkpoint in the extension storage');
    const cp = loadCheckpointFile(file);
    assert.equal(cp.config.hidden, 32);
    assert.ok(cp.training.step > 0 && cp.training.history.length > 0);
    await wb.runCommand('Cellscope: Show Model Info');
    await wb.waitFor('the model info', async () => /2 layers of 32 LSTM cells.*trained \d+ s \(step \d+.* on 8 files, [\d,]+ training characters from .*held-out \d\.\d\d bits per character.*saved \d+ s ago/i.test(await wb!.dialogText()));
    await wb.screenshot('1-model-info');
    await wb.page.keyboard.press('Escape');

    // To PyTorch and back: Export Model… writes the stored model as safetensors, bit for bit;
    // Import Model… replaces it with another after asking.
    const exported = path.join(workspace, 'out.safetensors');
    await wb.runCommand('Cellscope: Export Model…');
    await wb.typeInFileDialog(exported);
    await wb.pickQuickInput('Parameters and optimizer state');
    await wb.waitFor('the export to be written', async () => fs.existsSync(exported) && /exported the model to out\.safetensors/.test(await wb!.notifications()));
    const back = importModel(fs.readFileSync(exported), exported);
    assert.deepEqual([back.params, back.adamM, back.vocabulary], [cp.params, cp.adamM, cp.vocabulary]);
    const other = Trainer.fresh(fs.readFileSync(path.join(FIXTURE, 'src', 'list.c'), 'utf8'), [], { cell: 'lstm', hidden: 16, layers: 1, batch: 2, steps: 16, lr: 1e-2, seed: 2 }, Arena.plain());
    other.step();
    const incoming = path.join(workspace, 'in.safetensors');
    fs.writeFileSync(incoming, exportModel(other.checkpoint(), false));
    await wb.runCommand('Cellscope: Import Model…');
    await wb.typeInFileDialog(incoming);
    await wb.waitFor('the question before replacing', async () => /Replace this workspace's Cellscope model with in\.safetensors \(1 layer of 16 cells/.test(await wb!.dialogText()));
    await wb.page.locator('.monaco-dialog-box a.monaco-button', { hasText: 'Replace' }).click();
    await wb.waitFor('the import', async () => /imported in\.safetensors/.test(await wb!.notifications()));
    assert.deepEqual(loadCheckpointFile(file).params, other.model.params);
    fs.writeFileSync(file, encodeCheckpoint(cp)); // the model trained here, for the scenarios below
  });

  it('shows the training dashboard: the stored curves, growing while training runs, and the samples, in dark and light themes', async () => {
    wb = await Workbench.open(workspace, extensions, { ...FAST, 'security.workspace.trust.enabled': false }, reopen);
    await wb.runCommand('Cellscope: Show Training Dashboard');
    const frame = await wb.webviewFrame('the training dashboard', '#plots');
    const dots = (series: string) => frame.locator(`#bpc .series.${series} circle`).count();
    const stored = loadCheckpointFile(wb.storedFiles(CHECKPOINT)[0]).training.history;
    await wb.waitFor('the stored history', async () => (await dots('held-out')) === stored.length);
    assert.equal(await frame.locator('#samples li').count(), stored.length, 'a sample per evaluation');
    assert.equal(await frame.locator('#samples li pre').first().textContent(), stored[stored.length - 1].sample, 'the newest first');
    assert.match(await frame.locator('#title').textContent() ?? '', /^This workspace's model: 2 layers of 32 LSTM cells/);
    assert.equal(await frame.locator('#saturation .series circle').count(), 6 * stored.length, 'six saturation shares per evaluation');
    const flow = stored[stored.length - 1].gradientFlow!;
    assert.equal(await frame.locator('#gradient-flow .series').count(), 2, 'the gradient flow of each layer');
    assert.equal(await frame.locator('#gradient-flow .series circle').count(), flow.flat().filter((n) => n > 0).length, 'a dot per step back');
    assert.match(await frame.locator('#gradient-flow svg').textContent() ?? '', /steps back from the loss/);
    const fills = await frame.locator('#bpc .series').evaluateAll((groups) => groups.map((g) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(g).fill));
    assert.equal(new Set([...fills, 'rgb(0, 0, 0)']).size, 3, `the theme's two chart colours, not the default black: ${fills}`);
    await wb.runCommand('Cellscope: Train on Workspace');
    const before = await dots('train');
    await wb.waitFor('the train curve to grow while training runs', async () => (await dots('train')) >= before + 2, 60_000);
    await wb.screenshot('6-dashboard-training');
    await wb.waitFor('training to end', async () => /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 90_000);
    await wb.waitFor('the new evaluation', async () => (await dots('held-out')) === stored.length + 1 && (await frame.locator('#samples li').count()) === stored.length + 1);
    // Against minutes: the same points, another axis.
    await frame.locator('#axis-minutes').check();
    await wb.waitFor('the minutes axis', async () => /minutes of training/.test(await frame.locator('#bpc svg').textContent() ?? ''));
    assert.equal(await dots('held-out'), stored.length + 1);
    await wb.screenshot('6-dashboard-light');
    const light = await bodyBackground(frame);
    await wb.useTheme('Dark Modern');
    await wb.waitFor('the dashboard in the dark theme', async () => (await bodyBackground(frame)) !== light);
    await wb.screenshot('6-dashboard-dark');
  });

  it('reports a damaged checkpoint and trains afresh on "Start Fresh"', async () => {
    const [file] = fs.readdirSync(path.join(reopen.userDataDir, 'User', 'workspaceStorage'))
      .map((d) => path.join(reopen.userDataDir, 'User', 'workspaceStorage', d, 'cellscope.cellscope', CHECKPOINT)).filter((f) => fs.existsSync(f));
    assert.ok(file, 'the first scenario left a checkpoint');
    // Crafted, as by a hostile hand: a valid checksum over a header no model has (the torn and tampered files are unit-tested).
    const good = loadCheckpointFile(file);
    fs.writeFileSync(file, encodeCheckpoint({ ...good, training: { ...good.training, steps: 0 } }));
    wb = await Workbench.open(workspace, extensions, { ...FAST, 'security.workspace.trust.enabled': false }, reopen);
    await wb.waitFor('the damaged-model message', async () => /cannot read its saved model: .*model\.cellscope: its header is invalid \(training\.steps is 0/.test(await wb!.notifications()));
    assert.match(await wb.notifications(), /Start Fresh/);
    await wb.screenshot('4-damaged-checkpoint');
    await wb.clickNotificationButton('Start Fresh');
    await wb.waitFor('the fresh training to end', async () => /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 90_000);
    assert.ok(loadCheckpointFile(file).training.step > 0);
  });

  it('asks, when the setting names another cell type than the stored model has, and trains the new one when told to', async () => {
    wb = await Workbench.open(workspace, extensions, { ...FAST, 'cellscope.training.cell': 'rnn', 'security.workspace.trust.enabled': false }, reopen);
    await wb.runCommand('Cellscope: Train on Workspace');
    await wb.waitFor('the question', async () => /This workspace's model is an LSTM; the setting cellscope\.training\.cell asks for an RNN\./.test(await wb!.dialogText()));
    await wb.screenshot('1-cell-question');
    await wb.page.locator('.monaco-dialog-box a.monaco-button', { hasText: 'Train a New RNN' }).click();
    const cell = () => loadCheckpointFile(wb!.storedFiles(CHECKPOINT)[0]).config.cell;
    await wb.waitFor('a new RNN, trained', async () => cell() === 'rnn' && /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 90_000);
  });

  it('resumes the stored model when it starts by itself, says once that the setting names another cell type, and trains a new one when told to', async () => {
    const cell = () => loadCheckpointFile(wb!.storedFiles(CHECKPOINT)[0]).config.cell ?? 'lstm';
    wb = await Workbench.open(workspace, extensions, { ...FAST, 'cellscope.training.autoStart': true, 'security.workspace.trust.enabled': false }, reopen);
    assert.equal(cell(), 'rnn', 'the previous scenario left an RNN');
    await wb.waitFor('the note and the resumed training', async () =>
      /This workspace's model is an RNN; the setting cellscope\.training\.cell asks for an LSTM\. Cellscope keeps training the RNN\./.test(await wb!.notifications()) && /Cellscope training/.test(await wb!.statusBar()));
    assert.equal(await wb.page.locator('.monaco-dialog-box').count(), 0, 'no modal dialog: nobody asked to train');
    await wb.screenshot('1-cell-note');
    await wb.clickNotificationButton('Train a New LSTM');
    await wb.waitFor('a new LSTM, trained', async () => cell() === 'lstm' && /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 90_000);
  });

  it('starts by itself when asked to, asks before restarting, and stops on command with a save', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-auto-'));
    fs.cpSync(FIXTURE, ws, { recursive: true });
    wb = await Workbench.open(ws, extensions, { ...FAST, 'cellscope.training.timeBudgetSeconds': 600, 'cellscope.training.autoStart': true, 'security.workspace.trust.enabled': false });
    await wb.waitFor('training to start by itself', async () => /Cellscope training/.test(await wb!.statusBar()));
    await wb.runCommand('Cellscope: Train on Workspace');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await wb.waitFor('the restart question', async () => /already training/.test((await dialog.allInnerTexts()).join(' ')));
    await wb.screenshot('1-restart-question');
    await dialog.locator('a.monaco-button', { hasText: 'Restart' }).click();
    await wb.waitFor('the restarted training to report progress', async () => /chars\/s/.test(await wb!.notifications()));
    await wb.runCommand('Cellscope: Stop Training');
    await wb.waitFor('training to stop', async () => !/training/.test(await wb!.statusBar()));
    const [file] = wb.storedFiles(CHECKPOINT);
    assert.ok(file && loadCheckpointFile(file).training.step > 0, 'stopping saved a checkpoint');
  });

  it('refuses to train an untrusted workspace', async () => {
    const untrusted = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-untrusted-'));
    fs.cpSync(FIXTURE, untrusted, { recursive: true });
    wb = await Workbench.open(untrusted, extensions, { ...FAST, 'security.workspace.trust.enabled': true });
    assert.match(await wb.statusBar(), /Restricted Mode/);
    await wb.runCommand('Cellscope: Train on Workspace');
    await wb.waitFor('the Restricted Mode message', async () => /Cellscope does not train in Restricted Mode/.test(await wb!.notifications()));
    await wb.screenshot('4-untrusted');
    assert.deepEqual(wb.storedFiles(CHECKPOINT), []);
  });
});
