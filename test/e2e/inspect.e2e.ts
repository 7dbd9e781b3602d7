// The activation panel, as a user meets it in a real VS Code: after training, "Cellscope:
// Show Activations" opens a webview beside the editor with the file's characters coloured by
// a cell, the discovered cells named (if-statement, comment, depth); picking another cell
// changes the colours; hovering shows the model's guesses; clicking moves the editor's cursor;
// the surprise view lists its places; edits show up; Find Cells for Selection (from the
// editor's context menu) ranks cells for a selected comment, colours the code by the first, and
// Find Similar links to places in the file and the workspace, in dark and light themes; a
// hostile file renders as text and runs nothing.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { bodyBackground, closeAfterTest, installExtension, Workbench } from './workbench';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'cproject');
const SETTINGS = {
  'cellscope.training.hiddenSize': 32, 'cellscope.training.batchSize': 8, 'cellscope.training.sequenceLength': 32,
  'cellscope.training.timeBudgetSeconds': 15, 'cellscope.completion.enabled': false, 'security.workspace.trust.enabled': false,
};
const HOSTILE = '/* </script><img src=x onerror=alert(1)> */\n<!-- char *s = "<b>bold</b>"; -->\nint x;\n';

/** The activation panel's frame: the one holding #code. */
const panelFrame = (wb: Workbench) => wb.webviewFrame('the activation panel', '#code');

const backgrounds = (frame: Frame) => frame.locator('#code span').evaluateAll((spans) => spans.map((s) => (s as unknown as { style: { backgroundColor: string } }).style.backgroundColor));

describe('end to end: the activation panel in VS Code (code-server + Chromium)', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  afterEach(async function () {
    await closeAfterTest(wb, this.currentTest);
    wb = undefined;
  });

  it('colours the code by named cells, switches cells, shows guesses, and renders a hostile file as text', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-inspect-'));
    fs.cpSync(FIXTURE, ws, { recursive: true });
    fs.writeFileSync(path.join(ws, 'src', 'hostile.c'), HOSTILE);
    let dialogs = 0;
    wb = await Workbench.open(ws, installExtension(), SETTINGS);
    wb.page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await wb.runCommand('Cellscope: Train on Workspace');
    await wb.waitFor('training to end', async () => /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 120_000);

    await wb.openFile('main.c');
    await wb.page.locator('.editor-actions [aria-label*="Show Activations"]').first().click(); // the title bar's button on a source file
    const frame = await panelFrame(wb);
    const main = fs.readFileSync(path.join(ws, 'src', 'main.c'), 'utf8');
    await wb.waitFor('main.c in the panel', async () => (await frame.locator('#code').textContent()) === main);
    await wb.waitFor('the named cells', async () => /if-statement cell.*comment cell.*code-depth cell/s.test(await frame.locator('#named').textContent() ?? ''), 60_000);
    const first = await backgrounds(frame);
    assert.equal(first.length, [...main].length);
    assert.ok(new Set(first).size > 5, 'the characters are coloured by their values');
    await wb.screenshot('3-activations');

    // Another cell: the forget gate of cell 3 of layer 2.
    await frame.locator('#index input').fill('3');
    await frame.locator('vscode-radio[value="forget"]').click();
    await wb.waitFor('the forget gate of cell 3', async () => /forget gate of L\d#3/.test(await frame.locator('#code').getAttribute('aria-label') ?? ''));
    assert.notDeepEqual(await backgrounds(frame), first, 'new colours');

    // Hover: the model's five guesses; click: the editor's cursor goes there.
    const span = frame.locator('#code span').nth(main.indexOf('return'));
    await span.hover();
    await wb.waitFor('the guesses', async () => (await frame.locator('#guesses').isVisible()) && (await frame.locator('#guesses').textContent())!.split('\n').length === 6);
    await span.click();
    const line = main.slice(0, main.indexOf('return')).split('\n').length;
    await wb.waitFor('the cursor at the clicked character', async () => (await wb!.cursor()).startsWith(`Ln ${line},`));

    // Surprise: the code coloured by bits per character, the mean, and ten places that link to their lines.
    await frame.locator('vscode-radio[value="surprise"]').click();
    await wb.waitFor('the surprise view', async () => /coloured by the model's surprise/.test(await frame.locator('#code').getAttribute('aria-label') ?? ''));
    assert.match(await frame.locator('#mean').textContent() ?? '', /^\d+\.\d\d bits per character on average here/);
    const places = frame.locator('#places a');
    assert.equal(await places.count(), 10);
    const [, placeLine] = /^line (\d+):/.exec((await places.first().textContent())!)!;
    await wb.screenshot('3-surprise');
    await places.first().click();
    await wb.waitFor('the cursor at the most surprising place', async () => (await wb!.cursor()).startsWith(`Ln ${placeLine},`));
    await frame.locator('vscode-radio[value="cell"]').click(); // back to a cell for what follows
    await wb.waitFor('a cell again', async () => /tanh\(c\) of L\d#3/.test(await frame.locator('#code').getAttribute('aria-label') ?? ''));

    // Edits: the panel follows them once typing pauses.
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('int edited;');
    await wb.waitFor('the edit in the panel', async () => (await frame.locator('#code').textContent())!.endsWith('}\nint edited;'));

    // Find Cells for Selection: select the inside of list.c's first comment, run it from the
    // editor's context menu, see the ranked list, pick the first cell, then Find Similar.
    await wb.openFile('list.c');
    const list = fs.readFileSync(path.join(ws, 'src', 'list.c'), 'utf8');
    await wb.page.keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('ArrowRight');
    await wb.page.keyboard.press('Shift+End');
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('Shift+ArrowLeft');
    await wb.page.keyboard.press('Shift+F10'); // the editor's context menu, at the selection
    await wb.page.locator('.context-view .action-label', { hasText: 'Find Cells for Selection' }).first().hover(); // Monaco's menu takes its item from the pointer, then Enter
    await wb.page.keyboard.press('Enter');
    await wb.waitFor('the cells for the selection', async () => (await frame.locator('#found-cells li').count()) > 0, 60_000);
    assert.match(await frame.locator('#found h2').textContent() ?? '', /^Cells for line 1 of src\/list\.c$/);
    assert.match(await frame.locator('#ranking').textContent() ?? '', /^The selection is a comment: every cell ranked by how well it tells the 2 of them in src\/list\.c from the rest/);
    const firstFound = (await frame.locator('#found-cells li').first().textContent())!;
    const [, foundLayer, foundIndex] = /^\s*L(\d+)#(\d+) tanh\(c\)/.exec(firstFound)!;
    assert.match(firstFound, /AUC (0\.[5-9]\d|1\.00), IoU \d\.\d\d$/);
    await wb.waitFor('list.c in the panel', async () => (await frame.locator('#code').textContent()) === list);
    const beforePick = await backgrounds(frame);
    await frame.locator('#found-cells a.cell').first().click();
    await wb.waitFor('the code coloured by the first cell found', async () => (await frame.locator('#code').getAttribute('aria-label')) === `src/list.c, coloured by tanh(c) of L${foundLayer}#${foundIndex}`);
    assert.notDeepEqual(await backgrounds(frame), beforePick, 'new colours');
    await frame.locator('#find-similar').click();
    await wb.waitFor('the similar places', async () => (await frame.locator('#similar-inWorkspace a').count()) > 0, 60_000);
    const inFile = frame.locator('#similar-inFile a');
    if ((await inFile.count()) > 0) {
      const [, similarLine] = /^line (\d+):/.exec((await inFile.first().textContent())!)!;
      await inFile.first().click();
      await wb.waitFor('the cursor at the similar place', async () => (await wb!.cursor()).startsWith(`Ln ${similarLine},`));
    }
    const elsewhere = frame.locator('#similar-inWorkspace a').first(), [, otherFile, otherLine] = /^src\/(\w+\.[ch]):(\d+):/.exec((await elsewhere.textContent())!)!;
    await wb.screenshot('3-find-cells-light');
    await elsewhere.click();
    await wb.waitFor('the workspace place opened', async () => (await wb!.page.locator(`.tab.active[aria-label*="${otherFile}"]`).count()) > 0 && (await wb!.cursor()).startsWith(`Ln ${otherLine},`));
    // A new threshold asks again and lists what is on at it.
    await frame.locator('#threshold').evaluate((input) => {
      (input as unknown as { value: string }).value = '0.6';
      input.dispatchEvent(new Event('change'));
    });
    await wb.waitFor('the list at ℓ = 0.60', async () => (await frame.locator('#found output').textContent()) === '0.60' && (await frame.locator('#threshold').inputValue()) === '0.6');
    // The dark theme: the panel follows it.
    const light = await bodyBackground(frame);
    await wb.useTheme('Dark Modern');
    await wb.waitFor('the panel in the dark theme', async () => (await bodyBackground(frame)) !== light);
    await wb.screenshot('3-find-cells-dark');

    // A hostile file: its characters shown as they are, nothing run.
    await wb.openFile('hostile.c');
    await wb.waitFor('hostile.c in the panel', async () => (await frame.locator('#code').textContent()) === HOSTILE);
    assert.equal(await frame.locator('img, b').count(), 0, 'no markup from the file');
    assert.equal(dialogs, 0, 'no script from the file');
    await wb.screenshot('3-hostile');
  });

  it('a GRU (cellscope.training.cell): the panel shows h and its reset and update gates, and their saturation', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-e2e-gru-'));
    fs.cpSync(FIXTURE, ws, { recursive: true });
    wb = await Workbench.open(ws, installExtension(), { ...SETTINGS, 'cellscope.training.cell': 'gru' });
    await wb.runCommand('Cellscope: Train on Workspace');
    await wb.waitFor('training to end', async () => /Cellscope \d\.\d\d bpc/.test(await wb!.statusBar()) && !/training/.test(await wb!.statusBar()), 120_000);
    await wb.openFile('main.c');
    await wb.runCommand('Cellscope: Show Activations');
    const frame = await panelFrame(wb);
    await wb.waitFor('the named cells', async () => /comment cell/.test(await frame.locator('#named').textContent() ?? ''), 60_000);
    const kinds = await frame.locator('vscode-radio').evaluateAll((radios) => radios.map((r) => `${r.getAttribute('value')}: ${r.getAttribute('label')}`));
    assert.deepEqual(kinds, ['cell: h', 'reset: reset gate', 'update: update gate', 'surprise: surprise (bits/char)']);
    await wb.waitFor('coloured by h', async () => /coloured by h of L\d#\d+$/.test(await frame.locator('#code').getAttribute('aria-label') ?? ''));
    const byH = await backgrounds(frame);
    await frame.locator('vscode-radio[value="update"]').click();
    await wb.waitFor('the update gate', async () => /coloured by update gate of L\d#\d+$/.test(await frame.locator('#code').getAttribute('aria-label') ?? ''));
    assert.notDeepEqual(await backgrounds(frame), byH, 'new colours');
    assert.deepEqual(await frame.locator('#saturation figcaption').allTextContents(), ['reset gate: x left-saturated (< 0.1), y right-saturated (> 0.9)', 'update gate: x left-saturated (< 0.1), y right-saturated (> 0.9)']);
    await wb.screenshot('3-activations-gru');
  });
});
