// The VS Code side of the engine worker: starts it, loads the model into it (again whenever
// training saves a better one: no restart), mirrors the documents completions are asked for
// (full text once, then their edits), and restarts the worker if it dies. Completion and
// inspection adapters ask it; it logs failures rather than throwing at them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { CellDiscovery, CellRef, CompletionOptions, FoundCells, InspectResult, ModelInfo, SignedCell, SimilarPlaces, Suggestion, TextChange } from '../protocol/engineProtocol';
import type { FileSelection } from '../protocol/trainProtocol';
import { WorkerError } from '../protocol/workerClient';
import { isSecretFile } from '../files/secretFiles';
import { EngineClient } from './engineClient';

export class EngineHost implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private current: EngineClient | undefined;
  private starting: Promise<EngineClient> | undefined;
  private readonly synced = new Map<string, number>(); // uri → the version the worker mirrors
  private modelPath: string | undefined;
  private readonly modelChanged = this.own(new vscode.EventEmitter<ModelInfo | null>());
  /** Fires when a model is loaded (or found missing). */
  readonly onDidChangeModel = this.modelChanged.event;
  model: ModelInfo | null = null;

  /** `workspace`: the workspace's files whose counts complete the model (null: none, as in Restricted Mode). */
  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel, private readonly workspace: () => FileSelection | null) {
    this.own(vscode.workspace.onDidChangeTextDocument((e) => {
      const uri = e.document.uri.toString();
      if (!this.synced.has(uri) || e.contentChanges.length === 0) return;
      const changes: TextChange[] = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
      this.synced.set(uri, e.document.version);
      this.current?.didChange(uri, e.document.version, changes);
    }));
    this.own(vscode.workspace.onDidCloseTextDocument((document) => {
      const uri = document.uri.toString();
      if (this.synced.delete(uri)) this.current?.didClose(uri);
    }));
  }

  /** Loads (or reloads) the model at `path` into the engine; a missing file means no model. */
  async load(path: string): Promise<void> {
    this.modelPath = path;
    if (!this.current && !fs.existsSync(path)) return this.modelChanged.fire((this.model = null)); // no worker for no model
    try {
      this.model = await (await this.client()).load(path, this.workspace());
      if (this.model) this.log.info(`completions use the model at step ${this.model.step} (${path})`);
    } catch (err) {
      this.model = null;
      this.log.error(`the engine could not load ${path}: ${(err as Error).message}`);
    }
    this.modelChanged.fire(this.model);
  }

  /** Suggestions at `offset` of `document`; empty when there is no model, the request went stale, or anything failed (logged). */
  async complete(document: vscode.TextDocument, offset: number, options: CompletionOptions, token: vscode.CancellationToken): Promise<Suggestion[]> {
    if (!this.model) return [];
    return (await this.onDocument(document, token, 'completion', (engine, doc, signal) => engine.complete({ ...doc, offset, options }, signal))) ?? [];
  }

  /** One cell's values along `start`…`end` of `document`; undefined when stale or failed (logged). */
  inspect(document: vscode.TextDocument, start: number, end: number, cell: CellRef, cache: boolean, token: vscode.CancellationToken): Promise<InspectResult | undefined> {
    return this.onDocument(document, token, 'inspection', (engine, doc, signal) => engine.inspect({ ...doc, start, end, cell, cache }, signal));
  }

  /** The model's cells ranked on the workspace's code (cached beside the model); throws for the caller to report. */
  discoverCells(request: FileSelection, token: vscode.CancellationToken): Promise<CellDiscovery | undefined> {
    return this.cancellable(token, async (signal) => (await this.client()).discoverCells(request, signal));
  }

  /** The cells on in `selection` of `document`, `progress` hearing how far reading it has come; undefined when stale; throws what failed (a file too long to search) for the caller to show. */
  findCells(
    document: vscode.TextDocument, { start, end, threshold }: { start: number; end: number; threshold: number }, token: vscode.CancellationToken, progress: (done: number, total: number) => void,
  ): Promise<FoundCells | undefined> {
    return this.onDocument(document, token, 'finding cells', (engine, doc, signal) => engine.findCells({ ...doc, start, end, threshold, languageId: document.languageId }, signal, progress), true);
  }

  /** Where `cells` are on together in `document` and in the workspace's sample; throws what failed. */
  findSimilar(document: vscode.TextDocument, { start, end, threshold }: { start: number; end: number; threshold: number }, cells: SignedCell[], token: vscode.CancellationToken): Promise<SimilarPlaces | undefined> {
    return this.onDocument(document, token, 'finding similar places', (engine, doc, signal) => engine.findSimilar({ ...doc, start, end, threshold, languageId: document.languageId, cells, workspace: this.workspace() }, signal), true);
  }

  /** Sends a request about `document`, mirroring it first if the engine does not have this version (and once more if the mirror proves out of step). */
  private async onDocument<T>(
    document: vscode.TextDocument, token: vscode.CancellationToken, what: string,
    send: (engine: EngineClient, doc: { uri: string; version: number; length: number }, signal: AbortSignal) => Promise<T>, rethrow = false,
  ): Promise<T | undefined> {
    if (isSecretFile(document.uri.path)) { // its text would reach the document cache, and suggestions in other files
      if (rethrow) throw new Error(`${path.basename(document.uri.path)} may hold secrets (by its name): Cellscope neither reads nor completes such files.`);
      return undefined;
    }
    try {
      return await this.cancellable(token, async (signal) => {
        for (let attempt = 0; ; attempt++) {
          const engine = await this.client();
          const uri = document.uri.toString();
          if (this.synced.get(uri) !== document.version) {
            engine.didOpen(uri, document.version, document.getText());
            this.synced.set(uri, document.version);
          }
          try {
            const length = document.offsetAt(document.lineAt(document.lineCount - 1).range.end); // without copying the text
            return await send(engine, { uri, version: document.version, length }, signal);
          } catch (err) {
            if (!(err instanceof WorkerError && err.code === 'outOfSync') || attempt > 0) throw err;
            this.synced.delete(uri);
          }
        }
      });
    } catch (err) {
      this.log.error(`${what} failed in ${document.uri.fsPath}: ${(err as Error).message}`);
      if (rethrow) throw err;
      return undefined;
    }
  }

  /** Runs `send` with a signal that follows `token`; a request the engine dropped as stale gives undefined. */
  private async cancellable<T>(token: vscode.CancellationToken, send: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      return await send(abort.signal);
    } catch (err) {
      if (err instanceof WorkerError && err.code === 'cancelled') return undefined;
      throw err;
    } finally {
      listener.dispose();
    }
  }

  /** The running engine; a new one (with the model and documents again) if the last one died. */
  private client(): Promise<EngineClient> {
    if (this.current?.alive) return Promise.resolve(this.current);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<EngineClient> {
    const restart = this.current !== undefined;
    this.synced.clear();
    const root = this.context.extensionPath;
    this.current = await EngineClient.start(() => new Worker(this.context.asAbsolutePath('dist/engineWorker.js'), { workerData: { root } }));
    if (restart && this.modelPath) {
      this.log.warn('the engine worker stopped; started a new one');
      this.model = await this.current.load(this.modelPath, this.workspace()).catch(() => null);
    }
    return this.current;
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    void this.current?.dispose();
    void this.starting?.then((engine) => engine.dispose(), () => undefined);
    for (const d of this.disposables) d.dispose();
  }
}
