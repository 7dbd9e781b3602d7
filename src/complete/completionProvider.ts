// The VS Code adapter for completions: an InlineCompletionItemProvider that asks the engine
// worker (through EngineHost) for suggestions after a short pause in typing, the status bar
// toggle, and the `cellscope.completion.*` settings. The search itself runs in the worker.

import * as vscode from 'vscode';
import type { EngineHost } from '../engine/engineHost';
import type { CompletionOptions } from '../protocol/engineProtocol';
import { completionStatus, type CompletionState } from './completionStatus';
import { DEFAULT_COMPLETION_OPTIONS } from './suggest';
import { readSetting, writeSetting } from '../host/settingsReader';

// Typing faster than this apart asks only once: each keystroke cancels the previous request.
const DEBOUNCE_MS = 60;

export class CompletionProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly status = this.own(vscode.window.createStatusBarItem('cellscope.completions', vscode.StatusBarAlignment.Right, 99));

  constructor(private readonly engine: EngineHost) {
    this.own(vscode.languages.registerInlineCompletionItemProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this));
    this.own(vscode.commands.registerCommand('cellscope.toggleCompletions', () => writeSetting('cellscope.completion.enabled', !readSetting('cellscope.completion.enabled'))));
    this.own(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('cellscope.completion.enabled') && this.showStatus()));
    this.own(engine.onDidChangeModel(() => this.showStatus()));
    this.status.name = 'Cellscope Completions';
    this.showStatus();
    this.status.show();
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument, position: vscode.Position, _context: vscode.InlineCompletionContext, token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const languages = readSetting('cellscope.completion.languages');
    if (!readSetting('cellscope.completion.enabled') || !this.engine.model || (languages.length > 0 && !languages.includes(document.languageId))) return undefined;
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
    if (token.isCancellationRequested) return undefined;
    const options: CompletionOptions = {
      beamWidth: readSetting('cellscope.completion.beamWidth'), maxChars: readSetting('cellscope.completion.maxChars'), maxLines: readSetting('cellscope.completion.maxLines'),
      minProbability: readSetting('cellscope.completion.minProbability'), alternatives: DEFAULT_COMPLETION_OPTIONS.alternatives, cache: readSetting('cellscope.completion.documentCache'),
    };
    const suggestions = await this.engine.complete(document, document.offsetAt(position), options, token);
    // Inserted at the cursor: the range stays on its line, as the API requires.
    return suggestions.map((s) => new vscode.InlineCompletionItem(s.text, new vscode.Range(position, position)));
  }

  private showStatus(): void {
    const state: CompletionState = !this.engine.model ? 'noModel' : readSetting('cellscope.completion.enabled') ? 'on' : 'off';
    const { text, tooltip, command } = completionStatus(state);
    Object.assign(this.status, { text, tooltip, command });
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
