// The completion status bar item: its words in each state, and a click that runs a command
// the extension contributes.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { completionStatus } from '../../src/complete/completionStatus';

const commands = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')).contributes.commands.map((c: { command: string }) => c.command);

describe('completion status', () => {
  it('says whether completions are on, and how to get a model when there is none', () => {
    assert.deepEqual(completionStatus('on'), { text: '$(sparkle) Complete', tooltip: 'Cellscope completions are on. Click to turn them off.', command: 'cellscope.toggleCompletions' });
    assert.equal(completionStatus('off').text, '$(circle-slash) Complete');
    assert.match(completionStatus('noModel').tooltip, /Train on Workspace/);
    for (const state of ['on', 'off', 'noModel'] as const) assert.ok(commands.includes(completionStatus(state).command));
  });
});
