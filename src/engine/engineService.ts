// The engine worker's service: holds the model, the mirrored documents and their state cache,
// and answers load and complete requests. It knows nothing of threads (engineWorker.ts wires
// it to a port), so tests run it in-process. Requests run one at a time, synchronously; each
// checks its shared cancel flag before it starts and between beam steps, so a stale request
// costs at most one step.

import * as fs from 'node:fs';
import { suggest } from '../complete/suggest';
import { StateCache } from '../complete/stateCache';
import { CheckpointError } from '../model/checkpoint';
import { modelFromCheckpoint, type Model } from '../model/model';
import type { CancelFlag, CompletionRequest, EngineErrorCode, EngineReplyValue, EngineToHost, HostToEngine, ModelInfo, Suggestion } from '../protocol/engineProtocol';
import { WorkerError } from '../protocol/workerClient';
import { loadCheckpointFile } from '../train/checkpointFile';
import { DocumentMirror } from './documentMirror';

export class EngineService {
  private loaded: { model: Model; cache: StateCache } | undefined;
  private readonly docs = new DocumentMirror();

  constructor(private readonly post: (message: EngineToHost) => void) {}

  handle(message: HostToEngine): void {
    switch (message.type) {
      case 'load':
        return this.answer(message.id, message.cancelled, () => this.load(message.path));
      case 'complete':
        return this.answer(message.id, message.cancelled, (stale) => this.complete(message.request, stale));
      case 'didOpen':
        this.docs.open(message.uri, message.version, message.text);
        return this.loaded?.cache.forget(message.uri);
      case 'didChange':
        return this.docs.change(message.uri, message.version, message.changes, (offset) => this.loaded?.cache.invalidate(message.uri, offset));
      case 'didClose':
        this.docs.close(message.uri);
        return this.loaded?.cache.forget(message.uri);
    }
  }

  /** Replaces the model (and drops every cached state, which belonged to the old one). */
  private load(path: string): ModelInfo | null {
    if (!fs.existsSync(path)) {
      this.loaded = undefined;
      return null;
    }
    const checkpoint = loadCheckpointFile(path);
    const model = modelFromCheckpoint(checkpoint);
    this.loaded = { model, cache: new StateCache(model) };
    const { step, history } = checkpoint.training;
    return { path, step, hidden: model.config.hidden, layers: model.config.layers, heldoutBpc: history[history.length - 1]?.heldoutBpc ?? null };
  }

  private complete(request: CompletionRequest, stale: () => boolean): Suggestion[] {
    if (!this.loaded) throw new WorkerError('No model is loaded: train one first.', 'noModel');
    const doc = this.docs.get(request.uri);
    if (!doc || doc.version !== request.version || doc.text.length !== request.length) {
      throw new WorkerError(`The engine's copy of ${request.uri} is not at version ${request.version}.`, 'outOfSync');
    }
    const { model, cache } = this.loaded;
    return suggest(model, cache, request.uri, doc.text, request.offset, request.options, stale);
  }

  private answer(id: number, cancelled: CancelFlag, work: (stale: () => boolean) => EngineReplyValue): void {
    const stale = () => Atomics.load(cancelled, 0) === 1;
    try {
      if (stale()) throw new WorkerError('cancelled', 'cancelled');
      const value = work(stale);
      if (stale()) throw new WorkerError('cancelled', 'cancelled');
      this.post({ type: 'reply', id, ok: true, value });
    } catch (err) {
      const code: EngineErrorCode = err instanceof WorkerError ? err.code : err instanceof CheckpointError ? 'badCheckpoint' : 'failed';
      this.post({ type: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err), code });
    }
  }
}
