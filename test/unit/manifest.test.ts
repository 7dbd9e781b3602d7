// package.json against the code: every contributed command is registered and every
// registered command contributed; the settings declared are the settings table, every one of
// them read; the completion settings' defaults are the engine's.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_COMPLETION_OPTIONS } from '../../src/complete/suggest';
import { SETTINGS } from '../../src/config/settings';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'));
}

describe('package.json contributions', () => {
  const files = sources(path.join(root, 'src')), code = files.join('\n');

  it('contributes exactly the commands the code registers', () => {
    const registered = [...code.matchAll(/registerCommand\('([\w.]+)'/g)].map((m) => m[1]).sort();
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, registered);
  });

  it('shows menu items only when the code can set what their `when` clauses ask, and packages the walkthrough it names', () => {
    const contributed = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const set = new Set([...code.matchAll(/'setContext', '(cellscope\.\w+)'/g)].map((m) => m[1]));
    for (const items of Object.values(manifest.contributes.menus) as { command: string; when?: string }[][]) {
      for (const item of items) {
        assert.ok(contributed.has(item.command), item.command);
        for (const key of item.when?.match(/cellscope\.\w+/g) ?? []) assert.ok(set.has(key), `${item.command}: nothing sets ${key}`);
      }
    }
    const packaged = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    for (const step of manifest.contributes.walkthroughs.flatMap((w: { steps: { media: { markdown: string } }[] }) => w.steps)) {
      assert.ok(fs.existsSync(path.join(root, step.media.markdown)), step.media.markdown);
      assert.ok(packaged.includes(`!${path.dirname(step.media.markdown)}/*.md`), `${step.media.markdown} is not packaged`);
    }
  });

  it('packages every file a webview loads (its script and style sheets)', () => {
    const packaged = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
    const pages = [...code.matchAll(/script: '([^']+)', styles: \[([^\]]*)\]/g)];
    assert.equal(pages.length, 2, 'the activation panel and the training dashboard');
    for (const [, script, styles] of pages) {
      for (const file of [script, ...[...styles.matchAll(/'([^']+)'/g)].map((m) => m[1])]) assert.ok(packaged.includes(`!${file}`), `${file} is not packaged`);
    }
  });

  it("declares exactly the settings table (config/settings.ts): keys, types, defaults, limits and descriptions", () => {
    assert.deepEqual(manifest.contributes.configuration.properties, SETTINGS);
  });

  it("lists every setting with its default in the README's table", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const [key, s] of Object.entries(SETTINGS)) assert.ok(readme.includes(`| \`${key}\` | \`${JSON.stringify(s.default)}\` |`), key);
  });

  it('reads every setting in the table, and only those', () => {
    const read = new Set([...code.matchAll(/readSetting\('([\w.]+)'[,)]/g)].map((m) => m[1]));
    assert.deepEqual([...read].sort(), Object.keys(SETTINGS).sort());
  });

  it("gives the completion settings the defaults that score and the engine use", () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { default?: unknown }>;
    const d = DEFAULT_COMPLETION_OPTIONS, setting = (name: string) => properties[`cellscope.completion.${name}`].default;
    assert.deepEqual(
      [setting('beamWidth'), setting('maxChars'), setting('maxLines'), setting('minProbability'), setting('documentCache')],
      [d.beamWidth, d.maxChars, d.maxLines, d.minProbability, d.cache],
    );
  });

  it('keeps the folder map honest: only the adapters import vscode, and the threads are the files named so', () => {
    const all = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));
    const importers = all.filter((f) => /from 'vscode'/.test(fs.readFileSync(path.join(root, 'src', f), 'utf8'))).sort();
    assert.deepEqual(importers, ['complete/completionProvider.ts', 'engine/engineHost.ts', 'extension.ts', 'host/settingsReader.ts', 'host/webviewPanel.ts', 'host/workspaceFiles.ts', 'inspect/activationPanel.ts', 'train/modelExchangeCommands.ts', 'train/trainingController.ts', 'train/trainingDashboard.ts']);
    const entries = [...fs.readFileSync(path.join(root, 'esbuild.js'), 'utf8').matchAll(/entryPoints: \['src\/([\w/]+\.ts)'\]/g)].map((m) => m[1]);
    assert.deepEqual(entries.filter((f) => !['extension.ts', 'cli/main.ts'].includes(f)).sort(), all.filter((f) => /(Worker|Thread)\.ts$/.test(f)).sort());
  });
});
