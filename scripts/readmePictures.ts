// `npm run pictures`: the README's pictures, taken in a real VS Code (code-server, from
// test/e2e's workbench tools) with a model trained on the Linux kernel subset, not the
// seconds-old models of the tests: ghost text, the activation panel on the comment cell, Find
// Cells for a selected comment, and the training dashboard. Writes docs/images/*.png.
//   usage: npm run pictures -- [--model .cellscope/kernel-h128-10min.cellscope] [--corpus .cellscope/kernel]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, installExtension, Workbench } from '../test/e2e/workbench';

const ROOT = path.resolve(__dirname, '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
// The file shown: kernel C with comments, ifs and a string or two.
const FILE = 'kernel/acct.c';

async function main(): Promise<void> {
  const { values: a } = parseArgs({ options: { model: { type: 'string', default: '.cellscope/kernel-h128-10min.cellscope' }, corpus: { type: 'string', default: '.cellscope/kernel' } } });
  const model = path.resolve(a.model!), given = path.resolve(a.corpus!);
  if (!fs.existsSync(model) || !fs.existsSync(path.join(given, FILE))) {
    console.error(`pictures: needs a kernel model and corpus, for example:\n  bash scripts/corpus.sh kernel ${a.corpus}\n  node dist/cli.js train ${a.corpus} --out ${a.model} --seconds 600`);
    process.exit(2);
  }
  // A copy: nothing the pictures do can reach the corpus the figures read.
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-pictures-ws-'));
  fs.cpSync(given, corpus, { recursive: true });
  const extensions = installExtension();
  // VS Code's word suggestions off, as in the completion e2e: only Cellscope's ghost text.
  const settings = {
    'security.workspace.trust.enabled': false, 'files.autoSave': 'off', 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false,
  };
  const reopen = { userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cellscope-pictures-')), port: await freePort() };
  // First opening: VS Code makes the workspace's storage folder; the model goes there, as training would put it.
  let wb = await Workbench.open(corpus, extensions, settings, reopen);
  await wb.close();
  const storage = path.join(reopen.userDataDir, 'User', 'workspaceStorage');
  const [folder] = fs.readdirSync(storage).map((d) => path.join(storage, d)).filter((d) => fs.statSync(d).isDirectory());
  fs.mkdirSync(path.join(folder, 'cellscope.cellscope'), { recursive: true });
  fs.copyFileSync(model, path.join(folder, 'cellscope.cellscope', 'model.cellscope'));
  wb = await Workbench.open(corpus, extensions, settings, reopen);
  try {
    // The engine has the model (and the workspace's counts) once completions say so.
    await wb.waitFor('the model in the engine', async () => /Cellscope \d\.\d\d bpc/.test(await wb.statusBar()) && /Complete(?!: no model)/.test(await wb.statusBar()), 120_000);
    fs.mkdirSync(IMAGES, { recursive: true });
    const shoot = async (name: string) => {
      await wb.page.mouse.move(2, 880); // no hover box over the code
      await wb.page.waitForTimeout(800);
      await wb.page.screenshot({ path: path.join(IMAGES, `${name}.png`) });
      console.log(`wrote docs/images/${name}.png`);
    };

    // Room for the code: no side bars.
    await wb.runCommand('View: Close Primary Side Bar');
    await wb.runCommand('View: Toggle Secondary Side Bar Visibility');
    // Ghost text: a line typed inside an if of encode_comp_t, which the file has shown the way to.
    await wb.openFile(path.basename(FILE));
    const text = fs.readFileSync(path.join(corpus, FILE), 'utf8');
    await goToLine(wb, text.slice(0, text.indexOf('\tif (rnd && (++value > MAXFRACT)) {')).split('\n').length);
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('value >>= EXP', { delay: 60 }); // after the editor's own indentation
    await wb.waitFor('ghost text', async () => (await wb.ghostText()).length > 0, 30_000);
    await shoot('ghost-text');
    await wb.page.keyboard.press('Escape');
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('Control+Z'); // the typing and the new line: the file as it was

    // The editor at a comment of several lines in the middle of the file, where the panel shows it.
    const inside = text.indexOf('/*\n', text.length >> 1) + 3;
    const line = text.slice(0, inside).split('\n').length;
    await goToLine(wb, line);

    // The activation panel, on the cell discovery names for comments.
    await wb.runCommand('Cellscope: Show Activations');
    const panel = await wb.webviewFrame('the activation panel', '#code');
    await wb.waitFor('the named cells', async () => /comment cell/.test(await panel.locator('#named').textContent() ?? ''), 120_000);
    const comment = panel.locator('#named vscode-option', { hasText: 'comment cell' }).first();
    const [layer, index] = (await comment.getAttribute('value'))!.split(':').map(Number);
    await panel.locator('#layer input').fill(String(layer + 1));
    await panel.locator('#index input').fill(String(index));
    await wb.waitFor('the comment cell', async () => new RegExp(`tanh\\(c\\) of L${layer + 1}#${index}$`).test(await panel.locator('#code').getAttribute('aria-label') ?? ''), 60_000);
    // The panel at the same comment, a few lines above it.
    const shown = (await panel.locator('#code').textContent())!, at = shown.lastIndexOf('\n', shown.indexOf(text.slice(inside - 3, inside + 40)) - 200);
    await panel.locator('#code span').nth([...shown.slice(0, at)].length).evaluate((span) => (span as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
    await shoot('activations');

    // Find Cells for Selection: that comment's first line of text.
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click(); // the editor, not the panel
    await goToLine(wb, line);
    await wb.page.keyboard.press('Home');
    await wb.page.keyboard.press('Shift+End');
    await wb.runCommand('Cellscope: Find Cells for Selection');
    await wb.waitFor('the cells found', async () => (await panel.locator('#found-cells li').count()) > 0, 120_000);
    await panel.locator('#found-cells a.cell').first().click();
    await panel.locator('#found').scrollIntoViewIfNeeded();
    await shoot('find-cells');

    // The training dashboard, alone: the model's history.
    await wb.runCommand('View: Close All Editor Groups');
    await wb.runCommand('Cellscope: Show Training Dashboard');
    await wb.webviewFrame('the dashboard', '#plots svg');
    await shoot('dashboard');
  } catch (err) {
    await wb.page.screenshot({ path: path.join(os.tmpdir(), 'cellscope-pictures-failed.png') });
    throw new Error(`${(err as Error).message} (the screen: ${path.join(os.tmpdir(), 'cellscope-pictures-failed.png')}; the log's end:\n${wb.log().trim().split('\n').slice(-8).join('\n')})`);
  } finally {
    await wb.close();
  }
}

/** Puts the cursor at the start of line `line` (from 1), through Go to Line. */
async function goToLine(wb: Workbench, line: number): Promise<void> {
  await wb.page.keyboard.press('Control+G');
  await wb.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await wb.page.keyboard.type(String(line));
  await wb.page.keyboard.press('Enter');
  await wb.page.waitForSelector('.quick-input-widget', { state: 'hidden' });
}

main().catch((err: Error) => {
  console.error(`pictures: ${err.message}`);
  process.exit(1);
});
