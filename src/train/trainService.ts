// The training worker's service: turns protocol requests into training runs and reports them
// as protocol messages. It knows nothing of threads (trainWorker.ts wires it to a port), so
// tests run it in-process. One run at a time: a second `train` is refused as busy.

import { CorpusError, describeCorpus } from '../files/corpus';
import { ModelBusyError } from '../files/modelLock';
import { CheckpointError } from '../model/checkpoint';
import { messageProblem, requestId } from '../protocol/messageShape';
import { HOST_TO_TRAIN_WORKER, type HostToTrainWorker, type TrainErrorCode, type TrainJob, type TrainSummary, type TrainWorkerToHost } from '../protocol/trainProtocol';
import { TrainingSession } from './trainingSession';

// After a keystroke, training waits this long before its next step.
const TYPING_PAUSE_MS = 750;

export class TrainService {
  private readonly runs = new Map<number, AbortController>();
  private pausedUntil = 0;

  /** `simd`: the kernels' bytes and the folder of dist/trainShard.js, for runs on several threads; without it runs use one. */
  constructor(private readonly post: (message: TrainWorkerToHost) => void, private readonly simd?: { wasm: Uint8Array; distDir: string }) {}

  /** Acts on a message from the host; a malformed one is answered with an error (a request) or ignored, never fatal. */
  handle(received: unknown): void {
    const problem = messageProblem(HOST_TO_TRAIN_WORKER, received), id = requestId(received);
    if (problem) {
      if (id !== undefined) this.fail(id, 'failed', `The training worker got a malformed request (${problem}).`);
      return;
    }
    const message = received as HostToTrainWorker;
    switch (message.type) {
      case 'train':
        void this.train(message.id, message.job);
        break;
      case 'cancel':
        this.runs.get(message.id)?.abort();
        break;
      case 'didType':
        this.pausedUntil = Date.now() + TYPING_PAUSE_MS;
        break;
    }
  }

  private async train(id: number, job: TrainJob): Promise<void> {
    if (this.runs.size > 0) return this.fail(id, 'busy', 'A training is already running; stop it first.');
    const abort = new AbortController();
    this.runs.set(id, abort);
    try {
      this.post({ type: 'reply', id, ok: true, value: await this.run(id, job, abort.signal) });
    } catch (err) {
      const code: TrainErrorCode = err instanceof CorpusError ? 'noFiles' : err instanceof CheckpointError ? 'badCheckpoint' : err instanceof ModelBusyError ? 'busy' : 'failed';
      this.fail(id, code, err instanceof Error ? err.message : String(err));
    } finally {
      this.runs.delete(id);
    }
  }

  private async run(id: number, job: TrainJob, signal: AbortSignal): Promise<TrainSummary> {
    const { folders, checkpointPath, fresh, settings, threads } = job;
    // The settings shape a new model only: a resumed one keeps its own (asked: nothing).
    const session = await TrainingSession.open({ roots: folders, checkpointPath, fresh, settings, asked: {}, threads }, this.simd);
    try {
      return await this.loop(id, job, signal, session);
    } finally {
      await session.dispose();
    }
  }

  private async loop(id: number, job: TrainJob, signal: AbortSignal, session: TrainingSession): Promise<TrainSummary> {
    const { trainer, corpus } = session, stats = trainer.stats, end = stats.seconds + job.seconds;
    this.post({ type: 'didReadCorpus', id, summary: describeCorpus(corpus), skipped: corpus.skipped, trainChars: session.trainChars, resumedAtStep: session.resumedAtStep, adjusted: session.adjusted });
    await session.run({
      seconds: job.seconds,
      signal,
      pausedUntil: () => this.pausedUntil,
      report: (e) => {
        switch (e.kind) {
          case 'progress':
            return this.post({ type: 'didProgress', id, step: e.step, seconds: e.seconds, budgetLeft: Math.max(0, end - e.seconds), charsPerSecond: e.charsPerSecond, trainBpc: e.trainBpc });
          case 'evaluated':
            return this.post({ type: 'didEvaluate', id, point: stats.history[stats.history.length - 1] });
          case 'sampled':
            return this.post({ type: 'didSample', id, step: e.step, text: e.text });
          case 'saved':
            return this.post({ type: 'didSave', id, step: e.step, path: job.checkpointPath });
        }
      },
    });
    const last = stats.history[stats.history.length - 1];
    return { checkpointPath: job.checkpointPath, step: stats.step, seconds: stats.seconds, heldoutBpc: last?.heldoutBpc ?? null, files: corpus.files.length, cancelled: signal.aborted };
  }

  private fail(id: number, code: TrainErrorCode, error: string): void {
    this.post({ type: 'reply', id, ok: false, error, code });
  }
}
