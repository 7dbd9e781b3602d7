// The host's side of a Cellscope worker thread, whatever its protocol: starts the worker,
// checks the protocol version of its `ready`, numbers requests and settles each with its
// `reply`, passes notifications on (those about a pending request with a `progress` listener
// to it), and turns the worker's death into a rejection of every pending request (nothing
// waits forever). The training and engine clients wrap it with
// their typed requests. No vscode import: tests drive it in plain Node.

import type { Worker } from 'node:worker_threads';

/** What every protocol's worker sends besides its own notifications. */
export type WorkerControl<Code extends string> =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string; code: Code };

/** A failed request, with the worker's code (or 'failed' when the worker itself died). */
export class WorkerError<Code extends string> extends Error {
  override name = 'WorkerError';
  constructor(message: string, readonly code: Code | 'failed') {
    super(message);
  }
}

const READY_TIMEOUT_MS = 10_000;

/** The fields of the request of type K, less its type and id (which request() adds). */
export type RequestFields<ToWorker, K> = Omit<Extract<ToWorker, { type: K }>, 'type' | 'id'>;

/** `Replies` maps each request type of `ToWorker` to the value its reply carries. */
export class WorkerClient<ToWorker extends { type: string }, Replies, Notification extends { type: string }, Code extends string> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void; progress?: (n: Notification) => void }>();
  private exited = false;

  private constructor(private readonly worker: Worker, private readonly name: string, onNotification: (n: Notification) => void) {
    worker.on('message', (m: WorkerControl<Code> | Notification) => {
      if (m.type === 'reply') {
        const r = m as WorkerControl<Code> & { type: 'reply' };
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if (r.ok) p?.resolve(r.value);
        else p?.reject(new WorkerError(r.error, r.code));
      } else if (m.type !== 'ready') {
        const about = this.pending.get((m as { id?: number }).id ?? -1);
        if (about?.progress) about.progress(m as Notification);
        else onNotification(m as Notification);
      }
    });
    worker.on('error', (err) => this.rejectAll(`The ${name} failed: ${err.message}`));
    worker.on('exit', (code) => {
      this.exited = true;
      this.rejectAll(`The ${name} stopped (exit code ${code}).`);
    });
  }

  /** Starts a worker from `create()` and waits for a `ready` that speaks `protocolVersion`. */
  static async start<ToWorker extends { type: string }, Replies, Notification extends { type: string }, Code extends string>(
    name: string, protocolVersion: number, create: () => Worker, onNotification: (n: Notification) => void,
  ): Promise<WorkerClient<ToWorker, Replies, Notification, Code>> {
    const worker = create();
    const client = new WorkerClient<ToWorker, Replies, Notification, Code>(worker, name, onNotification);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`The ${name} did not start within 10 s.`)), READY_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        void worker.terminate();
        reject(err);
      };
      const onError = (err: Error) => fail(new Error(`The ${name} could not start (${err.message}); reinstalling Cellscope may help.`));
      const onExit = (code: number) => fail(new Error(`The ${name} stopped while starting (exit code ${code}).`));
      const onReady = (m: { type: string; protocolVersion?: number }) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        worker.off('error', onError).off('exit', onExit).off('message', onReady);
        if (m.protocolVersion === protocolVersion) resolve();
        else fail(new Error(`The ${name} speaks protocol ${m.protocolVersion}, the extension ${protocolVersion}: reinstall Cellscope.`));
      };
      worker.on('error', onError).on('exit', onExit).on('message', onReady);
    });
    return client;
  }

  /**
   * Sends a request of type `type` with `fields` and resolves with its reply's value; aborting
   * `signal` calls `cancel(id)`, which tells the worker (the worker still replies). The
   * worker's notifications about this request go to `progress` when it is given.
   */
  request<K extends ToWorker['type'] & keyof Replies>(
    type: K, fields: RequestFields<ToWorker, K>, signal: AbortSignal | undefined, cancel: (id: number) => void, progress?: (n: Notification) => void,
  ): Promise<Replies[K]> {
    const id = this.nextId++;
    return new Promise<Replies[K]>((resolve, reject) => {
      if (this.exited) return reject(new WorkerError(`The ${this.name} has stopped.`, 'failed'));
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, progress });
      this.post({ ...fields, type, id } as unknown as ToWorker);
      signal?.addEventListener('abort', () => cancel(id), { once: true });
    });
  }

  post(message: ToWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Stops the worker at once; pending requests are rejected. */
  async dispose(): Promise<void> {
    await this.worker.terminate();
    this.rejectAll(`The ${this.name} was stopped.`);
  }

  private rejectAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new WorkerError(message, 'failed'));
    this.pending.clear();
  }
}
