// The host's side of the engine worker: a WorkerClient that speaks the engine protocol. Each
// request gets its own cancel flag in shared memory, set when its signal aborts.
// No vscode import: the adapter (engineHost.ts) wraps it, and tests drive it in plain Node.

import type { Worker } from 'node:worker_threads';
import type { CellDiscovery } from '../protocol/engineProtocol';
import {
  ENGINE_PROTOCOL_VERSION, type CompletionRequest, type EngineErrorCode, type EngineReplies, type EngineToHost, type FoundCells, type HostToEngine, type InspectRequest,
  type InspectResult, type ModelInfo, type SelectionRequest, type SignedCell, type SimilarPlaces, type Suggestion, type TextChange,
} from '../protocol/engineProtocol';
import type { FileSelection } from '../protocol/trainProtocol';
import { WorkerClient, type RequestFields } from '../protocol/workerClient';

type EngineProgress = Extract<EngineToHost, { type: 'didProgress' }>;

export class EngineClient {
  private constructor(private readonly client: WorkerClient<HostToEngine, EngineReplies, EngineProgress, EngineErrorCode>) {}

  static async start(create: () => Worker): Promise<EngineClient> {
    return new EngineClient(await WorkerClient.start('engine worker', ENGINE_PROTOCOL_VERSION, create, () => {}));
  }

  /** Loads the model at `path`, the workspace's files read into its cache (null: none); null when there is no such file. */
  load(path: string, workspace: FileSelection | null, signal?: AbortSignal): Promise<ModelInfo | null> {
    return this.request('load', { path, workspace }, signal);
  }

  /** Suggestions at the request's cursor; rejects with code 'cancelled' when `signal` aborts first. */
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<Suggestion[]> {
    return this.request('complete', { request }, signal);
  }

  /** One cell's values along a stretch of a document, with the model's guesses there. */
  inspect(request: InspectRequest, signal?: AbortSignal): Promise<InspectResult> {
    return this.request('inspect', { request }, signal);
  }

  /** The model's cells ranked against syntax labels on the workspace's code. */
  discoverCells(request: FileSelection, signal?: AbortSignal): Promise<CellDiscovery> {
    return this.request('discoverCells', { request }, signal);
  }

  /** The cells on in a selection of a mirrored document, best first; `progress` hears how much of a document not read before is read. */
  findCells(request: SelectionRequest, signal?: AbortSignal, progress?: (done: number, total: number) => void): Promise<FoundCells> {
    return this.request('findCells', { request }, signal, progress && ((n) => progress(n.done, n.total)));
  }

  /** Where `request.cells` are on together, in the document and in the workspace's sample. */
  findSimilar(request: SelectionRequest & { cells: SignedCell[]; workspace: FileSelection | null }, signal?: AbortSignal): Promise<SimilarPlaces> {
    return this.request('findSimilar', { request }, signal);
  }

  didOpen(uri: string, version: number, text: string): void {
    this.client.post({ type: 'didOpen', uri, version, text });
  }

  didChange(uri: string, version: number, changes: TextChange[]): void {
    this.client.post({ type: 'didChange', uri, version, changes });
  }

  didClose(uri: string): void {
    this.client.post({ type: 'didClose', uri });
  }

  get alive(): boolean {
    return this.client.alive;
  }

  dispose(): Promise<void> {
    return this.client.dispose();
  }

  /** A request with its own cancel flag, set when `signal` aborts. */
  private request<K extends keyof EngineReplies>(
    type: K, fields: Omit<RequestFields<HostToEngine, K>, 'cancelled'>, signal: AbortSignal | undefined, progress?: (n: EngineProgress) => void,
  ): Promise<EngineReplies[K]> {
    const cancelled = new Int32Array(new SharedArrayBuffer(4));
    return this.client.request(type, { ...fields, cancelled } as RequestFields<HostToEngine, K>, signal, () => Atomics.store(cancelled, 0, 1), progress);
  }
}
