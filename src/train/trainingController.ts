// The VS Code adapter for training: the Train/Stop commands, the progress notification with
// Cancel, the status bar item, the "Cellscope" log, settings, workspace trust and the worker's
// lifetime. The training itself runs in a worker thread (trainWorker.ts); this file relays.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { readSetting } from '../host/settingsReader';
import { workspaceFiles } from '../host/workspaceFiles';
import { ModelLock, replaceModelFile } from '../files/modelLock';
import { decodeCheckpoint, type Checkpoint, type HistoryPoint } from '../model/checkpoint';
import { cellType, type CellType } from '../model/params';
import type { FileSelection, TrainJob, TrainSummary } from '../protocol/trainProtocol';
import { WorkerError } from '../protocol/workerClient';
import { PytorchTrainer } from './pytorchTrainer';
import { TrainClient, type TrainNotification } from './trainClient';
import { cellTypeConflict, describeModel, logLine, progressText, statusText, statusTooltip, type TrainState } from './trainStatus';

const CHECKPOINT_FILE = 'model.cellscope';

export class TrainingController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly status = this.own(vscode.window.createStatusBarItem('cellscope.status', vscode.StatusBarAlignment.Right, 100));
  private client: TrainClient | PytorchTrainer | undefined; // the worker (or PyTorch's child), alive during a run only
  private model: string[] | undefined; // the stored model, described (describeModel)
  private modelCell: CellType | undefined; // and its cell type
  private history: HistoryPoint[] = []; // the stored model's evaluations
  private run: { abort: AbortController; done: Promise<unknown> } | undefined;
  private onNote: (n: TrainNotification) => void = () => {};
  private toldOtherCellType = false; // autoStart and retrainOnSave say so once per window
  private readonly modelSaved = this.own(new vscode.EventEmitter<string>());
  /** Fires with the checkpoint's path each time training saves the model. */
  readonly onDidSaveModel = this.modelSaved.event;
  private readonly notified = this.own(new vscode.EventEmitter<TrainNotification>());
  /** Fires with everything a running training reports (progress, evaluations, samples, saves). */
  readonly onDidNotify = this.notified.event;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {
    this.status.command = 'cellscope.showLog';
    this.status.name = 'Cellscope';
    this.setState({ kind: 'idle' });
    this.status.show();
    this.own(vscode.commands.registerCommand('cellscope.trainWorkspace', () => this.trainAsked()));
    this.own(vscode.commands.registerCommand('cellscope.stopTraining', () => this.stop()));
    this.own(vscode.commands.registerCommand('cellscope.showLog', () => this.log.show()));
    this.own(vscode.commands.registerCommand('cellscope.showModelInfo', () => this.showModelInfo()));
    // Typing is a change to the active editor's document; output channels (our own log too)
    // also change documents, and must not pause training.
    this.own(vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.run && e.contentChanges.length > 0 && e.document === vscode.window.activeTextEditor?.document) this.client?.didType();
    }));
    this.own(vscode.workspace.onDidSaveTextDocument(() => readSetting('cellscope.training.retrainOnSave') && !this.run && void this.trainUnasked()));
    void this.showStoredModel().then(() => readSetting('cellscope.training.autoStart') && vscode.workspace.isTrusted && void this.trainUnasked());
  }

  /** Where this workspace's model is kept (undefined without a folder open). */
  get checkpointPath(): string | undefined {
    return this.context.storageUri && path.join(this.context.storageUri.fsPath, CHECKPOINT_FILE);
  }

  /** At start-up: a stored model sets the status to ready; a damaged one is reported. */
  private async showStoredModel(): Promise<void> {
    try {
      const bpc = await this.readModel();
      if (bpc === undefined) return this.log.info(`no model yet for this workspace (${this.checkpointPath ?? 'no folder open'})`);
      this.setState({ kind: 'ready', bpc });
      this.log.info(`model loaded from ${this.checkpointPath}`);
    } catch (err) {
      if ((await this.failed(new WorkerError((err as Error).message, 'badCheckpoint'))) === 'startFresh') await this.train(true);
    }
  }

  /** Reads the stored model's description into `model`; returns its held-out bits/char (undefined: no model). Throws for a damaged one. */
  private async readModel(): Promise<number | null | undefined> {
    const file = this.checkpointPath;
    if (!file) return undefined;
    let bytes: Uint8Array, saved: number;
    try {
      [bytes, { mtime: saved }] = await Promise.all([vscode.workspace.fs.readFile(vscode.Uri.file(file)), vscode.workspace.fs.stat(vscode.Uri.file(file))]);
    } catch {
      return undefined;
    }
    const cp = decodeCheckpoint(bytes, file), history = cp.training.history;
    this.model = describeModel(cp, saved, Date.now());
    this.modelCell = cellType(cp.config);
    this.history = history;
    void vscode.commands.executeCommand('setContext', 'cellscope.hasModel', true);
    return history[history.length - 1]?.heldoutBpc ?? null;
  }

  /** The stored model as the dashboard shows it: what it is, and its evaluations (undefined: no model, or a damaged one). */
  async storedModel(): Promise<{ description: string[]; history: HistoryPoint[] } | undefined> {
    const bpc = await this.readModel().catch(() => undefined);
    return bpc === undefined || !this.model ? undefined : { description: this.model, history: this.history };
  }

  /** The command: what the model is, in a dialog. */
  private async showModelInfo(): Promise<void> {
    let bpc: number | null | undefined;
    try {
      bpc = await this.readModel();
    } catch (err) {
      void vscode.window.showErrorMessage(`Cellscope cannot read its saved model: ${(err as Error).message}`);
      return;
    }
    if (bpc === undefined || !this.model) {
      void vscode.window.showInformationMessage('Cellscope has no model for this workspace yet: run "Cellscope: Train on Workspace".');
      return;
    }
    void vscode.window.showInformationMessage('Cellscope model', { modal: true, detail: `${this.model.map((line) => line[0].toUpperCase() + line.slice(1)).join('.\n')}.\n\nKept in ${this.checkpointPath}.` });
  }

  /**
   * The command: as train(false), but when the stored model is of another cell type than
   * cellscope.training.cell asks for (which applies to new models), asks which to train.
   */
  private async trainAsked(): Promise<TrainSummary | undefined> {
    const read = this.run ? undefined : await this.readModel().catch(() => undefined); // afresh: another program may have replaced it
    const other = read === undefined ? undefined : this.cellConflict();
    if (!other) return this.train(false);
    const answer = await vscode.window.showWarningMessage(other.conflict, { modal: true, detail: `A new ${other.want} replaces the ${other.have} and starts learning from nothing.` }, other.trainNew, `Keep Training the ${other.have}`);
    return answer === undefined ? undefined : this.train(answer === other.trainNew);
  }

  /**
   * autoStart and retrainOnSave, which nobody is there to ask: resume the stored model, and say
   * once per window when the setting names another cell type, offering to train a new one.
   */
  private async trainUnasked(): Promise<void> {
    const other = this.toldOtherCellType ? undefined : this.cellConflict(); // the model as read at start-up and at each save: not read again
    if (other) {
      this.toldOtherCellType = true;
      void vscode.window.showWarningMessage(`${other.conflict} Cellscope keeps training the ${other.have}.`, other.trainNew).then(async (answer) => {
        if (answer !== other.trainNew) return;
        await this.stop();
        await this.train(true);
      });
    }
    await this.train(false);
  }

  /** The stored model's cell type, as last read, against cellscope.training.cell's (trainStatus.ts cellTypeConflict). */
  private cellConflict(): ReturnType<typeof cellTypeConflict> {
    return cellTypeConflict(this.modelCell, readSetting('cellscope.training.cell') as CellType);
  }

  /** The command: trains and returns what the run did (undefined when it did not start). */
  async train(fresh: boolean): Promise<TrainSummary | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('Cellscope does not train in Restricted Mode: trust this workspace to let it learn from its files.');
      return undefined;
    }
    const files = workspaceFiles();
    if (files.folders.length === 0 || !this.context.storageUri) {
      void vscode.window.showWarningMessage('Cellscope trains on a folder: open a folder or workspace first.');
      return undefined;
    }
    if (this.run) {
      const answer = await vscode.window.showWarningMessage('Cellscope is already training. Restart training from the latest checkpoint?', { modal: true }, 'Restart');
      if (answer !== 'Restart') return undefined;
      await this.stop();
    }
    const job = this.job(files, this.checkpointPath!, fresh);
    const abort = new AbortController();
    const done = this.runJob(job, abort);
    this.run = { abort, done };
    let result: Awaited<typeof done>;
    try {
      result = await done;
    } finally {
      if (this.run?.done === done) this.run = undefined;
    }
    return result === 'startFresh' ? this.train(true) : result;
  }

  /** Makes `cp` this workspace's model (the file replaced only once the new one is whole). Refuses while training runs. */
  async replaceModel(cp: Checkpoint): Promise<boolean> {
    const file = this.checkpointPath;
    if (!file || this.run) {
      void vscode.window.showWarningMessage(this.run ? 'Cellscope is training this workspace\'s model: stop training first, then import.' : 'Cellscope keeps a model per folder: open a folder or workspace first.');
      return false;
    }
    replaceModelFile(file, cp);
    this.modelSaved.fire(file);
    this.setState({ kind: 'ready', bpc: (await this.readModel()) ?? null });
    return true;
  }

  /** The command: stops training; the worker saves a checkpoint first. */
  async stop(): Promise<void> {
    this.run?.abort.abort();
    await this.run?.done.catch(() => undefined);
  }

  private async runJob(job: TrainJob, abort: AbortController): Promise<TrainSummary | 'startFresh' | undefined> {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    this.setState({ kind: 'training', bpc: null });
    this.log.info(`training on ${job.folders.map((f) => f.path).join(', ')} for ${job.seconds} s; checkpoint ${job.checkpointPath}`);
    let heldout: number | null = null;
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Cellscope', cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: 'reading the workspace…' });
        this.onNote = (n) => {
          if (n.type === 'didReadCorpus') progress.report({ message: `training on ${n.trainChars.toLocaleString('en')} characters of code…` });
          if (n.type === 'didReadCorpus' && n.adjusted) void vscode.window.showWarningMessage(`Cellscope: ${n.adjusted} (the setting cellscope.training.hiddenSize).`);
          if (n.type === 'didEvaluate') heldout = n.point.heldoutBpc;
          if (n.type === 'didProgress') progress.report({ message: progressText(heldout, n.charsPerSecond, n.budgetLeft) });
          if (n.type === 'didProgress' || n.type === 'didEvaluate') this.setState({ kind: 'training', bpc: heldout ?? (n.type === 'didProgress' ? n.trainBpc : null) });
          this.log.info(logLine(n));
          this.notified.fire(n);
          if (n.type === 'didSave') {
            this.modelSaved.fire(n.path);
            void this.readModel().catch(() => undefined); // the tooltip's description; a damaged file is reported at the next start
          }
        };
        const summary = await (await this.worker()).train(job, abort.signal);
        this.log.info(`${summary.cancelled ? 'stopped' : 'finished'} at step ${summary.step}; held-out ${summary.heldoutBpc ?? 'n/a'} bpc; saved ${summary.checkpointPath}`);
        this.setState({ kind: 'ready', bpc: summary.heldoutBpc });
        return summary;
      });
    } catch (err) {
      this.setState(this.model ? { kind: 'ready', bpc: null } : { kind: 'idle' });
      return this.failed(err);
    } finally {
      await this.disposeWorker(); // no worker stays behind between runs
      ModelLock.releaseIfHeldHere(job.checkpointPath); // a worker that died held it
      delay.disable();
      this.log.info(`extension host event-loop delay while training: p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);
    }
  }

  /** Tells the user; resolves to 'startFresh' when they chose to replace a damaged model. */
  private async failed(err: unknown): Promise<'startFresh' | undefined> {
    const message = err instanceof Error ? err.message : String(err);
    this.log.error(message);
    const code = err instanceof WorkerError ? err.code : 'failed';
    if (code === 'noFiles' || code === 'busy') {
      void vscode.window.showWarningMessage(`Cellscope: ${message}`);
    } else if (code === 'badCheckpoint') {
      const answer = await vscode.window.showErrorMessage(`Cellscope cannot read its saved model: ${message}`, 'Start Fresh', 'Show Log');
      if (answer === 'Start Fresh') return 'startFresh';
      if (answer === 'Show Log') this.log.show();
    } else {
      if ((await vscode.window.showErrorMessage(`Cellscope training failed: ${message}`, 'Show Log')) === 'Show Log') this.log.show();
    }
    return undefined;
  }

  private job(files: FileSelection, checkpointPath: string, fresh: boolean): TrainJob {
    return {
      ...files, checkpointPath, fresh,
      seconds: readSetting('cellscope.training.timeBudgetSeconds'),
      // 0: half the cores, so that the editor and completions keep the rest.
      threads: readSetting('cellscope.training.threads') || Math.max(1, Math.floor(os.availableParallelism() / 2)),
      settings: {
        cell: readSetting('cellscope.training.cell') as CellType, hidden: readSetting('cellscope.training.hiddenSize'), layers: readSetting('cellscope.training.layers'),
        batch: readSetting('cellscope.training.batchSize'), steps: readSetting('cellscope.training.sequenceLength'),
        lr: readSetting('cellscope.training.learningRate'), seed: 1,
      },
    };
  }

  private async worker(): Promise<TrainClient | PytorchTrainer> {
    this.client ??= readSetting('cellscope.training.backend') === 'pytorch'
      ? await PytorchTrainer.start(this.context.extensionPath, readSetting('cellscope.training.pythonPath'), (n) => this.onNote(n))
      : await TrainClient.start(() => new Worker(this.context.asAbsolutePath('dist/trainWorker.js'), { workerData: { root: this.context.extensionPath } }), (n) => this.onNote(n));
    return this.client;
  }

  private async disposeWorker(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.dispose();
  }

  private setState(state: TrainState): void {
    const shown = state.kind === 'idle' ? state : { ...state, model: this.model };
    this.status.text = statusText(shown);
    this.status.tooltip = statusTooltip(shown);
    void vscode.commands.executeCommand('setContext', 'cellscope.training', state.kind === 'training');
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    void this.disposeWorker(); // terminates; checkpoints are saved as training goes, not here
    for (const d of this.disposables) d.dispose();
  }
}
