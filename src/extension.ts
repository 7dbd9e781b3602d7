// The VS Code entry point: wiring only. The engine (src/model, src/train, src/complete) runs
// without VS Code, through the CLI today; the commands, the training worker, the completion
// provider and the overlay panel are registered here as they land.

import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
