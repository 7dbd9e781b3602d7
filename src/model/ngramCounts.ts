// Character n-gram counts: how often each character id followed each context (the k ids before
// it, for k in NGRAM_ORDERS), the memory of the document cache (model/mixture.ts). Counts are
// exact and can be taken back (delta −1), so a table kept in step with a document's edits
// equals one counted afresh from its final text; memory is bounded by a hard cap on entries.
// Layout: one open-addressing table with linear probing. An entry is one (context, next id)
// pair: the context's 32-bit fingerprint, the id and the count (0: empty; counts stop at 2^24 − 1). Every pair of one
// context starts probing at the context's home slot, so its followers are found by one scan of
// adjacent slots; removal shifts later entries back (no tombstones), which keeps that true.
// Not here: which text is counted (complete/documentCounts.ts), how counts become probabilities.

// Context lengths counted: every one up to 8, then sparser, up to 24 (a long identifier or the
// better part of a repeated line). Below 3 the LSTM knows the statistics better.
export const NGRAM_ORDERS = [3, 4, 5, 6, 7, 8, 10, 12, 16, 24] as const;
export const MAX_ORDER = 24;
// The caps on the cache's memory, as powers of two of table slots (8 bytes each): a document's
// own counts 2^21 (17 MB), the workspace's and the open documents' 2^22 (34 MB).
export const DOCUMENT_COUNTS_LOG2 = 21;
export const SHARED_COUNTS_LOG2 = 22;
// Other files are counted from contexts of 8 characters: shorter ones weigh next to nothing
// against an LSTM trained on them (0.0003 bits/char on the kernel's development files), and
// counting them would cost time at every step and fill the table with less text.
export const SHARED_MIN_ORDER = 8;
// The characters of a document the cache counts: 100,000 before the cursor (most source files
// whole; about 10^6 pairs, within the document table's cap), or an open document's first 100,000.
export const DOCUMENT_WINDOW = 100_000;
const MIN_CAPACITY_LOG2 = 10;
const MAX_LOAD = 0.5; // grow beyond this share of slots in use
const FULL_LOAD = 0.8; // at the capacity cap, stop adding new pairs beyond this share
const MAX_COUNT = 2 ** 24 - 1; // a pair's count shares a word with its id: it stops growing here

export class NgramCounts {
  // Two words per slot, side by side so that a probe reads one cache line: the context's
  // fingerprint, then count · 256 + next id (0: an empty slot).
  private slots = new Uint32Array(0);
  private shift = 0; // home slot = top bits of a mix of the fingerprint
  private used = 0;
  /** Pairs that were not added because the table was full (counted, so that a test or a log can see it). */
  dropped = 0;

  /** The index in NGRAM_ORDERS of the shortest context counted. */
  readonly firstOrder: number;

  /** `maxCapacityLog2`: at most 2^maxCapacityLog2 slots (8 bytes each); contexts of `minOrder` characters and longer are counted. */
  constructor(private readonly maxCapacityLog2: number, minOrder: number = NGRAM_ORDERS[0]) {
    this.firstOrder = NGRAM_ORDERS.findIndex((k) => k >= minOrder);
    this.resize(MIN_CAPACITY_LOG2);
  }

  /** Distinct (context, next id) pairs held. */
  get size(): number {
    return this.used;
  }

  /** The memory the table holds now, in bytes; at most 8 · 2^maxCapacityLog2. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  clear(): void {
    this.slots = new Uint32Array(0); // nothing to carry over into the new slots
    this.resize(MIN_CAPACITY_LOG2);
    this.dropped = 0;
  }

  /** Adds `delta` (±1, or any count) to the pair (context `fp`, next `id`); a pair whose count reaches 0 is removed. */
  add(fp: number, id: number, delta: number): void {
    const slots = this.slots, mask = (slots.length >> 1) - 1;
    let i = this.home(fp);
    for (; slots[2 * i + 1] !== 0; i = (i + 1) & mask) {
      if (slots[2 * i] === fp && (slots[2 * i + 1] & 255) === id) {
        const count = (slots[2 * i + 1] >>> 8) + delta;
        if (count > 0) slots[2 * i + 1] = Math.min(count, MAX_COUNT) * 256 + id;
        else this.remove(i);
        return;
      }
    }
    if (delta <= 0) return; // taking back a pair never added (dropped when the table was full)
    if (this.used + 1 > (mask + 1) * MAX_LOAD) {
      if (mask + 1 < 2 ** this.maxCapacityLog2) {
        this.resize(Math.log2(mask + 1) + 1);
        return this.add(fp, id, delta);
      }
      if (this.used + 1 > (mask + 1) * FULL_LOAD) {
        this.dropped++;
        return;
      }
    }
    slots[2 * i] = fp;
    slots[2 * i + 1] = Math.min(delta, MAX_COUNT) * 256 + id;
    this.used++;
  }

  /**
   * The followers of context `fp`: writes their ids and counts from index 0 of `ids`/`counts`
   * (room for 256) and returns how many there are (0: the context was never seen).
   */
  followers(fp: number, ids: Uint8Array | Uint16Array, counts: Uint32Array | Float64Array): number {
    const slots = this.slots, mask = (slots.length >> 1) - 1;
    let n = 0;
    for (let i = this.home(fp); slots[2 * i + 1] !== 0; i = (i + 1) & mask) {
      if (slots[2 * i] === fp) {
        ids[n] = slots[2 * i + 1] & 255;
        counts[n++] = slots[2 * i + 1] >>> 8;
      }
    }
    return n;
  }

  private home(fp: number): number {
    return Math.imul(fp, 0x9e3779b1) >>> this.shift;
  }

  /** Empties slot `i`, moving later entries of its run back so that every entry stays reachable from its home. */
  private remove(i: number): void {
    const slots = this.slots, mask = (slots.length >> 1) - 1;
    this.used--;
    for (let j = (i + 1) & mask; slots[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const h = this.home(slots[2 * j]);
      // Entry j may move to i only if its home is not in (i, j] (cyclically): its probe passes i.
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      slots[2 * i] = slots[2 * j];
      slots[2 * i + 1] = slots[2 * j + 1];
      i = j;
    }
    slots[2 * i + 1] = 0;
  }

  private resize(log2: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(2 * 2 ** log2);
    this.shift = 32 - log2;
    this.used = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.add(old[i], old[i + 1] & 255, old[i + 1] >>> 8);
  }
}

/**
 * The fingerprints of the contexts before position `end` of `ids` (ids[end − k … end − 1] for
 * each k of NGRAM_ORDERS), written to `out`; returns how many orders fit (k ≤ end).
 */
export function contextFingerprints(ids: ArrayLike<number>, end: number, out: Uint32Array): number {
  let h = 0x811c9dc5, n = 0;
  for (let k = 1; k <= MAX_ORDER && k <= end; k++) {
    h = Math.imul(h ^ (ids[end - k] + 1), 0x01000193); // FNV-1a over ids, newest first
    if (k === NGRAM_ORDERS[n]) {
      let f = Math.imul(h ^ (h >>> 15) ^ k, 0x2c1b3c6d); // finalised, the order mixed in
      f = Math.imul(f ^ (f >>> 12), 0x297a2d39);
      out[n++] = (f ^ (f >>> 15)) >>> 0;
    }
  }
  return n;
}

const scratchFps = new Uint32Array(NGRAM_ORDERS.length);

/** Counts (delta +1) or takes back (−1) the pairs whose next id is at positions [from, to) of `ids`, each with every context order the table counts that fits before it. */
export function countTargets(table: NgramCounts, ids: ArrayLike<number>, from: number, to: number, delta: number): void {
  for (let i = from; i < to; i++) {
    const orders = contextFingerprints(ids, i, scratchFps);
    for (let o = table.firstOrder; o < orders; o++) table.add(scratchFps[o], ids[i], delta);
  }
}

/** Counts the pair whose next id is at position i of `ids` and takes back the one DOCUMENT_WINDOW before it: a document read on, as the editor counts it. */
export function countReadOn(table: NgramCounts, ids: ArrayLike<number>, i: number): void {
  countTargets(table, ids, i, i + 1, +1);
  if (i > DOCUMENT_WINDOW) countTargets(table, ids, i - DOCUMENT_WINDOW, i + 1 - DOCUMENT_WINDOW, -1);
}
