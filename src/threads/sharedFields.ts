// The fields two threads share in an arena's memory, named once: the thread that allocates
// them (allocateFields) and the thread that views them by address (viewFields) read the same
// description, so neither can disagree with the other about what lies where.

import type { Arena } from '../model/arena';

const ARRAYS = { f32: Float32Array, i32: Int32Array, u16: Uint16Array } as const;
type Kind = keyof typeof ARRAYS;

/** A field: its element type and length. */
export interface Field<K extends Kind = Kind> {
  kind: K;
  length: number;
}

export const f32 = (length: number): Field<'f32'> => ({ kind: 'f32', length });
export const i32 = (length: number): Field<'i32'> => ({ kind: 'i32', length });
export const u16 = (length: number): Field<'u16'> => ({ kind: 'u16', length });

export type Fields = Record<string, Field>;
/** Each field's byte address in the memory: what crosses to the other thread. */
export type Addresses<F extends Fields> = { [K in keyof F]: number };
/** Each field as a typed view. */
export type Views<F extends Fields> = { [K in keyof F]: InstanceType<(typeof ARRAYS)[F[K]['kind']]> };

/** The whole floats a field takes (the arena allocates floats, 16-byte aligned). */
const floatsOf = (f: Field) => Math.ceil((f.length * ARRAYS[f.kind].BYTES_PER_ELEMENT) / 4);

/** Allocates every field in `arena`; returns their addresses (for a SIMD arena's other threads) and this thread's views. */
export function allocateFields<F extends Fields>(arena: Arena, fields: F): { at: Addresses<F>; views: Views<F> } {
  const at = {} as Record<string, number>, views = {} as Record<string, unknown>;
  for (const [name, f] of Object.entries(fields)) {
    const floats = arena.floats(floatsOf(f));
    at[name] = floats.byteOffset;
    views[name] = asField(floats, f);
  }
  return { at: at as Addresses<F>, views: views as Views<F> };
}

/** Views of fields another thread allocated, at `at`. */
export function viewFields<F extends Fields>(arena: Arena, fields: F, at: Addresses<F>): Views<F> {
  const views = {} as Record<string, unknown>;
  for (const [name, f] of Object.entries(fields)) views[name] = asField(arena.floatsAt(at[name], floatsOf(f)), f);
  return views as Views<F>;
}

const asField = (floats: Float32Array, f: Field) => (f.kind === 'f32' ? floats : new ARRAYS[f.kind](floats.buffer as ArrayBuffer, floats.byteOffset, f.length));
