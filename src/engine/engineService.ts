// The engine worker's service: holds the model, the mirrored documents and their state cache,
// and answers load, complete, inspect and discoverCells requests. It knows nothing of threads
// (engineWorker.ts wires it to a port), so tests run it in-process. Each request checks its
// shared cancel flag before it starts and between beam steps (or every 256 characters read),
// so a stale request costs little.

import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suggest } from '../complete/suggest';
import { discoverCells, discoveryFiles, DISCOVERY_CHARS, sampleFiles } from '../inspect/cellDiscovery';
import type { CellDiscovery } from '../protocol/engineProtocol';
import { SyntaxLabeler, type SyntaxAssets } from '../inspect/syntaxLabels';
import { cellValues, gateSaturation, traceStates, traceText, type CellStates, type Trace, type TraceCache } from '../inspect/trace';
import { describePlace, documentStates, findSelectionCells, similarPlaces, type Place, type Span } from '../inspect/selectionCells';
import { languageOfId } from '../inspect/languages';
import { codePointIndex, unitOffsets } from '../inspect/textPositions';
import { documentStart } from '../model/inference';
import { Mixture } from '../model/mixture';
import { DocumentCache } from '../complete/documentCache';
import { idsBefore, workspaceCounts } from '../complete/documentCounts';
import { StateCache } from '../complete/stateCache';
import type { NgramCounts } from '../model/ngramCounts';
import { CheckpointError } from '../model/checkpoint';
import { Arena } from '../model/arena';
import { modelFromCheckpoint, type Model } from '../model/model';
import { cellType } from '../model/params';
import { Vocabulary } from '../model/vocabulary';
import {
  HOST_TO_ENGINE, kindLabel, traceKinds, type CancelFlag, type CompletionRequest, type EngineErrorCode, type EngineReplyValue, type EngineToHost, type FoundCells, type HostToEngine, type InspectRequest,
  type InspectResult, type ModelInfo, type SelectionRequest, type SignedCell, type SimilarPlace, type SimilarPlaces, type Suggestion, type TraceKind,
} from '../protocol/engineProtocol';
import { messageProblem, requestId } from '../protocol/messageShape';
import type { FileSelection } from '../protocol/trainProtocol';
import { WorkerError } from '../protocol/workerClient';
import { loadCheckpointFile } from '../files/checkpointFile';
import { CorpusError, readCorpus } from '../files/corpus';
import { DocumentMirror } from './documentMirror';
import { StepHelper } from './stepHelper';

// Places listed at most, in the document and in the workspace.
const PLACES = 20;
// The workspace's sample for Find Similar keeps at most this many bytes of states.
const SAMPLE_BYTES = 128 * 2 ** 20;
// Reading a whole document for findCells reports its progress this often (about a second for the default model).
const PROGRESS_CHARS = 50_000;

interface LoadedModel {
  model: Model; // in its own arena, disposed when the model is replaced
  helper: StepHelper | undefined; // sharing its beam steps
  cache: StateCache;
  documents: DocumentCache;
  workspace: string; // the file selection the workspace level was read from (JSON)
  info: ModelInfo;
  traced?: { uri: string; version: number; start: number; end: number; cache: boolean; trace: Trace; saturation: Float32Array }; // the last stretch inspected
  searched?: { uri: string; version: number; states: CellStates; offsets: Uint32Array }; // the last document searched for cells, whole
  sample?: { workspace: string; files: { file: string; text: string; states: CellStates; offsets: Uint32Array }[] }; // the workspace's sample, as searched
}

export class EngineService {
  private loaded: LoadedModel | undefined;
  private loading: Promise<void> = Promise.resolve(); // the loads, in the order they came
  private readonly docs = new DocumentMirror();
  private labeler: Promise<SyntaxLabeler> | undefined;

  constructor(
    private readonly post: (message: EngineToHost) => void,
    private readonly assets: SyntaxAssets,
    private readonly simd?: { wasm: Uint8Array; distDir: string }, // SIMD kernels, and dist/engineStep.js for a helper thread
  ) {}

  /** Acts on a message from the host; a malformed one is answered with an error (a request) or ignored (a notification), never fatal. */
  handle(received: unknown): void {
    const problem = messageProblem(HOST_TO_ENGINE, received), id = requestId(received);
    if (problem) {
      if (id !== undefined) this.post({ type: 'reply', id, ok: false, error: `The engine got a malformed request (${problem}).`, code: 'failed' });
      return;
    }
    const message = received as HostToEngine;
    switch (message.type) {
      case 'load':
        // One at a time: a load that overtook another would keep counts meant for the other's vocabulary, or none.
        this.loading = this.loading.then(() => this.answer(message.id, message.cancelled, () => this.load(message.path, message.workspace)));
        return;
      case 'complete':
        return void this.answer(message.id, message.cancelled, (stale) => this.complete(message.request, stale));
      case 'inspect':
        return void this.answer(message.id, message.cancelled, (stale) => this.inspect(message.request, stale));
      case 'discoverCells':
        return void this.answer(message.id, message.cancelled, (stale) => this.discover(message.request, stale));
      case 'findCells':
        return void this.answer(message.id, message.cancelled, (stale) => this.findCells(message.request, stale, (done, total) => this.post({ type: 'didProgress', id: message.id, done, total })));
      case 'findSimilar':
        return void this.answer(message.id, message.cancelled, (stale) => this.findSimilar(message.request, stale));
      case 'didOpen': {
        const previous = this.docs.get(message.uri)?.text;
        this.docs.open(message.uri, message.version, message.text);
        this.loaded?.cache.forget(message.uri);
        return this.loaded?.documents.didOpen(message.uri, message.text, previous);
      }
      case 'didChange': {
        const before = this.docs.get(message.uri)?.text;
        const applied = this.docs.change(message.uri, message.version, message.changes, (before, after, change) => {
          this.loaded?.cache.invalidate(message.uri, change.offset);
          this.loaded?.documents.didChange(message.uri, before, after, change);
        });
        // An edit outside the text: this mirror is lost; requests on it answer outOfSync until the host opens it again.
        if (!applied && before !== undefined) this.close(message.uri, before);
        return;
      }
      case 'didClose': {
        const text = this.docs.get(message.uri)?.text;
        if (text !== undefined) this.close(message.uri, text);
        return;
      }
    }
  }

  private close(uri: string, text: string): void {
    this.docs.close(uri);
    if (this.loaded?.searched?.uri === uri) this.loaded.searched = undefined; // its states can be hundreds of MB
    this.loaded?.cache.forget(uri);
    this.loaded?.documents.didClose(uri, text);
  }

  /**
   * Replaces the model (and drops every cached state, which belonged to the old one). The
   * document cache's counts are kept while the vocabulary stays the same (as training saves
   * again and again); otherwise they are counted again, the workspace's files read from `workspace`.
   */
  private async load(path: string, workspace: FileSelection | null): Promise<ModelInfo | null> {
    if (!fs.existsSync(path)) {
      await this.unload();
      return null;
    }
    const checkpoint = loadCheckpointFile(path), selection = JSON.stringify(workspace);
    // The workspace's files are read again only for a new vocabulary or a new selection (not each time training saves).
    const before = this.loaded, vocabulary = checkpoint.vocabulary.join('');
    const counts = before?.model.vocabulary.chars.join('') !== vocabulary || before.workspace !== selection ? await workspaceFileCounts(checkpoint.vocabulary, workspace) : undefined;
    const model = modelFromCheckpoint(checkpoint, Arena.create(this.simd?.wasm));
    const helper = this.simd && (await StepHelper.start(model, this.simd.distDir));
    // From here to the swap nothing awaits, so that no edit arriving meanwhile misses the counts the new model keeps.
    let loaded: LoadedModel;
    try {
      const { step, history } = checkpoint.training;
      const info = { path, step, cell: cellType(model.config), hidden: model.config.hidden, layers: model.config.layers, heldoutBpc: history[history.length - 1]?.heldoutBpc ?? null };
      const last = this.loaded, sameVocabulary = last?.model.vocabulary.chars.join('') === vocabulary;
      const documents = sameVocabulary ? last!.documents : this.newDocumentCache(model);
      if (counts !== undefined) documents.workspace = counts;
      loaded = { model, helper, cache: new StateCache(model), documents, workspace: selection, info };
    } catch (err) {
      await release({ model, helper });
      throw err;
    }
    const last = this.loaded;
    this.loaded = loaded;
    await release(last);
    return loaded.info;
  }

  /** Drops the model. */
  private async unload(): Promise<void> {
    const last = this.loaded;
    this.loaded = undefined;
    await release(last);
  }

  /** A document cache for `model`'s vocabulary, holding every mirrored document as another document. */
  private newDocumentCache(model: Model): DocumentCache {
    const documents = new DocumentCache(model.vocabulary);
    for (const [uri, doc] of this.docs.entries()) documents.countOther(uri, doc.text);
    return documents;
  }

  private complete(request: CompletionRequest, stale: () => boolean): Suggestion[] {
    const { model, helper, cache, documents } = this.model(), { uri, offset, options } = request, text = this.document(request);
    if (offset > text.length) throw new WorkerError(`The cursor offset ${offset} lies past the end of ${uri} (${text.length} characters).`, 'failed');
    const levels = options.cache ? documents.levelsAt(uri, text, offset, (other) => this.docs.get(other)?.text) : [];
    return suggest(model, cache, levels, uri, text, offset, options, stale, helper?.step);
  }

  private inspect(request: InspectRequest, stale: () => boolean): InspectResult {
    const loaded = this.model(), { model, cache } = loaded, text = this.document(request);
    const { uri, version, start, end, cell } = request, { layers, hidden } = model.config;
    if (start > end || end > text.length) throw new WorkerError(`The stretch ${start}–${end} is not inside ${uri} (${text.length} characters).`, 'failed');
    if (cell.layer >= layers || cell.index >= hidden) throw new WorkerError(`The model has no cell L${cell.layer}#${cell.index}: it has ${layers} layers of ${hidden} cells.`, 'failed');
    const type = cellType(model.config), kinds = traceKinds(type);
    if (!kinds.includes(cell.kind)) throw new WorkerError(`This ${type.toUpperCase()} has no ${cell.kind} gate: it has ${kinds.map((k) => kindLabel(k, type)).join(', ')}.`, 'failed');
    const t = loaded.traced;
    if (!t || t.uri !== uri || t.version !== version || t.start !== start || t.end !== end || t.cache !== request.cache) {
      const from = cache.stateAt(uri, text, start, stale);
      const trace = from && traceText(model, model.vocabulary.encode(text.slice(start, end)), from, stale, request.cache ? this.traceCache(uri, text, start, end) : undefined);
      if (!trace) throw new WorkerError('cancelled', 'cancelled');
      loaded.traced = { uri, version, start, end, cache: request.cache, trace, saturation: gateSaturation(trace) }; // picking another cell reuses both
    }
    const { trace, saturation } = loaded.traced!;
    const vocabulary = Array.from({ length: model.config.vocab }, (_, id) => model.vocabulary.char(id));
    return { values: cellValues(trace, cell.layer, cell.index, cell.kind), topIds: trace.topIds, topProbs: trace.topProbs, surprise: trace.surprise, vocabulary, saturation };
  }

  /** The document cache while tracing text[start, end): as at a cursor before each character in turn. */
  private traceCache(uri: string, text: string, start: number, end: number): TraceCache {
    const { model, documents } = this.model(), textOf = (other: string) => this.docs.get(other)?.text;
    const mixture = new Mixture(model.config.vocab, documents.levelsAt(uri, text, start, textOf));
    const after: number[] = []; // the offset after each code point of the stretch
    for (let at = start; at < end;) {
      at += text.codePointAt(at)! > 0xffff ? 2 : 1;
      after.push(Math.min(at, end));
    }
    return { mixture, before: idsBefore(model.vocabulary, text, start), read: (t) => documents.levelsAt(uri, text, after[t], textOf) };
  }

  /** Ranks the cells on the workspace's code; the result is kept beside the model file, for its step. */
  private async discover(request: FileSelection, stale: () => boolean): Promise<CellDiscovery> {
    // The labeler first: a model replaced while it starts has given up its arena, so the model is taken after.
    const labeler = await (this.labeler ??= SyntaxLabeler.create(this.assets));
    const { model, info } = this.model();
    const cacheFile = `${info.path}.cells.json`;
    try {
      const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CellDiscovery & { step: number };
      if (cached.step === info.step) return cached;
    } catch {
      // no usable cache: discover
    }
    const files = discoveryFiles((await readCorpus(request.folders)).files);
    const found = await discoverCells(model, labeler, files, DISCOVERY_CHARS, stale);
    if (!found) throw new WorkerError('cancelled', 'cancelled');
    fs.writeFileSync(cacheFile, JSON.stringify({ step: info.step, ...found }));
    return found;
  }

  /** The cells on in a selection, ranked against the selection's syntax kind when it is one. */
  private async findCells(request: SelectionRequest, stale: () => boolean, report: (done: number, total: number) => void): Promise<FoundCells> {
    const labeler = await (this.labeler ??= SyntaxLabeler.create(this.assets)); // first: see discover()
    const text = this.document(request), { states, selection } = this.searchedSelection(request, text, stale, report);
    const language = languageOfId(request.languageId);
    const kind = language && (await labeler.selectionKind(text, language, request.start, request.end));
    if (stale()) throw new WorkerError('cancelled', 'cancelled');
    return {
      cells: findSelectionCells(states, selection, request.threshold, kind?.mask), kind: kind ? { kind: kind.kind, instances: kind.instances } : null, searched: [...states.kinds], chars: states.steps,
    };
  }

  /** Where the chosen cells are on together: in the document (not in the selection) and in the workspace's sample. */
  private async findSimilar(request: SelectionRequest & { cells: SignedCell[]; workspace: FileSelection | null }, stale: () => boolean): Promise<SimilarPlaces> {
    const loaded = this.model(), text = this.document(request), { states, selection, offsets } = this.searchedSelection(request, text, stale);
    const { layers, hidden } = loaded.model.config;
    const missing = request.cells.find((c) => c.layer >= layers || c.index >= hidden || !states.kinds.includes(c.kind));
    if (missing) throw new WorkerError(`This search has no cell L${missing.layer + 1}#${missing.index} ${missing.kind}: the model has ${layers} layers of ${hidden} cells, and it kept ${states.kinds.join(', ')}.`, 'failed');
    const place = (file: string | null, fileText: string, at: Uint32Array, p: Place): SimilarPlace => {
      const { offset, line, text: snippet, strength } = describePlace(fileText, at, p);
      return { file, offset, line: line - 1, text: snippet, strength };
    };
    const inFile = similarPlaces(states, request.cells, request.threshold, PLACES, selection).map((p) => place(null, text, offsets, p));
    const sample = await this.workspaceSample(loaded, request.workspace, states.kinds, stale);
    const self = request.uri.startsWith('file:') ? fileURLToPath(request.uri) : undefined; // its places are listed above, as they are now
    const inWorkspace = sample.filter((f) => f.file !== self)
      .flatMap((f) => similarPlaces(f.states, request.cells, request.threshold, PLACES).map((p) => place(f.file, f.text, f.offsets, p)))
      .sort((a, b) => b.strength - a.strength).slice(0, PLACES);
    return { inFile, inWorkspace, sampleFiles: sample.length };
  }

  /** The document's states, traced whole once for its version (`report`ing how far, every PROGRESS_CHARS), and the selection in code points. */
  private searchedSelection(request: SelectionRequest, text: string, stale: () => boolean, report?: (done: number, total: number) => void): { states: CellStates; offsets: Uint32Array; selection: Span } {
    const loaded = this.model(), { uri, version, start, end } = request;
    if (!(start < end && end <= text.length)) throw new WorkerError(`The selection ${start}–${end} is empty or not inside ${uri} (${text.length} characters).`, 'failed');
    if (loaded.searched?.uri !== uri || loaded.searched.version !== version) {
      loaded.searched = undefined; // its memory first: a 1 MB file's states take hundreds of MB
      let reported = 0;
      const states = documentStates(loaded.model, text, (read, total) => {
        if (report && read - reported >= PROGRESS_CHARS && read < total) report((reported = read), total);
        return stale();
      });
      if (!states) throw new WorkerError('cancelled', 'cancelled');
      loaded.searched = { uri, version, states, offsets: unitOffsets(text) };
    }
    const { states, offsets } = loaded.searched;
    return { states, offsets, selection: { start: codePointIndex(offsets, start), end: codePointIndex(offsets, end) } };
  }

  /**
   * Discovery's sample of the workspace's files with the `kinds` the document's search keeps,
   * traced once per model, file selection and kinds, and cut to SAMPLE_BYTES of states.
   */
  private async workspaceSample(loaded: LoadedModel, workspace: FileSelection | null, kinds: readonly TraceKind[], stale: () => boolean): Promise<NonNullable<LoadedModel['sample']>['files']> {
    const key = JSON.stringify({ workspace, kinds });
    if (!workspace || workspace.folders.length === 0) return [];
    if (loaded.sample?.workspace !== key) {
      let corpus;
      try {
        corpus = await readCorpus(workspace.folders);
      } catch (err) {
        if (err instanceof CorpusError) return []; // no usable files: nothing to search there
        throw err;
      }
      // Reading the files awaited: a model replaced meanwhile has given up its arena.
      if (this.loaded !== loaded) throw new WorkerError('cancelled', 'cancelled');
      const { layers: L, hidden: H } = loaded.model.config, maxChars = Math.min(DISCOVERY_CHARS, Math.floor(SAMPLE_BYTES / (L * kinds.length * H)));
      const files: NonNullable<LoadedModel['sample']>['files'] = [];
      for (const { file, text } of sampleFiles(discoveryFiles(corpus.files), maxChars)) {
        const states = traceStates(loaded.model, loaded.model.vocabulary.encode(text), documentStart(loaded.model), kinds, stale);
        if (!states) throw new WorkerError('cancelled', 'cancelled');
        files.push({ file, text, states, offsets: unitOffsets(text) });
      }
      loaded.sample = { workspace: key, files };
    }
    return loaded.sample.files;
  }

  private model(): LoadedModel {
    if (!this.loaded) throw new WorkerError('No model is loaded: train one first.', 'noModel');
    return this.loaded;
  }

  /** The mirrored text the request was made on. */
  private document(request: { uri: string; version: number; length: number }): string {
    const doc = this.docs.get(request.uri);
    if (!doc || doc.version !== request.version || doc.text.length !== request.length) {
      throw new WorkerError(`The engine's copy of ${request.uri} is not at version ${request.version}.`, 'outOfSync');
    }
    return doc.text;
  }

  private async answer(id: number, cancelled: CancelFlag, work: (stale: () => boolean) => EngineReplyValue | Promise<EngineReplyValue>): Promise<void> {
    const stale = () => Atomics.load(cancelled, 0) === 1;
    try {
      if (stale()) throw new WorkerError('cancelled', 'cancelled');
      const value = await work(stale);
      if (stale()) throw new WorkerError('cancelled', 'cancelled');
      this.post({ type: 'reply', id, ok: true, value });
    } catch (err) {
      const code: EngineErrorCode = err instanceof WorkerError ? err.code : err instanceof CheckpointError ? 'badCheckpoint' : 'failed';
      this.post({ type: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err), code });
    }
  }
}

/** Ends a model that is no longer held: its helper thread stopped first, then its arena. */
async function release(loaded: Pick<LoadedModel, 'model' | 'helper'> | undefined): Promise<void> {
  await loaded?.helper?.dispose();
  loaded?.model.arena.dispose();
}

/** The workspace level's counts from the workspace's files; null without a workspace or usable files. */
async function workspaceFileCounts(vocabulary: string[], workspace: FileSelection | null): Promise<NgramCounts | null> {
  if (!workspace || workspace.folders.length === 0) return null;
  try {
    return workspaceCounts(new Vocabulary(vocabulary), (await readCorpus(workspace.folders)).files.map((f) => f.text));
  } catch (err) {
    if (err instanceof CorpusError) return null; // no usable files: no workspace level
    throw err;
  }
}
