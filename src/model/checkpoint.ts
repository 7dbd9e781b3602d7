// The checkpoint format, as bytes (no file system here: train/checkpointFile.ts writes them).
//
//   "CELLSCOP"            8 bytes magic
//   version               u32 LE (FORMAT_VERSION)
//   header length         u32 LE
//   header                UTF-8 JSON: config, vocabulary, training statistics, slab sizes
//   padding               zero bytes to a multiple of 4
//   slabs                 float32 LE: parameters, then Adam's m and v (same layout), then the
//                         training streams' carried state (format 2; format 1 has none)
//   checksum              u32 LE, CRC-32 of every byte before it
//
// Decoding checks everything before trusting anything: a truncated, tampered, foreign or newer
// file is refused with a CheckpointError that names the file and says what to do.

import { crc32 } from '../util/crc32';
import { paramCount, type ModelConfig } from './params';

const MAGIC = 'CELLSCOP';
export const FORMAT_VERSION = 2;
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
  state: Float32Array; // [L, 2, batch, H] each training stream's h, then c, at `cursor` (empty: start from zero)
}

interface Header {
  config: ModelConfig;
  vocabulary: string[];
  training: TrainingStats;
  paramCount: number;
  stateCount?: number; // format 2
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  const n = paramCount(cp.config);
  for (const [what, slab] of [['params', cp.params], ['adamM', cp.adamM], ['adamV', cp.adamV]] as const) {
    if (slab.length !== n) throw new Error(`checkpoint ${what} has ${slab.length} values, the model needs ${n}`);
  }
  const header: Header = { config: cp.config, vocabulary: cp.vocabulary, training: cp.training, paramCount: n, stateCount: cp.state.length };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(PREAMBLE + json.length);
  const bytes = new Uint8Array(dataStart + (3 * n + cp.state.length) * 4 + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, PREAMBLE);
  let at = dataStart;
  for (const slab of [cp.params, cp.adamM, cp.adamV, cp.state]) {
    for (let i = 0; i < slab.length; i++, at += 4) view.setFloat32(at, slab[i], true);
  }
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
  if (version < 1) fail(`unknown model format ${version}`, retrain);
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
  const n = paramCount(config), stateCount = version === 1 ? 0 : header.stateCount;
  let at = align4(PREAMBLE + headerLength);
  if (header.paramCount !== n || !Number.isInteger(stateCount) || at + (3 * n + stateCount!) * 4 + 4 !== bytes.length) {
    fail('its size does not match its model configuration', retrain);
  }
  const slab = (length: number): Float32Array => {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++, at += 4) out[i] = view.getFloat32(at, true);
    return out;
  };
  return { config, vocabulary: header.vocabulary, training: header.training, params: slab(n), adamM: slab(n), adamV: slab(n), state: slab(stateCount!) };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
