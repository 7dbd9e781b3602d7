// The VS Code adapter for the activation panel: the Show Activations command, a webview beside
// the editor that follows the active editor and its edits, cell discovery with progress, and
// the messages to and from media/activations.ts. Tracing and discovery run in the engine
// worker; this file relays.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EngineHost } from '../engine/engineHost';
import type { CellRef } from '../protocol/engineProtocol';
import { messageProblem } from '../protocol/messageShape';
import { PANEL_TO_HOST, type HostToPanel, type PanelToHost } from '../protocol/panelProtocol';
import { readSetting } from '../host/settingsReader';
import { workspaceFiles } from '../host/workspaceFiles';
import { describeCell, namedCells } from './cellScores';
import type { NamedCell } from '../protocol/panelProtocol';
import { chooseStretch, looksBinary, MAX_PANEL_CHARS, panelHtml } from './panelView';

// Edits are followed once typing pauses this long.
const EDIT_DEBOUNCE_MS = 400;

export class ActivationPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private panel: vscode.WebviewPanel | undefined;
  private editor: vscode.TextEditor | undefined; // the editor shown, even while the panel has focus
  private cell: CellRef = { layer: 0, index: 0, kind: 'cell' };
  private named: NamedCell[] = [];
  private rendering: vscode.CancellationTokenSource | undefined;
  private editTimer: NodeJS.Timeout | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly engine: EngineHost, private readonly log: vscode.LogOutputChannel) {
    this.own(vscode.commands.registerCommand('cellscope.showActivations', () => this.show()));
    this.own(vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.follow(editor)));
    this.own(vscode.workspace.onDidChangeTextDocument((e) => {
      if (!this.panel || e.document !== this.editor?.document) return;
      clearTimeout(this.editTimer);
      this.editTimer = setTimeout(() => void this.render(), EDIT_DEBOUNCE_MS);
    }));
    this.own(engine.onDidChangeModel(() => this.panel && void this.discover().then(() => this.render())));
  }

  /** The command: opens the panel beside the editor (or brings it back). */
  show(): void {
    this.editor = vscode.window.activeTextEditor ?? this.editor;
    if (this.panel) return this.panel.reveal(vscode.ViewColumn.Beside, true);
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media'), dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('cellscope.activations', 'Cellscope Activations', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [media, dist],
    });
    this.panel = panel;
    const uri = (...parts: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, ...parts)).toString();
    panel.webview.html = panelHtml({
      cspSource: panel.webview.cspSource, nonce: randomBytes(16).toString('base64'),
      script: uri('dist', 'activations.js'), style: uri('media', 'activations.css'), codicons: uri('dist', 'codicons', 'codicon.css'),
    });
    // The webview is untrusted: a message of another shape is dropped.
    panel.webview.onDidReceiveMessage((m: unknown) => messageProblem(PANEL_TO_HOST, m) === null && this.onMessage(m as PanelToHost), undefined, this.disposables);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.rendering?.cancel();
    }, undefined, this.disposables);
  }

  private async onMessage(m: PanelToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.discover();
        return this.render();
      case 'pickCell':
        this.cell = m.cell;
        return this.render();
      case 'reveal': {
        if (!this.editor) return;
        const position = this.editor.document.positionAt(m.offset);
        await vscode.window.showTextDocument(this.editor.document, { viewColumn: this.editor.viewColumn, selection: new vscode.Range(position, position) });
      }
    }
  }

  private follow(editor: vscode.TextEditor): void {
    if (editor.document.uri.scheme === 'output') return;
    this.editor = editor;
    if (this.panel) void this.render();
  }

  /** Names the model's cells on the workspace's code (cached by the engine), with progress. */
  private async discover(): Promise<void> {
    const model = this.engine.model;
    if (!model) return this.post({ type: 'showMessage', text: 'Cellscope has no model of this workspace yet: run "Cellscope: Train on Workspace", then open this panel again.' });
    this.post({ type: 'showCells', layers: model.layers, hidden: model.hidden, named: [], status: 'Finding the cells that track ifs, comments, strings, depth and position…', cell: this.cell });
    try {
      const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Cellscope: finding named cells', cancellable: true },
        (_progress, token) => this.engine.discoverCells(workspaceFiles(), token));
      this.named = found ? namedCells(found.ranking) : [];
      if (found && this.named.length > 0 && this.cell.layer === 0 && this.cell.index === 0) this.cell = { layer: this.named[0].layer, index: this.named[0].index, kind: 'cell' };
      const status = found ? `Named on ${found.chars.toLocaleString('en')} characters of ${found.files} files: ${this.named.map(describeCell).join('; ')}.` : 'Cell discovery was cancelled; pick cells by layer and index.';
      this.post({ type: 'showCells', layers: model.layers, hidden: model.hidden, named: this.named, status, cell: this.cell });
      if (found) this.log.info(status);
    } catch (err) {
      this.log.error(`cell discovery failed: ${(err as Error).message}`);
      this.post({ type: 'showCells', layers: model.layers, hidden: model.hidden, named: [], status: `Cell discovery failed (${(err as Error).message}); pick cells by layer and index. See the Cellscope log.`, cell: this.cell });
    }
  }

  /** Traces the editor's text (or the part around what it shows) and sends the chosen cell's values. */
  private async render(): Promise<void> {
    const editor = this.editor;
    if (!this.panel || !this.engine.model) return;
    if (!editor) return this.post({ type: 'showMessage', text: 'Open a file in an editor: the panel shows it coloured by a cell.' });
    const document = editor.document, text = document.getText();
    const fileName = vscode.workspace.asRelativePath(document.uri);
    if (looksBinary(text)) return this.post({ type: 'showMessage', text: `${fileName} looks like a binary file: Cellscope shows text only.` });
    const visible = editor.visibleRanges[0] ?? new vscode.Range(0, 0, 0, 0);
    const { start, end } = chooseStretch(text.length, document.offsetAt(visible.start), document.offsetAt(visible.end));
    this.rendering?.cancel();
    const source = (this.rendering = new vscode.CancellationTokenSource());
    const cache = readSetting('cellscope.completion.documentCache'); // guesses as completions make them
    const result = await this.engine.inspect(document, start, end, this.cell, cache, source.token);
    if (!result || source.token.isCancellationRequested) return;
    const note = end - start < text.length
      ? `${fileName} has ${text.length.toLocaleString('en')} characters: showing lines ${document.positionAt(start).line + 1}–${document.positionAt(end).line + 1} (${MAX_PANEL_CHARS.toLocaleString('en')} characters around the visible part).`
      : '';
    this.post({ type: 'showText', fileName, text: text.slice(start, end), start, line: document.positionAt(start).line, cell: this.cell, note, ...result });
  }

  private post(message: HostToPanel): void {
    void this.panel?.webview.postMessage(message);
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    clearTimeout(this.editTimer);
    this.rendering?.cancel();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
