// Training in PyTorch for the extension (`cellscope.training.backend: pytorch`): the corpus
// written by the command line (dist/cli.js corpus), torch/train.py run as a child process on
// the user's Python (CUDA when torch finds it), its JSON lines turned into the training
// worker's notifications, and each checkpoint it writes imported as the workspace's model, so
// the progress notification, the status bar, completions and the panel follow as they do for
// the built-in engine. The same shape as TrainClient; no vscode import.

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkWritable, loadCheckpointFile, saveCheckpointFile } from '../files/checkpointFile';
import { ModelLock } from '../files/modelLock';
import type { SaturationShares } from '../model/checkpoint';
import { exportModel, importModel } from '../files/modelExchange';
import type { CorpusSkips, TrainErrorCode, TrainJob, TrainSummary } from '../protocol/trainProtocol';
import { WorkerError } from '../protocol/workerClient';
import type { TrainNotification } from './trainClient';

/** One JSON line of torch/train.py: an evaluation, after the checkpoint it announces was written. */
interface TrainerLine {
  step: number;
  seconds: number;
  trainBpc: number;
  heldoutBpc: number | null;
  chars_per_s: number;
  sample?: string;
  saturation?: SaturationShares;
  gradientFlow?: number[][];
}

export class PytorchTrainer {
  private child: ChildProcess | undefined;

  private constructor(private readonly root: string, private readonly python: string, private readonly onNote: (n: TrainNotification) => void) {}

  /** Checks that `python` imports torch; `root` is the extension's folder (dist/cli.js, torch/train.py). */
  static async start(root: string, python: string, onNote: (n: TrainNotification) => void): Promise<PytorchTrainer> {
    const trainer = new PytorchTrainer(root, python, onNote);
    try {
      await trainer.run(python, ['-c', 'import torch'], undefined);
    } catch (err) {
      const why = /could not start/.test((err as Error).message) ? `cannot run ${python} (${(err as Error).message})` : `${python} cannot import torch`;
      throw new WorkerError(`The PyTorch backend needs Python with torch: ${why}. Install torch (pip install torch, or Debian's python3-torch), set cellscope.training.pythonPath to that Python, or set cellscope.training.backend to builtin.`, 'failed');
    }
    return trainer;
  }

  /**
   * Trains; aborting `signal` stops the child, keeping the last checkpoint it wrote. Holds the
   * model's lock as a built-in run does; its working folder (a copy of the corpus) goes after.
   */
  async train(job: TrainJob, signal?: AbortSignal): Promise<TrainSummary> {
    const work = `${job.checkpointPath}.pytorch`;
    checkWritable(job.checkpointPath);
    const lock = ModelLock.acquire(job.checkpointPath);
    try {
      return await this.trainIn(work, job, signal);
    } finally {
      lock.release();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  private async trainIn(work: string, job: TrainJob, signal: AbortSignal | undefined): Promise<TrainSummary> {
    const id = 0, corpus = path.join(work, 'corpus'), out = path.join(work, 'model.safetensors');
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, 'selection.json'), JSON.stringify({ folders: job.folders }));
    const read = JSON.parse(await this.run(process.execPath, [path.join(this.root, 'dist', 'cli.js'), 'corpus', '--selection', path.join(work, 'selection.json'), '--out', corpus, '--json'], signal)) as { summary: string; skipped: CorpusSkips; trainChars: number; files: number };
    const resume = !job.fresh && fs.existsSync(job.checkpointPath) ? loadCheckpointFile(job.checkpointPath) : undefined;
    if (resume) fs.writeFileSync(path.join(work, 'resume.safetensors'), exportModel(resume, true));
    this.onNote({ type: 'didReadCorpus', id, summary: read.summary, skipped: read.skipped, trainChars: read.trainChars, resumedAtStep: resume?.training.step ?? null, adjusted: null });
    const s = job.settings, args = [
      path.join(this.root, 'torch', 'train.py'), corpus, '--out', out, '--seconds', String(job.seconds), '--threads', String(job.threads),
      ...(resume ? ['--resume', path.join(work, 'resume.safetensors')] : ['--cell', s.cell, '--hidden', String(s.hidden), '--layers', String(s.layers), '--batch', String(s.batch), '--steps', String(s.steps), '--lr', String(s.lr), '--seed', String(s.seed)]),
    ];
    let last: TrainerLine | undefined;
    const before = resume?.training.seconds ?? 0;
    const cancelled = await this.run(this.python, args, signal, (line) => {
      if (!line.startsWith('{')) return; // anything else a library prints
      last = JSON.parse(line) as TrainerLine;
      this.onNote({ type: 'didProgress', id, step: last.step, seconds: last.seconds, budgetLeft: job.seconds - (last.seconds - before), charsPerSecond: last.chars_per_s, trainBpc: last.trainBpc });
      this.onNote({ type: 'didEvaluate', id, point: { step: last.step, seconds: last.seconds, trainBpc: last.trainBpc, heldoutBpc: last.heldoutBpc, charsPerSecond: last.chars_per_s, sample: last.sample, saturation: last.saturation, gradientFlow: last.gradientFlow } });
      if (last.sample !== undefined) this.onNote({ type: 'didSample', id, step: last.step, text: last.sample });
      saveCheckpointFile(job.checkpointPath, importModel(fs.readFileSync(out), out));
      this.onNote({ type: 'didSave', id, step: last.step, path: job.checkpointPath });
    }).then(() => false, (err: Error) => {
      if (signal?.aborted) return true;
      throw new WorkerError<TrainErrorCode>(`${err.message}. The last checkpoint it wrote is kept.`, 'failed');
    });
    return { checkpointPath: job.checkpointPath, step: last?.step ?? resume?.training.step ?? 0, seconds: last?.seconds ?? 0, heldoutBpc: last?.heldoutBpc ?? null, files: read.files, cancelled };
  }

  /** The child runs on its own cores: typing does not pause it. */
  didType(): void {}

  async dispose(): Promise<void> {
    this.child?.kill();
  }

  /** Runs a child to its end: its stdout (each line to `onLine` when given); a failure names its last words. */
  private run(command: string, args: string[], signal: AbortSignal | undefined, onLine?: (line: string) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      // The extension host may be Electron: its binary runs dist/cli.js as Node.
      const child = (this.child = spawn(command, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }));
      let stdout = '', stderr = '', pending = '';
      const stop = () => child.kill();
      signal?.addEventListener('abort', stop);
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk;
        if (!onLine) return;
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        try {
          for (const line of lines) if (line.trim()) onLine(line);
        } catch (err) {
          child.kill();
          reject(err);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-4000)));
      child.on('error', (err) => reject(new WorkerError(`${path.basename(command)} could not start (${err.message})`, 'failed')));
      child.on('exit', (code, killed) => {
        signal?.removeEventListener('abort', stop);
        if (code === 0) return resolve(stdout);
        const words = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
        reject(new WorkerError(`${path.basename(args[0] ?? command)} stopped (${killed ? `signal ${killed}` : `exit status ${code}`})${words ? `: ${words}` : ''}`, 'failed'));
      });
    });
  }
}
