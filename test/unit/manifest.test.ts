// package.json against the code: every contributed command is registered and every
// registered command contributed; every setting the code reads is declared, with a
// description and a default; the completion settings' defaults are the engine's.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_COMPLETION_OPTIONS } from '../../src/complete/suggest';

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

  it('declares every setting the code reads, with a description and a default', () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { description?: string; default?: unknown }>;
    // Each adapter reads one section, getConfiguration('cellscope.…'), as c.get('name'),
    // config.get('name') or this.config().get('name').
    const read = files.flatMap((file) => {
      const section = /getConfiguration\('(cellscope\.\w+)'\)/.exec(file)?.[1];
      return section ? [...file.matchAll(/(?:\bc|\bconfig|this\.config\(\))\.get(?:<[^>]*>)?\('(\w+)'/g)].map((m) => `${section}.${m[1]}`) : [];
    });
    for (const key of new Set(read)) {
      assert.ok(properties[key], `${key} is read but not declared`);
      assert.ok(properties[key].description && properties[key].default !== undefined, `${key} needs a description and a default`);
    }
    for (const key of Object.keys(properties)) assert.ok(read.includes(key), `${key} is declared but never read`);
  });

  it("gives the completion settings the defaults that score and the engine use", () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { default?: unknown }>;
    const d = DEFAULT_COMPLETION_OPTIONS, setting = (name: string) => properties[`cellscope.completion.${name}`].default;
    assert.deepEqual(
      [setting('beamWidth'), setting('maxChars'), setting('maxLines'), setting('minProbability'), setting('documentCache')],
      [d.beamWidth, d.maxChars, d.maxLines, d.minProbability, d.cache],
    );
  });
});
