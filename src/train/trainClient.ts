// The host's side of the training worker: starts it, checks its protocol version, sends
// requests and settles each with its reply, passes notifications on, and turns a worker's
// death into a rejection of every pending request (nothing waits forever). No vscode import:
// the adapter wraps it, and tests drive it in plain Node.

import type { Worker } from 'node:worker_threads';
import {
  TRAIN_PROTOCOL_VERSION, type HostToTrainWorker, type TrainErrorCode, type TrainJob, type TrainSummary, type TrainWorkerToHost,
} from '../protocol/trainProtocol';

export type TrainNotification = Exclude<TrainWorkerToHost, { type: 'ready' } | { type: 'reply' }>;

/** A failed request, with the worker's code (or 'failed' when the worker itself died). */
export class TrainError extends Error {
  override name = 'TrainError';
  constructor(message: string, readonly code: TrainErrorCode) {
    super(message);
  }
}

const READY_TIMEOUT_MS = 10_000;

export class TrainClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (s: TrainSummary) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(private readonly worker: Worker, onNotification: (n: TrainNotification) => void) {
    worker.on('message', (m: TrainWorkerToHost) => {
      if (m.type === 'reply') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new TrainError(m.error, m.code));
      } else if (m.type !== 'ready') {
        onNotification(m);
      }
    });
    worker.on('error', (err) => this.rejectAll(`The training worker failed: ${err.message}`));
    worker.on('exit', (code) => {
      this.exited = true;
      this.rejectAll(`The training worker stopped (exit code ${code}).`);
    });
  }

  /** Starts a worker from `create()` and waits for its `ready`. */
  static async start(create: () => Worker, onNotification: (n: TrainNotification) => void): Promise<TrainClient> {
    const worker = create();
    const client = new TrainClient(worker, onNotification);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('The training worker did not start within 10 s.')), READY_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        void worker.terminate();
        reject(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`The training worker stopped while starting (exit code ${code}).`)));
      worker.on('message', (m: TrainWorkerToHost) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        if (m.protocolVersion === TRAIN_PROTOCOL_VERSION) resolve();
        else fail(new Error(`The training worker speaks protocol ${m.protocolVersion}, the extension ${TRAIN_PROTOCOL_VERSION}: reinstall Cellscope.`));
      });
    });
    return client;
  }

  /** Trains; aborting `signal` cancels (the worker saves, then replies with cancelled: true). */
  train(job: TrainJob, signal?: AbortSignal): Promise<TrainSummary> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new TrainError('The training worker has stopped.', 'failed'));
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'train', id, job });
      signal?.addEventListener('abort', () => this.send({ type: 'cancel', id }), { once: true });
    });
  }

  /** The user typed: training steps aside for a moment. */
  didType(): void {
    this.send({ type: 'didType' });
  }

  /** Stops the worker at once; pending requests are rejected. */
  async dispose(): Promise<void> {
    await this.worker.terminate();
    this.rejectAll('The training worker was stopped.');
  }

  private send(message: HostToTrainWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private rejectAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new TrainError(message, 'failed'));
    this.pending.clear();
  }
}
