// The checkpoint format, as bytes (no file system here: train/checkpointFile.ts writes them).
//
//   "CELLSCOP"            8 bytes magic
//   version               u32 LE (FORMAT_VERSION)
//   header length         u32 LE
//   header                UTF-8 JSON: config, vocabulary, training statistics, slab sizes
//   padding               zero bytes to a multiple of 4
//   slabs                 float32 LE: parameters, then Adam's m and v (same layout)
//   checksum              u32 LE, CRC-32 of every byte before it
//
// Decoding checks everything before trusting anything: a truncated, tampered, foreign or newer
// file is refused with a CheckpointError that names the file and says what to do.

import { crc32 } from '../util/crc32';
import { paramCount, type ModelConfig } from './params';

const MAGIC = 'CELLSCOP';
export const FORMAT_VERSION = 1;
const PREAMBLE = 16; // magic + version + header length

/** A point in the learning curve. */
export interface HistoryPoint {
  step: number;
  seconds: number; // training time so far
  trainBpc: number;
  heldoutBpc: number | null; // null when the corpus has no held-out files
}

/** Where training stands, so that it resumes exactly: hyper-parameters, progress, RNG. */
export interface TrainingStats {
  batch: number;
  steps: number;
  lr: number;
  step: number; // optimizer steps taken
  charsSeen: number;
  seconds: number;
  cursor: number; // position of the next chunk within each stream
  rng: number[]; // the sampler's RNG state
  history: HistoryPoint[];
}

export interface Checkpoint {
  config: ModelConfig;
  vocabulary: string[]; // characters of ids 1…
  training: TrainingStats;
  params: Float32Array; // parameter slab
  adamM: Float32Array; // Adam first moments
  adamV: Float32Array; // Adam second moments
}

interface Header {
  config: ModelConfig;
  vocabulary: string[];
  training: TrainingStats;
  paramCount: number;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  const n = paramCount(cp.config);
  for (const [what, slab] of [['params', cp.params], ['adamM', cp.adamM], ['adamV', cp.adamV]] as const) {
    if (slab.length !== n) throw new Error(`checkpoint ${what} has ${slab.length} values, the model needs ${n}`);
  }
  const header: Header = { config: cp.config, vocabulary: cp.vocabulary, training: cp.training, paramCount: n };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(PREAMBLE + json.length);
  const bytes = new Uint8Array(dataStart + 3 * n * 4 + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, PREAMBLE);
  [cp.params, cp.adamM, cp.adamV].forEach((slab, s) => {
    const base = dataStart + s * n * 4;
    for (let i = 0; i < n; i++) view.setFloat32(base + i * 4, slab[i], true);
  });
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** Parses checkpoint bytes read from `source` (a path, for messages). Throws CheckpointError. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const fail = (what: string, todo: string): never => {
    throw new CheckpointError(`${source}: ${what}. ${todo}`);
  };
  const retrain = 'Train a new model, or restore a good copy of this one';
  if (bytes.length < PREAMBLE || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    fail('not a Cellscope model (no CELLSCOP signature)', 'Check the path');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > FORMAT_VERSION) {
    fail(`written by a newer Cellscope (format ${version}; this one reads up to ${FORMAT_VERSION})`, 'Update Cellscope to load it');
  }
  if (version !== FORMAT_VERSION) fail(`unknown model format ${version}`, retrain);
  const headerLength = view.getUint32(12, true);
  if (PREAMBLE + headerLength + 4 > bytes.length) fail('the file is truncated', retrain);
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) {
    fail('the file is damaged or truncated (checksum mismatch)', retrain);
  }
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength))) as Header;
  } catch {
    return fail('its header is not valid JSON', retrain);
  }
  const { config } = header;
  const valid = config && [config.vocab, config.hidden, config.layers].every((d) => Number.isInteger(d) && d > 0) &&
    Array.isArray(header.vocabulary) && header.vocabulary.length === config.vocab - 1 && header.training !== undefined;
  if (!valid) fail('its header is incomplete', retrain);
  const n = paramCount(config);
  const dataStart = align4(PREAMBLE + headerLength);
  if (header.paramCount !== n || dataStart + 3 * n * 4 + 4 !== bytes.length) {
    fail('its size does not match its model configuration', retrain);
  }
  const slab = (s: number): Float32Array => {
    const out = new Float32Array(n), base = dataStart + s * n * 4;
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(base + i * 4, true);
    return out;
  };
  return { config, vocabulary: header.vocabulary, training: header.training, params: slab(0), adamM: slab(1), adamV: slab(2) };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
