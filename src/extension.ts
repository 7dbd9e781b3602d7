// The VS Code entry point: wiring only. Each job's adapter registers its own commands and
// owns its resources; here they are created and handed to the extension's lifetime.

import type * as vscode from 'vscode';
import { TrainingController } from './train/trainingController';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(new TrainingController(context));
}

// Disposal of context.subscriptions terminates the worker; nothing is saved here (checkpoints
// are written as training goes, and deactivate has only a few seconds).
export function deactivate(): void {}
