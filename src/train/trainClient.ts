// The host's side of the training worker: a WorkerClient that speaks the training protocol.
// No vscode import: the adapter wraps it, and tests drive it in plain Node.

import type { Worker } from 'node:worker_threads';
import {
  TRAIN_PROTOCOL_VERSION, type HostToTrainWorker, type TrainErrorCode, type TrainJob, type TrainReplies, type TrainSummary, type TrainWorkerToHost,
} from '../protocol/trainProtocol';
import { WorkerClient, WorkerError } from '../protocol/workerClient';

export type TrainNotification = Exclude<TrainWorkerToHost, { type: 'ready' } | { type: 'reply' }>;
export type TrainError = WorkerError<TrainErrorCode>;

export class TrainClient {
  private constructor(private readonly client: WorkerClient<HostToTrainWorker, TrainReplies, TrainNotification, TrainErrorCode>) {}

  /** Starts a worker from `create()` and waits for its `ready`. */
  static async start(create: () => Worker, onNotification: (n: TrainNotification) => void): Promise<TrainClient> {
    return new TrainClient(await WorkerClient.start('training worker', TRAIN_PROTOCOL_VERSION, create, onNotification));
  }

  /** Trains; aborting `signal` cancels (the worker saves, then replies with cancelled: true). */
  train(job: TrainJob, signal?: AbortSignal): Promise<TrainSummary> {
    return this.client.request('train', { job }, signal, (id) => this.client.post({ type: 'cancel', id }));
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
