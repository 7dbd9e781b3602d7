// The VS Code adapter for taking models to and from PyTorch: Cellscope: Export Model… writes the
// workspace's model as safetensors (files/modelExchange.ts) where the user chooses; Import
// Model… reads one, checks it whole, asks, and only then replaces the workspace's model.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportModel, importModel } from '../files/modelExchange';
import { decodeCheckpoint, type Checkpoint } from '../model/checkpoint';
import type { TrainingController } from './trainingController';

const FILTERS = { 'safetensors (PyTorch)': ['safetensors'] };

export class ModelExchangeCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly training: TrainingController, private readonly log: vscode.LogOutputChannel) {
    this.disposables = [
      vscode.commands.registerCommand('cellscope.exportModel', () => this.report(this.exportModel())),
      vscode.commands.registerCommand('cellscope.importModel', () => this.report(this.importModel())),
    ];
  }

  private async exportModel(): Promise<void> {
    const file = this.training.checkpointPath;
    let cp: Checkpoint;
    try {
      cp = decodeCheckpoint(await vscode.workspace.fs.readFile(vscode.Uri.file(file ?? '')), file ?? '');
    } catch {
      void vscode.window.showInformationMessage('Cellscope has no model for this workspace yet: run "Cellscope: Train on Workspace".');
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({ title: 'Export the Cellscope model', filters: FILTERS, defaultUri: folder && vscode.Uri.joinPath(folder, 'cellscope-model.safetensors') });
    if (!target) return;
    const choice = await vscode.window.showQuickPick([
      { label: 'Parameters', description: 'for completions and inspection elsewhere', withOptimizer: false },
      { label: 'Parameters and optimizer state', description: 'to resume training in PyTorch', withOptimizer: true },
    ], { title: 'What to export' });
    if (!choice) return;
    const bytes = exportModel(cp, choice.withOptimizer);
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`exported ${file} to ${target.fsPath} (${bytes.length} bytes)`);
    void vscode.window.showInformationMessage(`Cellscope exported the model to ${path.basename(target.fsPath)} (${(bytes.length / 1e6).toFixed(1)} MB).`);
  }

  private async importModel(): Promise<void> {
    const [source] = (await vscode.window.showOpenDialog({ title: 'Import a model into Cellscope', filters: FILTERS, canSelectMany: false })) ?? [];
    if (!source) return;
    const cp = importModel(await vscode.workspace.fs.readFile(source), source.fsPath);
    const { layers, hidden, vocab } = cp.config, what = `${layers} layer${layers === 1 ? '' : 's'} of ${hidden} cells, ${vocab - 1} characters`;
    const answer = await vscode.window.showWarningMessage(`Replace this workspace's Cellscope model with ${path.basename(source.fsPath)} (${what})?`, { modal: true, detail: 'The current model is kept until the new one is written whole.' }, 'Replace');
    if (answer !== 'Replace' || !(await this.training.replaceModel(cp))) return;
    this.log.info(`imported ${source.fsPath} (${what})`);
    void vscode.window.showInformationMessage(`Cellscope imported ${path.basename(source.fsPath)}: ${what}.`);
  }

  /** Errors are for people: a bad file is one sentence naming it. */
  private async report(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (err) {
      this.log.error((err as Error).message);
      void vscode.window.showErrorMessage(`Cellscope: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
