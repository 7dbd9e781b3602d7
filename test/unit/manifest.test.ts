// package.json against the code: every contributed command is registered and every
// registered command contributed; every setting the code reads is declared, with a
// description and a default.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function sources(dir: string): string {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')).join('\n');
}

describe('package.json contributions', () => {
  const code = sources(path.join(root, 'src'));

  it('contributes exactly the commands the code registers', () => {
    const registered = [...code.matchAll(/registerCommand\('([\w.]+)'/g)].map((m) => m[1]).sort();
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, registered);
  });

  it('declares every setting the code reads, with a description and a default', () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { description?: string; default?: unknown }>;
    // Settings are read as c.get('name') or this.config().get('name') on the cellscope.training section.
    const read = [...code.matchAll(/(?:\bc|this\.config\(\))\.get(?:<[^>]*>)?\('(\w+)'\)/g)].map((m) => `cellscope.training.${m[1]}`);
    for (const key of new Set(read)) {
      assert.ok(properties[key], `${key} is read but not declared`);
      assert.ok(properties[key].description && properties[key].default !== undefined, `${key} needs a description and a default`);
    }
    for (const key of Object.keys(properties)) assert.ok(read.includes(key), `${key} is declared but never read`);
  });
});
