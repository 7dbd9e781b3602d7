// The integration suite, run by test-electron inside VS Code's extension host (see
// runTests.ts): Cellscope's commands through the VS Code API on the fixture project.

import * as assert from 'node:assert/strict';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import type { TrainSummary } from '../../src/protocol/trainProtocol';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: true });
  mocha.suite.emit('pre-require', globalThis, 'suite.js', mocha);

  describe('Cellscope in the extension host', () => {
    it('contributes and registers its commands', async () => {
      const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'cellscope');
      assert.ok(extension, 'Cellscope is loaded');
      await extension.activate();
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['cellscope.trainWorkspace', 'cellscope.stopTraining', 'cellscope.showLog', 'cellscope.toggleCompletions', 'cellscope.showActivations']) assert.ok(commands.includes(c), c);
    });

    it('trains from the command and returns what the run did', async () => {
      const summary = await vscode.commands.executeCommand<TrainSummary>('cellscope.trainWorkspace');
      assert.ok(summary && summary.step > 0 && summary.files === 8 && !summary.cancelled, JSON.stringify(summary));
    });

    it('opens the activation panel beside the editor', async () => {
      const [file] = await vscode.workspace.findFiles('src/main.c');
      await vscode.window.showTextDocument(file);
      await vscode.commands.executeCommand('cellscope.showActivations');
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      assert.ok(tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Cellscope Activations'));
    });
  });

  return new Promise((resolve, reject) => mocha.run((failures) => (failures ? reject(new Error(`${failures} integration tests failed`)) : resolve())));
}
