// What every thread of a parallel training step runs, the main thread and the helpers alike:
// claim the next shard of the batch's streams (an atomic counter in shared memory), compute it,
// and go on until none is left, so that a thread on a busy core simply takes fewer shards. A
// shard's ids and carried LSTM state live in buffers that every thread sees; its activations
// are this thread's own, reused from shard to shard.
// Dimension legend: T steps, B streams in the batch, b in a shard, L layers, H hidden.

import type { Arena } from '../model/arena';
import { carryState, createActivations, networkBackward, networkForward, networkLoss, type Activations } from '../model/network';
import type { ModelConfig, ParamViews } from '../model/params';
import { f32, i32, u16, type Views } from '../threads/sharedFields';

/** The batch as every thread sees it, in the arena's shared memory. */
export function batchFields(config: ModelConfig, batch: number, steps: number) {
  return {
    inputs: u16(steps * batch), // (T, B)
    targets: u16(steps * batch), // (T, B)
    state: f32(config.layers * 2 * batch * config.hidden), // (L, 2, B, H): each stream's h, then c, carried from chunk to chunk
    claim: i32(1), // [0]: the next shard to claim
  };
}

export type SharedBatch = Views<ReturnType<typeof batchFields>>;

// Streams per shard: small enough that a thread on a slower core leaves little to wait for at
// the end of a step; 8 rather than 4 builds layer 0's per-token table half as often.
const SHARD_STREAMS = 8;

/** Shard sizes: `batch` streams in even shards of about SHARD_STREAMS, at least one per thread; one shard on one thread. */
export function shardSizes(batch: number, threads: number): number[] {
  const n = threads === 1 ? 1 : Math.min(batch, Math.max(threads, Math.round(batch / SHARD_STREAMS)));
  return Array.from({ length: n }, (_, s) => Math.floor((batch * (s + 1)) / n) - Math.floor((batch * s) / n));
}

/** Streams [first, first + count) of layer `layer`'s carried h (part 0) or c (part 1) in a (L, 2, batch, H) state. */
export function carriedRows(state: Float32Array, layer: number, part: number, batch: number, hidden: number, first = 0, count = batch): Float32Array {
  const row = (2 * layer + part) * batch + first;
  return state.subarray(row * hidden, (row + count) * hidden);
}

/** Copies streams [first, first + count) of a time-major (T, batch) buffer into a (T, count) one. */
export function copyStreams(from: Uint16Array, batch: number, first: number, to: Uint16Array, count: number, steps: number): void {
  for (let t = 0; t < steps; t++) to.set(from.subarray(t * batch + first, t * batch + first + count), t * count);
}

export class ShardRunner {
  private readonly acts = new Map<number, Activations>(); // by shard size
  private readonly firsts: number[]; // each shard's first stream

  constructor(
    private readonly arena: Arena, // where this thread's activations go
    private readonly p: ParamViews, // the shared parameters
    private readonly d: ParamViews, // this thread's gradients
    private readonly config: ModelConfig,
    private readonly shared: SharedBatch,
    private readonly sizes: number[],
    private readonly steps: number,
  ) {
    this.firsts = sizes.map((_, s) => sizes.slice(0, s).reduce((x, y) => x + y, 0));
  }

  /**
   * Computes shards until none is left unclaimed, accumulating their gradients of the batch's
   * mean loss into this thread's; returns their part of that mean.
   */
  runClaimed(): number {
    let loss = 0;
    for (let s = Atomics.add(this.shared.claim, 0, 1); s < this.sizes.length; s = Atomics.add(this.shared.claim, 0, 1)) loss += this.run(s);
    return loss;
  }

  private run(shard: number): number {
    const b = this.sizes[shard], first = this.firsts[shard], T = this.steps, { inputs, targets, state } = this.shared;
    const B = inputs.length / T, H = this.config.hidden;
    let acts = this.acts.get(b);
    if (!acts) this.acts.set(b, (acts = createActivations(this.arena, this.config, b, T)));
    copyStreams(inputs, B, first, acts.inputs, b, T);
    copyStreams(targets, B, first, acts.targets, b, T);
    acts.layers.forEach((a, l) => {
      a.h0.set(carriedRows(state, l, 0, B, H, first, b));
      a.c0.set(carriedRows(state, l, 1, B, H, first, b));
    });
    networkForward(this.p, acts);
    const loss = networkLoss(acts);
    networkBackward(this.d, this.p, acts, B * T);
    carryState(acts);
    acts.layers.forEach((a, l) => {
      carriedRows(state, l, 0, B, H, first, b).set(a.h0);
      carriedRows(state, l, 1, B, H, first, b).set(a.c0);
    });
    return (loss * b) / B;
  }
}
