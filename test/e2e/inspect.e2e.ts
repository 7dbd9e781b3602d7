// The activation panel, as a user meets it in a real VS Code: after training, "Cellscope:
// Show Activations" opens a webview beside the editor with the file's characters coloured by
// a cell, the discovered cells named (if-statement, comment, depth); picking another cell
// changes the colours; hovering shows the model's guesses; clicking moves the editor's cursor;
// edits show up; a hostile file renders as text and runs nothing.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { closeAfterTest, installExtension, Workbench } from './workbench';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'cproject');
const SETTINGS = {
  'cellscope.training.hiddenSize': 32, 'cellscope.training.batchSize': 8, 'cellscope.training.sequenceLength': 32,
  'cellscope.training.timeBudgetSeconds': 15, 'cellscope.completion.enabled': false, 'security.workspace.trust.enabled': false,
};
const HOSTILE = '/* </script><img src=x onerror=alert(1)> */\n<!-- char *s = "<b>bold</b>"; -->\nint x;\n';

/** The webview's content frame: the one holding the panel's #code. */
async function panelFrame(wb: Workbench): Promise<Frame> {
  let found: Frame | undefined;
  await wb.waitFor('the activation panel', async () => {
    for (const frame of wb.page.frames()) if (await frame.locator('#code').count().catch(() => 0)) found = frame;
    return found !== undefined;
  });
  return found!;
}

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

    // A hostile file: its characters shown as they are, nothing run.
    await wb.openFile('hostile.c');
    await wb.waitFor('hostile.c in the panel', async () => (await frame.locator('#code').textContent()) === HOSTILE);
    assert.equal(await frame.locator('img, b').count(), 0, 'no markup from the file');
    assert.equal(dialogs, 0, 'no script from the file');
    await wb.screenshot('3-hostile');
  });
});
