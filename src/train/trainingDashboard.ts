// The VS Code adapter for the training dashboard: the Show Training Dashboard command and a
// webview beside the editor with the model's learning curves, speed, gate saturation and
// samples, from its checkpoint's history and then live from a running training (through the
// training controller's notifications). This file relays; media/dashboard.ts draws.

import * as vscode from 'vscode';
import { openWebviewPanel } from '../host/webviewPanel';
import { DASHBOARD_TO_HOST, type HostToDashboard } from '../protocol/dashboardProtocol';
import { messageProblem } from '../protocol/messageShape';
import type { TrainNotification } from './trainClient';
import type { TrainingController } from './trainingController';

// Empty elements that media/dashboard.ts fills.
const DASHBOARD_BODY = `<header id="controls"></header>
<p id="title" role="status"></p>
<section id="plots"></section>
<h2>Samples, newest first</h2>
<ol id="samples" reversed></ol>`;

export class TrainingDashboard implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly training: TrainingController) {
    this.disposables.push(
      vscode.commands.registerCommand('cellscope.showTrainingDashboard', () => this.show()),
      training.onDidNotify((n) => this.relay(n)),
    );
  }

  /** The command: opens the dashboard beside the editor (or brings it back). */
  show(): void {
    if (this.panel) return this.panel.reveal(vscode.ViewColumn.Beside, true);
    const panel = openWebviewPanel(this.context, {
      viewType: 'cellscope.dashboard', title: 'Cellscope Training', script: 'dist/dashboard.js', styles: ['media/webview.css', 'media/dashboard.css'], body: DASHBOARD_BODY,
    });
    this.panel = panel;
    // The webview is untrusted: a message of another shape is dropped; its only message is `ready`.
    panel.webview.onDidReceiveMessage((m: unknown) => messageProblem(DASHBOARD_TO_HOST, m) === null && void this.showStored(), undefined, this.disposables);
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
  }

  /** The stored model's history, or that there is none yet. */
  private async showStored(): Promise<void> {
    const stored = await this.training.storedModel();
    this.post(stored
      ? { type: 'showHistory', title: `This workspace's model: ${stored.description.slice(0, 2).join('; ')}.`, points: stored.history }
      : { type: 'showHistory', title: 'No model yet: run "Cellscope: Train on Workspace"; its curves appear here as it learns.', points: [] });
  }

  private relay(n: TrainNotification): void {
    if (!this.panel) return;
    if (n.type === 'didReadCorpus') {
      // A run starts: from the stored model's history, or from nothing.
      if (n.resumedAtStep === null) this.post({ type: 'showHistory', title: `A new model, training on ${n.trainChars.toLocaleString('en')} characters.`, points: [] });
      else void this.showStored();
    }
    if (n.type === 'didProgress') this.post({ type: 'didProgress', step: n.step, seconds: n.seconds, charsPerSecond: n.charsPerSecond, trainBpc: n.trainBpc });
    if (n.type === 'didEvaluate') this.post({ type: 'didEvaluate', point: n.point });
  }

  private post(message: HostToDashboard): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
