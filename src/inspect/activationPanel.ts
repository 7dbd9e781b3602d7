// The VS Code adapter for the activation panel: the Show Activations and Find Cells for
// Selection commands, a webview beside the editor that follows the active editor and its
// edits, cell discovery and searches with progress, and the messages to and from
// media/activations.ts. Tracing, discovery and searching run in the engine worker; this file relays.

import * as vscode from 'vscode';
import type { EngineHost } from '../engine/engineHost';
import { DEFAULT_THRESHOLD, kindLabel, traceKinds, type CellRef, type SignedCell, type SimilarPlace, type SimilarPlaces } from '../protocol/engineProtocol';
import { messageProblem } from '../protocol/messageShape';
import { PANEL_TO_HOST, type HostToPanel, type PanelToHost } from '../protocol/panelProtocol';
import { readSetting } from '../host/settingsReader';
import { workspaceFiles } from '../host/workspaceFiles';
import { describeCell, namedCells } from './cellScores';
import type { NamedCell, PlaceLink } from '../protocol/panelProtocol';
import { openWebviewPanel } from '../host/webviewPanel';
import { chooseStretch, looksBinary, MAX_PANEL_CHARS, PANEL_BODY } from './panelView';

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
  private search: { document: vscode.TextDocument; start: number; end: number; threshold: number } | undefined; // the selection cells were found for
  private found: Extract<HostToPanel, { type: 'showFound' }> | undefined; // the cells last listed
  private places: SimilarPlaces | undefined; // the places last listed

  constructor(private readonly context: vscode.ExtensionContext, private readonly engine: EngineHost, private readonly log: vscode.LogOutputChannel) {
    this.own(vscode.commands.registerCommand('cellscope.showActivations', () => this.show()));
    this.own(vscode.commands.registerCommand('cellscope.findCellsForSelection', () => this.findCells(this.search?.threshold ?? DEFAULT_THRESHOLD)));
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
    const panel = openWebviewPanel(this.context, {
      viewType: 'cellscope.activations', title: 'Cellscope Activations', script: 'dist/activations.js', styles: ['dist/codicons/codicon.css', 'media/webview.css', 'media/activations.css'], body: PANEL_BODY,
    });
    this.panel = panel;
    // The webview is untrusted: a message of another shape is dropped.
    panel.webview.onDidReceiveMessage((m: unknown) => messageProblem(PANEL_TO_HOST, m) === null && this.onMessage(m as PanelToHost), undefined, this.disposables);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.found = undefined;
      this.rendering?.cancel();
    }, undefined, this.disposables);
  }

  private async onMessage(m: PanelToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        if (this.found) this.post(this.found); // a search that ended before the webview listened
        await this.discover();
        return this.render();
      case 'pickCell':
        this.cell = m.cell;
        return this.render();
      case 'reveal':
        return this.reveal(m.offset);
      case 'findCells':
        return this.findCells(m.threshold);
      case 'findSimilar':
        return this.findSimilar(m.cells);
      case 'openPlace': {
        const place = this.places?.[m.list][m.index];
        if (!place) return;
        if (place.file === null) return this.reveal(place.offset);
        const document = await vscode.workspace.openTextDocument(vscode.Uri.file(place.file));
        const position = document.positionAt(place.offset);
        await vscode.window.showTextDocument(document, { viewColumn: this.editor?.viewColumn ?? vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
      }
    }
  }

  private async reveal(offset: number): Promise<void> {
    if (!this.editor) return;
    const position = this.editor.document.positionAt(offset);
    await vscode.window.showTextDocument(this.editor.document, { viewColumn: this.editor.viewColumn, selection: new vscode.Range(position, position) });
  }

  /** Finds the cells on in the editor's selection (or, when it has none, the last one searched) at threshold ℓ, and lists them in the panel. */
  private async findCells(threshold: number): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? this.editor;
    const selection = editor && !editor.selection.isEmpty
      ? { document: editor.document, start: editor.document.offsetAt(editor.selection.start), end: editor.document.offsetAt(editor.selection.end), threshold }
      : this.search && { ...this.search, threshold };
    if (!selection) return void vscode.window.showWarningMessage('Select some code in an editor first: Cellscope then finds the cells that are on in it.');
    if (!this.engine.model) return void vscode.window.showWarningMessage('Cellscope has no model of this workspace yet: run "Cellscope: Train on Workspace" first.');
    this.search = selection;
    if (editor && editor.document === selection.document) this.editor = editor;
    this.show();
    const fileName = vscode.workspace.asRelativePath(selection.document.uri);
    const found = await this.withProgress(`Cellscope: finding the cells for the selection in ${fileName}`, (token, progress) => {
      let shown = 0; // percent
      return this.engine.findCells(selection.document, selection, token, (done, total) => {
        const percent = Math.floor((100 * done) / total);
        progress.report({ message: `reading the file, ${percent}%`, increment: percent - shown });
        shown = percent;
      });
    });
    if (!found) return;
    const [from, to] = [selection.start, selection.end].map((o) => selection.document.positionAt(o).line + 1);
    const cell = this.engine.model?.cell ?? 'lstm', state = kindLabel('cell', cell);
    const kept = found.searched.length < traceKinds(cell).length ? ` (${state} only: the gates of ${found.chars.toLocaleString('en')} characters would not fit in memory)` : '';
    const ranking = found.kind
      ? `The selection is a ${found.kind.kind}: every cell ranked by how well it tells the ${found.kind.instances} of them in ${fileName} from the rest (ROC AUC), with the intersection over union of where it is on and where they are${kept}.`
      : `The selection is no syntax kind: the cells on in it ranked by how well they are on over it and off around it (intersection over union, within as much again on either side)${kept}.`;
    this.found = { type: 'showFound', title: `Cells for ${to > from ? `lines ${from}–${to}` : `line ${from}`} of ${fileName}`, ranking, threshold, cells: found.cells, byKind: found.kind !== null };
    this.post(this.found);
  }

  /** Lists the places where `cells` are on together, in the file and in the workspace's sample. */
  private async findSimilar(cells: SignedCell[]): Promise<void> {
    const search = this.search;
    if (!search || cells.length === 0) return;
    const places = await this.withProgress('Cellscope: finding where the cells are on together', (token) => this.engine.findSimilar(search.document, search, cells, token));
    if (!places) return;
    this.places = places;
    const link = (p: SimilarPlace): PlaceLink => ({ label: p.file === null ? `line ${p.line + 1}` : `${vscode.workspace.asRelativePath(p.file)}:${p.line + 1}`, text: p.text, strength: p.strength });
    const status = `${places.inFile.length} places in the file, ${places.inWorkspace.length} in ${places.sampleFiles} files of the workspace's sample, strongest first.`;
    this.post({ type: 'showSimilar', inFile: places.inFile.map(link), inWorkspace: places.inWorkspace.map(link), status });
  }

  /** Runs an engine search with a cancellable notification; shows what failed, and gives undefined then or when cancelled. */
  private async withProgress<T>(title: string, work: (token: vscode.CancellationToken, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => work(token, progress));
    } catch (err) {
      void vscode.window.showErrorMessage(`${title} failed: ${(err as Error).message}`);
      return undefined;
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
    if (!traceKinds(model.cell).includes(this.cell.kind)) this.cell = { ...this.cell, kind: 'cell' }; // a gate of a model of another type
    this.post({ type: 'showCells', cellType: model.cell, layers: model.layers, hidden: model.hidden, named: [], status: 'Finding the cells that track ifs, comments, strings, depth and position…', cell: this.cell });
    try {
      const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Cellscope: finding named cells', cancellable: true },
        (_progress, token) => this.engine.discoverCells(workspaceFiles(), token));
      this.named = found ? namedCells(found.ranking) : [];
      if (found && this.named.length > 0 && this.cell.layer === 0 && this.cell.index === 0) this.cell = { layer: this.named[0].layer, index: this.named[0].index, kind: 'cell' };
      const status = found ? `Named on ${found.chars.toLocaleString('en')} characters of ${found.files} files: ${this.named.map(describeCell).join('; ')}.` : 'Cell discovery was cancelled; pick cells by layer and index.';
      this.post({ type: 'showCells', cellType: model.cell, layers: model.layers, hidden: model.hidden, named: this.named, status, cell: this.cell });
      if (found) this.log.info(status);
    } catch (err) {
      this.log.error(`cell discovery failed: ${(err as Error).message}`);
      this.post({ type: 'showCells', cellType: model.cell, layers: model.layers, hidden: model.hidden, named: [], status: `Cell discovery failed (${(err as Error).message}); pick cells by layer and index. See the Cellscope log.`, cell: this.cell });
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
