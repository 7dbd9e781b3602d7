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
import { ARENA_MAX_BYTES } from './arena';
import { CELL_TYPES, GATES, paramCount, type Gate, type ModelConfig } from './params';
import { UserError } from '../util/userError';

const MAGIC = 'CELLSCOP';
export const FORMAT_VERSION = 2;
const PREAMBLE = 16; // magic + version + header length

/** Each gate's share of values below 0.1 and above 0.9 over all cells (the paper's Figure 3, averaged), by gate: an LSTM's input, forget and output, a GRU's reset and update, an RNN's none. */
export type SaturationShares = Partial<Record<Gate, [number, number]>>;

/** A point in the learning curve; an evaluation's figures (older files and PyTorch runs may lack the optional ones). */
export interface HistoryPoint {
  step: number;
  seconds: number; // training time so far
  trainBpc: number;
  heldoutBpc: number | null; // null when the corpus has no held-out files
  charsPerSecond?: number; // training speed since the last point
  sample?: string; // what the model wrote then
  saturation?: SaturationShares;
  gradientFlow?: number[][]; // [layer][k]: ‖∂L/∂h‖ k steps before a loss (model/gradientFlow.ts); the newest point's only
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
  trainedOn?: string; // what the last run read, for people ("12 files, 345,678 characters from /ws")
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

export class CheckpointError extends UserError {
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

/**
 * Parses checkpoint bytes read from `source` (a path, for messages). Throws CheckpointError.
 * Order matters: the checksum before anything is read, then every header field's type and
 * bounds before anything is allocated from them, then the size they imply, then the values.
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const fail = (what: string, todo = 'Train a new model, or restore a good copy of this one'): never => {
    throw new CheckpointError(`${source}: ${what}. ${todo}`);
  };
  if (bytes.length < PREAMBLE + 4 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    fail('not a Cellscope model (no CELLSCOP signature)', 'Check the path');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== view.getUint32(bytes.length - 4, true)) {
    fail('the file is damaged or truncated (checksum mismatch)');
  }
  const version = view.getUint32(8, true);
  if (version > FORMAT_VERSION) fail(`written by a newer Cellscope (format ${version}; this one reads up to ${FORMAT_VERSION})`, 'Update Cellscope to load it');
  if (version < 1) fail(`unknown model format ${version}`);
  const headerLength = view.getUint32(12, true);
  if (PREAMBLE + headerLength + 4 > bytes.length) fail('the file is truncated');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)));
  } catch {
    fail('its header is not valid JSON');
  }
  const problem = headerProblem(header, version);
  if (problem) fail(`its header is invalid (${problem})`);
  const { config, vocabulary, training, paramCount: n } = header as Header, stateCount = version >= 2 ? (header as Header).stateCount! : 0;
  let at = align4(PREAMBLE + headerLength);
  if (at + (3 * n + stateCount) * 4 + 4 !== bytes.length) fail('its size does not match its model configuration');
  const slab = (what: string, length: number, min = -Infinity): Float32Array => {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++, at += 4) {
      out[i] = view.getFloat32(at, true);
      if (!Number.isFinite(out[i]) || out[i] < min) fail(`its ${what} hold ${out[i]} (at ${i}), not a finite number`);
    }
    return out;
  };
  return { config, vocabulary, training, params: slab('parameters', n), adamM: slab('optimizer moments', n), adamV: slab('optimizer moments', n, 0), state: slab('carried states', stateCount) };
}

// What a header may declare: the model sizes any Cellscope trains (the settings' and the CLI's
// limits, and more), ids that fit the engine's 16-bit buffers, parameters that fit its memory.
const LIMITS = { vocab: 65_536, hidden: 4096, layers: 16, batch: 4096, steps: 4096 };

/** The first thing wrong with a model configuration, in a few words; null when it is one the engine can hold (and paramLayout may be built). */
export function configProblem(c: unknown): string | null {
  if (typeof c !== 'object' || c === null) return 'config missing';
  const config = c as Record<string, unknown>;
  for (const [name, max] of [['vocab', LIMITS.vocab], ['hidden', LIMITS.hidden], ['layers', LIMITS.layers]] as const) {
    const d = config[name];
    if (!Number.isInteger(d) || (d as number) < 1 || (d as number) > max) return `config.${name} is ${JSON.stringify(d)}, not a whole number from 1 to ${max}`;
  }
  if (config.cell !== undefined && !(CELL_TYPES as readonly unknown[]).includes(config.cell)) return `config.cell is ${JSON.stringify(config.cell)}, not one of ${CELL_TYPES.join(', ')}`;
  const n = paramCount(c as ModelConfig); // bounded by now
  return n * 4 > ARENA_MAX_BYTES / 2 ? `a model of ${n} parameters is larger than the engine's memory holds` : null;
}

/** The first thing wrong with a header, in a few words; null when it describes a model the engine can hold. */
function headerProblem(header: unknown, version: number): string | null {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const isCount = (x: unknown, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= max;
  const isNumber = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (!isObject(header) || !isObject(header.training)) return 'config or training missing';
  const t = header.training, problem = configProblem(header.config);
  if (problem) return problem;
  const config = header.config as ModelConfig, n = paramCount(config);
  if (header.paramCount !== n) return `paramCount is ${JSON.stringify(header.paramCount)}; the configuration has ${n}`;
  const v = header.vocabulary;
  if (!Array.isArray(v) || v.length !== config.vocab - 1) return `the vocabulary does not have config.vocab − 1 = ${config.vocab - 1} characters`;
  if (!v.every((ch) => typeof ch === 'string' && ch.length > 0 && String.fromCodePoint(ch.codePointAt(0)!) === ch) || new Set(v).size !== v.length) {
    return 'the vocabulary is not a list of distinct single characters';
  }
  for (const [name, max] of [['batch', LIMITS.batch], ['steps', LIMITS.steps]] as const) {
    if (!isCount(t[name], max) || t[name] === 0) return `training.${name} is ${JSON.stringify(t[name])}, not a whole number from 1 to ${max}`;
  }
  for (const name of ['step', 'cursor'] as const) if (!isCount(t[name])) return `training.${name} is ${JSON.stringify(t[name])}, not a count`;
  for (const name of ['lr', 'charsSeen', 'seconds'] as const) if (!isNumber(t[name])) return `training.${name} is ${JSON.stringify(t[name])}, not a number ≥ 0`;
  if (!Array.isArray(t.rng) || t.rng.length !== 4 || !t.rng.every((w) => isCount(w, 0xffffffff))) return 'training.rng is not four 32-bit words';
  const share = (x: unknown) => isNumber(x) && (x as number) <= 1;
  const shares = (s: unknown) => isObject(s) && Object.entries(s).every(([g, v]) => (GATES as readonly string[]).includes(g) && Array.isArray(v) && v.length === 2 && v.every(share));
  const point = (p: unknown) => isObject(p) && isCount(p.step) && isNumber(p.seconds) && isNumber(p.trainBpc) && (p.heldoutBpc === null || isNumber(p.heldoutBpc))
    && (p.charsPerSecond === undefined || isNumber(p.charsPerSecond)) && (p.sample === undefined || typeof p.sample === 'string') && (p.saturation === undefined || shares(p.saturation))
    && (p.gradientFlow === undefined || (Array.isArray(p.gradientFlow) && p.gradientFlow.every((layer) => Array.isArray(layer) && layer.every(isNumber))));
  if (!Array.isArray(t.history) || !t.history.every(point)) return 'training.history is not a list of {step, seconds, trainBpc, heldoutBpc[, charsPerSecond, sample, saturation, gradientFlow]}';
  if (t.trainedOn !== undefined && typeof t.trainedOn !== 'string') return 'training.trainedOn is not text';
  const state = config.layers * 2 * (t.batch as number) * config.hidden;
  if (version >= 2 && header.stateCount !== 0 && header.stateCount !== state) return `stateCount is ${JSON.stringify(header.stateCount)}, neither 0 nor ${state}`;
  return null;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
