// The VS Code entry point: wiring only. Each job's adapter registers its own commands and
// owns its resources; here they are created, connected and handed to the extension's lifetime.

import * as vscode from 'vscode';
import { CompletionProvider } from './complete/completionProvider';
import { EngineHost } from './engine/engineHost';
import { ActivationPanel } from './inspect/activationPanel';
import { workspaceFiles } from './host/workspaceFiles';
import { ModelExchangeCommands } from './train/modelExchangeCommands';
import { TrainingController } from './train/trainingController';
import { TrainingDashboard } from './train/trainingDashboard';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Cellscope', { log: true });
  const training = new TrainingController(context, log);
  // The workspace's files complete the model only where Cellscope may read them (a trusted workspace).
  const engine = new EngineHost(context, log, () => (vscode.workspace.isTrusted ? workspaceFiles() : null));
  context.subscriptions.push(log, training, engine, new CompletionProvider(engine), new ActivationPanel(context, engine, log), new ModelExchangeCommands(training, log), new TrainingDashboard(context, training));
  // The engine holds the latest model: the stored one now, each new checkpoint as training saves it.
  context.subscriptions.push(training.onDidSaveModel((file) => engine.load(file)));
  if (training.checkpointPath) void engine.load(training.checkpointPath);
}

// Disposal of context.subscriptions terminates the workers; nothing is saved here (checkpoints
// are written as training goes, and deactivate has only a few seconds).
export function deactivate(): void {}
