// The messages between the extension host and the training worker: one discriminated union
// per direction. Requests carry an `id` and are answered by exactly one `reply` ({ok, value}
// or {ok: false, error}); `cancel` withdraws a request (a cancelled training saves, then
// replies). Notifications are past tense. The worker opens with `ready`, carrying the version
// of this file, so that a host never talks to a worker built from another one.

import type { HistoryPoint } from '../model/checkpoint';
import { CELL_TYPES, type CellType } from '../model/params';
import { flag, listOf, number, oneOf, record, text, whole, type UnionShapes } from './messageShape';

export const TRAIN_PROTOCOL_VERSION = 2;

/** How a new model is shaped and trained (config/settings.ts holds the defaults). */
export interface TrainSettings {
  cell: CellType;
  hidden: number;
  layers: number;
  batch: number;
  steps: number;
  lr: number;
  seed: number;
}

/** Files left out of a corpus, by reason. */
export interface CorpusSkips {
  binary: number;
  tooLarge: number;
  generated: number;
  secret: number; // by name: keys, credentials, lock files
  unreadable: number; // files and folders that could not be read, or are not regular files
  invalidUtf8: number; // decoded with replacement, still used
  secretsMasked: number; // files used with the secrets inside them masked
}

/** Which files of one workspace folder Cellscope reads: its own settings. */
export interface FolderFiles {
  path: string;
  include: string[]; // gitignore-syntax patterns; empty: every source file
  exclude: string[]; // gitignore-syntax patterns, on top of .gitignore and the secret patterns
  maxFileBytes: number;
}

/** Which files of the workspace Cellscope reads (to train, to discover cells, to count for completions). */
export interface FileSelection {
  folders: FolderFiles[];
}

/** Everything a training run needs; plain data, so that it crosses to the worker as is. */
export interface TrainJob extends FileSelection {
  checkpointPath: string; // resumed when it exists and `fresh` is false
  fresh: boolean;
  settings: TrainSettings; // for a new model; a resumed one keeps its own
  seconds: number; // training-time budget of this run
  threads: number; // threads each step may use (the batch's streams are split over them)
}

/** What a finished (or cancelled) run did, as the command returns it. */
export interface TrainSummary {
  checkpointPath: string;
  step: number;
  seconds: number; // the model's training time in all runs
  heldoutBpc: number | null;
  files: number;
  cancelled: boolean;
}

/** Why a training failed, so the host can offer the right way out. */
export type TrainErrorCode =
  | 'noFiles' // nothing to learn from: tell the user what was looked for
  | 'badCheckpoint' // the stored model cannot be read: offer to start fresh
  | 'busy' // a training is already running in this worker, or another process trains the model
  | 'failed'; // anything else: show the log

/** The value each request's reply carries. */
export interface TrainReplies {
  train: TrainSummary;
}

export type HostToTrainWorker =
  /** Host: train on the job's files until its budget is spent; replies with a TrainSummary. */
  | { type: 'train'; id: number; job: TrainJob }
  /** Host: withdraw request `id` (a training saves its checkpoint first). */
  | { type: 'cancel'; id: number }
  /** Host: the user typed; training steps aside for a moment so the editor stays instant. */
  | { type: 'didType' };

export type TrainWorkerToHost =
  /** Worker: started and listening. */
  | { type: 'ready'; protocolVersion: number }
  /** Worker: the answer to request `id`. */
  | { type: 'reply'; id: number; ok: true; value: TrainSummary }
  | { type: 'reply'; id: number; ok: false; error: string; code: TrainErrorCode }
  /** Worker: the files are read; training starts. */
  | { type: 'didReadCorpus'; id: number; summary: string; skipped: CorpusSkips; trainChars: number; resumedAtStep: number | null; adjusted: string | null }
  /** Worker: training figures, every few seconds. */
  | { type: 'didProgress'; id: number; step: number; seconds: number; budgetLeft: number; charsPerSecond: number; trainBpc: number }
  /** Worker: a held-out measurement. */
  | { type: 'didEvaluate'; id: number; point: HistoryPoint }
  /** Worker: text the model wrote, to show how it learns. */
  | { type: 'didSample'; id: number; step: number; text: string }
  /** Worker: a checkpoint is on disk (written atomically). */
  | { type: 'didSave'; id: number; step: number; path: string };

/** A FileSelection's shape (messageShape.ts), for both workers. */
export const FILE_SELECTION = record({ folders: listOf(record({ path: text, include: listOf(text), exclude: listOf(text), maxFileBytes: whole(1) })) });

/** What the training worker accepts of each message. The settings' own limits are the session's to apply. */
export const HOST_TO_TRAIN_WORKER: UnionShapes<HostToTrainWorker> = {
  train: {
    id: whole(),
    job: (x, at) => FILE_SELECTION(x, at) ?? record({
      checkpointPath: text, fresh: flag, seconds: number(0), threads: whole(1, 64),
      settings: record({ cell: oneOf(CELL_TYPES), hidden: whole(1), layers: whole(1), batch: whole(1), steps: whole(1), lr: number(0, 1), seed: whole(0, 2 ** 32 - 1) }),
    })(x, at),
  },
  cancel: { id: whole() },
  didType: {},
};
