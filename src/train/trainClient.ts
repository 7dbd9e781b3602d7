// The host's side of the training worker: a WorkerClient that speaks the training protocol.
// No vscode import: the adapter wraps it, and tests drive it in plain Node.

import type { Worker } from 'node:worker_threads';
import {
  TRAIN_PROTOCOL_VERSION, type HostToTrainWorker, type TrainErrorCode, type TrainJob, type TrainReplies, type TrainSummary, type TrainWorkerToHost,
} from '../protocol/trainProtocol';
import { WorkerClient, WorkerError } from '../protocol/workerClient';

export type TrainNotification = Exclude<TrainWorkerToHost, { type: 'ready' } | { type: 'reply' }>;
export type TrainError = WorkerError<TrainErrorCode>;

// A worker answers a cancel within a step and a save; one still silent this long after it is
// stuck in one long computation, and is ended (its checkpoints are written whole or not at all).
const CANCEL_GRACE_MS = 60_000;

export class TrainClient {
  private constructor(private readonly client: WorkerClient<HostToTrainWorker, TrainReplies, TrainNotification, TrainErrorCode>, private readonly cancelGraceMs: number) {}

  /** Starts a worker from `create()` and waits for its `ready`. */
  static async start(create: () => Worker, onNotification: (n: TrainNotification) => void, cancelGraceMs = CANCEL_GRACE_MS): Promise<TrainClient> {
    return new TrainClient(await WorkerClient.start('training worker', TRAIN_PROTOCOL_VERSION, create, onNotification), cancelGraceMs);
  }

  /**
   * Trains; aborting `signal` cancels (the worker saves, then replies with cancelled: true). A
   * worker that has not replied `cancelGraceMs` after the cancel is ended, and the run rejected.
   */
  async train(job: TrainJob, signal?: AbortSignal): Promise<TrainSummary> {
    let grace: NodeJS.Timeout | undefined, ended = false;
    try {
      return await this.client.request('train', { job }, signal, (id) => {
        this.client.post({ type: 'cancel', id });
        grace = setTimeout(() => {
          ended = true;
          void this.client.dispose();
        }, this.cancelGraceMs);
      });
    } catch (err) {
      if (!ended) throw err;
      throw new WorkerError(`The training worker did not stop within ${this.cancelGraceMs / 1000} s of being cancelled, so it was ended; the checkpoint it saved last is kept.`, 'failed');
    } finally {
      clearTimeout(grace);
    }
  }

  /** The user typed: training steps aside for a moment. */
  didType(): void {
    this.client.post({ type: 'didType' });
  }

  /** Stops the worker at once; pending requests are rejected. */
  dispose(): Promise<void> {
    return this.client.dispose();
  }
}
