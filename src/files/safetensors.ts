// The safetensors format (huggingface/safetensors), written and read here because no maintained
// npm package does it in Node:
//
//   header length     u64 LE, N
//   header            N bytes of UTF-8 JSON, padded with spaces to a multiple of 8:
//                     { name: { dtype, shape, data_offsets: [begin, end] }, …, "__metadata__": { string: string } }
//   data              the tensors' bytes, little-endian, offsets relative to here
//
// Reading makes the reference reader's checks: a header of at most 100 MB, offsets contiguous
// from 0 to the end of the file, each tensor's size its shape × its dtype's, no duplicate name.
// F32, F16 and BF16 are read (into float32); F32 is written.

import { UserError } from '../util/userError';

/** A file that is not valid safetensors, or not what was expected of it. */
export class SafetensorsError extends UserError {
  override name = 'SafetensorsError';
}

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

const MAX_HEADER_BYTES = 100_000_000;
const DTYPE_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;
type Dtype = keyof typeof DTYPE_BYTES;

export function encodeSafetensors(tensors: Map<string, NamedTensor>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.from(json, 'utf8'), bytes = new Uint8Array(8 + head.length + offset), view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  bytes.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return bytes;
}

/** The tensors (as float32) and metadata of safetensors `bytes` read from `source` (a path, for messages). */
export function decodeSafetensors(bytes: Uint8Array, source: string): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const fail = (what: string): never => {
    throw new SafetensorsError(`${source}: ${what}; it is not a safetensors file Cellscope can read.`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) fail('the file is shorter than its 8-byte header length');
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) fail(`its header would be ${headerLength} bytes, over the limit of ${MAX_HEADER_BYTES}`);
  if (8 + headerLength > bytes.length) fail('the file is truncated inside its header');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(text);
  } catch {
    return fail('its header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('its header is not a JSON object');
  const { __metadata__: metadata = {}, ...entries } = header as Record<string, unknown>;
  if (typeof metadata !== 'object' || metadata === null || Object.values(metadata).some((v) => typeof v !== 'string')) fail('its __metadata__ is not a map of strings');
  // JSON.parse keeps the last of duplicate keys: count the entries the text has.
  if ((text.match(/"data_offsets"/g) ?? []).length !== Object.keys(entries).length) fail('it names a tensor twice');
  const data = 8 + headerLength;
  const spans = Object.entries(entries).map(([name, e]) => {
    const { dtype, shape, data_offsets: offsets } = (e ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) fail(`tensor ${name} has dtype ${JSON.stringify(dtype)}; F32, F16 and BF16 are read`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor ${name} has no valid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) fail(`tensor ${name} has no valid data_offsets`);
    const [begin, end] = offsets as number[], size = (shape as number[]).reduce((p, d) => p * d, 1) * DTYPE_BYTES[dtype as Dtype];
    if (end - begin !== size) fail(`tensor ${name} takes ${end - begin} bytes where its shape and dtype need ${size}`);
    return { name, dtype: dtype as Dtype, shape: shape as number[], begin, end };
  });
  spans.sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const s of spans) {
    if (s.begin !== expected) fail(`its tensors' data do not follow one another from 0 (tensor ${s.name} begins at ${s.begin}, not ${expected})`);
    expected = s.end;
  }
  if (data + expected !== bytes.length) fail(`its data end at byte ${data + expected}, the file at ${bytes.length}`);
  const tensors = new Map<string, NamedTensor>();
  for (const s of spans) {
    const n = (s.end - s.begin) / DTYPE_BYTES[s.dtype], out = new Float32Array(n), at = data + s.begin;
    for (let i = 0; i < n; i++) out[i] = s.dtype === 'F32' ? view.getFloat32(at + 4 * i, true) : s.dtype === 'BF16' ? bf16(view.getUint16(at + 2 * i, true)) : f16(view.getUint16(at + 2 * i, true));
    tensors.set(s.name, { shape: s.shape, data: out });
  }
  return { tensors, metadata: metadata as Record<string, string> };
}

const widen = new DataView(new ArrayBuffer(4));

/** bfloat16: the top half of a float32. */
function bf16(bits: number): number {
  widen.setUint32(0, bits << 16);
  return widen.getFloat32(0);
}

/** IEEE half precision. */
function f16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1, exponent = (bits >> 10) & 0x1f, fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
