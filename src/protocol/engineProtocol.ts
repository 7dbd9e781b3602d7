// The messages between the extension host and the engine worker, which holds the trained
// model for completions (and, later, inspection). Requests carry an `id` and are answered by
// exactly one `reply`. Every request also carries `cancelled`, a flag in shared memory that
// the host sets when the request goes stale: the worker computes synchronously and cannot read
// a cancel message until it is done, but it reads the flag between beam steps.
// Documents are mirrored LSP-style: the host opens a document with its full text, then sends
// its edits, so that a request carries an offset and not a 1 MB string. Notifications are past
// tense. The worker opens with `ready`, carrying the version of this file.

import { cancelFlag, flag, listOf, number, oneOf, orNull, record, text, whole, type UnionShapes } from './messageShape';
import { FILE_SELECTION, type FileSelection } from './trainProtocol';
import { cellGates, GATES, type CellType } from '../model/params';

export const ENGINE_PROTOCOL_VERSION = 3;

// What a trace records of each cell: 'cell' is its state (an LSTM's tanh(c), a GRU's or RNN's h,
// in [−1, 1]), the others its gates (in [0, 1]).
export const TRACE_KINDS = ['cell', ...GATES] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/** The kinds a model of this cell type has: its state, then its gates (params.ts cellGates). */
export function traceKinds(cell: CellType): readonly TraceKind[] {
  return KINDS_OF[cell];
}

const KINDS_OF: Record<CellType, readonly TraceKind[]> = { lstm: ['cell', ...cellGates('lstm')], gru: ['cell', ...cellGates('gru')], rnn: ['cell', ...cellGates('rnn')] };

/** A kind as people read it: "tanh(c)", "h", "forget gate". */
export function kindLabel(kind: TraceKind, cell: CellType): string {
  return kind === 'cell' ? (cell === 'lstm' ? 'tanh(c)' : 'h') : `${kind} gate`;
}

/** A cell, or one of its gates. */
export interface CellRef {
  layer: number; // from 0
  index: number;
  kind: TraceKind;
}

export const LABELS = ['if', 'comment', 'string', 'depth', 'column'] as const;
export type LabelName = (typeof LABELS)[number];

export interface CellScore {
  layer: number;
  index: number;
  score: number; // AUC in [0.5, 1], or |r| in [0, 1]
  sign: 1 | -1; // +1: the cell is higher where the label holds (or grows)
}

/** The cells that best track each label, best first. */
export type CellRanking = Record<LabelName, CellScore[]>;

/** What discovery found, on how much code. */
export interface CellDiscovery {
  chars: number; // characters read
  files: number;
  ranking: CellRanking;
}

/** The model the engine holds, as the host shows it. */
export interface ModelInfo {
  path: string;
  step: number;
  cell: CellType;
  hidden: number;
  layers: number;
  heldoutBpc: number | null;
}

/** How suggestions are searched for and cut, from the `cellscope.completion.*` settings. */
export interface CompletionOptions {
  beamWidth: number;
  maxChars: number;
  maxLines: number; // 1: stop at the end of the line
  minProbability: number; // text past the point where its probability falls below this is not shown
  alternatives: number; // distinct suggestions returned, best first
  cache: boolean; // mix in the document cache (false: the LSTM alone, for comparison)
}

export interface CompletionRequest {
  uri: string;
  version: number; // the document version the offset belongs to
  length: number; // the document's length then, a cheap check that the mirror is in step
  offset: number; // the cursor, in UTF-16 code units
  options: CompletionOptions;
}

/** A suggestion: text to insert at the cursor and the model's probability of it. */
export interface Suggestion {
  text: string;
  probability: number;
}

/** A stretch of a mirrored document to show in the activation panel. */
export interface InspectRequest {
  uri: string;
  version: number;
  length: number;
  start: number; // UTF-16 offsets of the stretch
  end: number;
  cell: CellRef;
  cache: boolean; // the guesses from the model with the document cache, as completions use it
}

/** What the panel shows: one value per code point of the stretch, and the model's guesses. */
export interface InspectResult {
  values: Float32Array; // (T) the state (tanh(c) or h) in [−1, 1], or the gate in [0, 1]
  topIds: Uint16Array; // (T, 5) the likeliest next characters after each one
  topProbs: Float32Array; // (T, 5)
  surprise: Float32Array; // (T) bits of each character under the model as completions use it
  vocabulary: string[]; // the character of each id
  saturation: Float32Array; // (L, gates, H, 2) the gates of traceKinds: share of the stretch below 0.1, above 0.9
}

/** A cell (or gate) and the direction in which it is on: +1 where it is high, −1 where it is low. */
export interface SignedCell extends CellRef {
  sign: 1 | -1;
}

/** A cell found for a selection (inspect/selectionCells.ts). */
export interface SelectionCell extends SignedCell {
  fit: number; // the rank: ROC AUC for the selection's syntax kind over the file, or `local` without a kind
  iou: number; // IoU of its on-set with every instance of the kind over the file, or `local` without a kind
  local: number; // IoU with the selection within a window around it
}

/** The threshold ℓ a search for cells starts at: LSTMVis's default. */
export const DEFAULT_THRESHOLD = 0.3;

/** A selection in a mirrored document, and the threshold ℓ above which a cell is on. */
export interface SelectionRequest {
  uri: string;
  version: number;
  length: number;
  start: number; // UTF-16 offsets of the selection
  end: number;
  languageId: string; // VS Code's, for the selection's syntax kind
  threshold: number;
}

export interface FoundCells {
  cells: SelectionCell[]; // best first
  kind: { kind: string; instances: number } | null; // the syntax kind the selection is an instance of
  searched: TraceKind[]; // the state (tanh(c) or h) and the gates, or the state alone in a long file
  chars: number; // code points traced
}

/** Where chosen cells are on together; `file` null: the document asked about. */
export interface SimilarPlace {
  file: string | null; // absolute path of a workspace file
  offset: number; // UTF-16, where the place starts
  line: number; // from 0
  text: string; // its first characters
  strength: number; // the cells' mean signed value there, in [ℓ, 1]
}

export interface SimilarPlaces {
  inFile: SimilarPlace[]; // strongest first
  inWorkspace: SimilarPlace[];
  sampleFiles: number; // workspace files searched (discovery's sample)
}

/** One replacement in a document, in offsets of the text before it (as VS Code reports them). */
export interface TextChange {
  offset: number;
  length: number; // characters replaced
  text: string;
}

export type EngineErrorCode =
  | 'cancelled' // the request went stale before it was done
  | 'noModel' // nothing trained yet: no suggestions
  | 'outOfSync' // the mirrored document differs from the host's: open it again
  | 'badCheckpoint' // the model file cannot be read
  | 'failed';

/** Shared memory for one request's cancel flag (Int32Array of 1: 0 live, 1 cancelled). */
export type CancelFlag = Int32Array;

export type HostToEngine =
  /**
   * Host: load the model at `path` (replacing the one held), with the workspace's files whose
   * counts complete it (null: none); replies ModelInfo, or null when there is no such file.
   */
  | { type: 'load'; id: number; cancelled: CancelFlag; path: string; workspace: FileSelection | null }
  /** Host: suggest continuations at a cursor; replies Suggestion[] (empty: nothing worth showing). */
  | { type: 'complete'; id: number; cancelled: CancelFlag; request: CompletionRequest }
  /** Host: trace a stretch of a document and return one cell's values; replies InspectResult. */
  | { type: 'inspect'; id: number; cancelled: CancelFlag; request: InspectRequest }
  /** Host: rank the model's cells against syntax labels on the workspace's code (cached beside the model); replies CellDiscovery. */
  | { type: 'discoverCells'; id: number; cancelled: CancelFlag; request: FileSelection }
  /** Host: the cells on in a selection of a document (its states traced once and kept); replies FoundCells. */
  | { type: 'findCells'; id: number; cancelled: CancelFlag; request: SelectionRequest }
  /** Host: where `cells` are on together in the document (leaving out the selection) and in the workspace's sample; replies SimilarPlaces. */
  | { type: 'findSimilar'; id: number; cancelled: CancelFlag; request: SelectionRequest & { cells: SignedCell[]; workspace: FileSelection | null } }
  /** Host: a document's full text, from now on mirrored (replaces what the engine had). */
  | { type: 'didOpen'; uri: string; version: number; text: string }
  /** Host: edits to a mirrored document, applied in order. */
  | { type: 'didChange'; uri: string; version: number; changes: TextChange[] }
  /** Host: the document closed; its mirror and cached states are dropped. */
  | { type: 'didClose'; uri: string };

/** The value each request's reply carries. */
export interface EngineReplies {
  load: ModelInfo | null;
  complete: Suggestion[];
  inspect: InspectResult;
  discoverCells: CellDiscovery;
  findCells: FoundCells;
  findSimilar: SimilarPlaces;
}

export type EngineReplyValue = EngineReplies[keyof EngineReplies];

export type EngineToHost =
  /** Engine: started and listening. */
  | { type: 'ready'; protocolVersion: number }
  /** Engine: how far a long request has come (reading a whole document for findCells): `done` of `total` characters. */
  | { type: 'didProgress'; id: number; done: number; total: number }
  /** Engine: the answer to request `id`. */
  | { type: 'reply'; id: number; ok: true; value: EngineReplyValue }
  | { type: 'reply'; id: number; ok: false; error: string; code: EngineErrorCode };

/** A CellRef's shape (messageShape.ts); whether the model has the cell is the engine's to check. */
const CELL_FIELDS = { layer: whole(), index: whole(), kind: oneOf(TRACE_KINDS) };
export const CELL_REF = record(CELL_FIELDS);
export const SIGNED_CELL = record({ ...CELL_FIELDS, sign: oneOf([1, -1]) });

/** What the engine accepts of each request; the model's own bounds are checked where it is known. */
export const HOST_TO_ENGINE: UnionShapes<HostToEngine> = (() => {
  const request = { id: whole(), cancelled: cancelFlag };
  const at = { uri: text, version: whole(), length: whole() };
  const options = record({ beamWidth: whole(1, 64), maxChars: whole(1, 10_000), maxLines: whole(1, 1000), minProbability: number(0, 1), alternatives: whole(1, 64), cache: flag });
  const cell = CELL_REF;
  const selection = { ...at, start: whole(), end: whole(), languageId: text, threshold: number(0, 1) };
  return {
    load: { ...request, path: text, workspace: orNull(FILE_SELECTION) },
    complete: { ...request, request: record({ ...at, offset: whole(), options }) },
    inspect: { ...request, request: record({ ...at, start: whole(), end: whole(), cell, cache: flag }) },
    discoverCells: { ...request, request: FILE_SELECTION },
    findCells: { ...request, request: record(selection) },
    findSimilar: { ...request, request: record({ ...selection, cells: listOf(SIGNED_CELL), workspace: orNull(FILE_SELECTION) }) },
    didOpen: { uri: text, version: whole(), text },
    didChange: { uri: text, version: whole(), changes: listOf(record({ offset: whole(), length: whole(), text })) },
    didClose: { uri: text },
  };
})();
