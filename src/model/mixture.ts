// What the model predicts as completions use it: the LSTM's next-character distribution with
// the document cache folded in. Beam search, sampling, evaluation, scoring and the panel's
// guesses all ask here, so there is one answer to "what does the model predict here".
// The cache is a nest of n-gram counts (model/ngramCounts.ts), outermost first: the workspace's
// files, the other open documents, the document being written (Hellendoorn & Devanbu 2017).
// Each level refines the distribution below it, one context order at a time, shortest first:
//   p_k(c) = (n_k(c) + β_k · p_{k−1}(c)) / (n_k + β_k),   β_k = (a · (u_k − 1) + b) · (3 / k)^γ,
// where n_k(c) counts c after the context of order k, n_k all of them and u_k the distinct
// followers: like Witten-Bell's escape, the more kinds of follower a context has had, the more
// is left to what lies below; a context always followed alike (u = 1) keeps only b, and longer
// contexts less (a long context seen again is likely to go on as before). A context seen often
// and always followed alike outweighs the LSTM; one followed by anything moves it little.
// Orders stop at the first context never seen.
// Every step keeps p a distribution, so the mixture sums to 1. Without levels it is the LSTM.

import { logSumExp } from './outputLayer';
import type { Vec } from './kernels';
import { contextFingerprints, NGRAM_ORDERS, type NgramCounts } from './ngramCounts';

/** How much a level's counts weigh against what lies below them: β_k = (perFollower · (u − 1) + base) · (3 / k)^orderDecay. */
export interface LevelWeight {
  perFollower: number; // a
  base: number; // b
  orderDecay: number; // γ
}

/** One level of the cache: counts of some text, weighed as its kind is. */
export interface CacheLevel {
  counts: NgramCounts;
  weight: LevelWeight;
}

// Tuned on the development tenth of the kernel's training files (`npm run tune:cache`), never
// on held-out files. The workspace's files count only where a long context matches (what the
// LSTM, trained on them, has not learnt by heart); the document's own text counts from order 3.
// Other open documents are other files, as the workspace's are: weighed alike.
export const DOCUMENT_WEIGHT: LevelWeight = { perFollower: 42, base: 8, orderDecay: 0.25 };
export const WORKSPACE_WEIGHT: LevelWeight = { perFollower: 2900, base: 160, orderDecay: 1.75 };
export const OPEN_DOCUMENTS_WEIGHT = WORKSPACE_WEIGHT;

/** The levels of the cache, outermost first, each weighed as its kind is; absent ones are left out. */
export function cacheLevels(counts: { workspace?: NgramCounts | null; openDocuments?: NgramCounts; document: NgramCounts }): CacheLevel[] {
  const levels: CacheLevel[] = [];
  if (counts.workspace) levels.push({ counts: counts.workspace, weight: WORKSPACE_WEIGHT });
  if (counts.openDocuments) levels.push({ counts: counts.openDocuments, weight: OPEN_DOCUMENTS_WEIGHT });
  levels.push({ counts: counts.document, weight: DOCUMENT_WEIGHT });
  return levels;
}

export class Mixture {
  private readonly fps = new Uint32Array(NGRAM_ORDERS.length);
  private readonly followerIds = new Uint8Array(256);
  private readonly followerCounts = new Float64Array(256);
  private readonly cached: Float64Array; // (V) probability the counts have given each id so far, over the LSTM's share
  private readonly touched: Uint16Array; // ids whose `cached` is not 0, `touchedCount` of them
  private touchedCount = 0;
  private readonly orderScales: Float64Array[]; // per level: (3 / k)^γ for each order

  constructor(private readonly vocab: number, private readonly levels: readonly CacheLevel[]) {
    this.cached = new Float64Array(vocab);
    this.touched = new Uint16Array(vocab);
    this.orderScales = levels.map((l) => Float64Array.from(NGRAM_ORDERS, (k) => (NGRAM_ORDERS[0] / k) ** l.weight.orderDecay));
  }

  /**
   * Natural-log probabilities of every next id (out[0 … V)), given the LSTM's logits at
   * logits[offset … offset + V) and the ids before this point: context[0 … end).
   */
  logProbs(out: Vec, logits: Vec, offset: number, context: ArrayLike<number>, end: number): void {
    const V = this.vocab, lse = logSumExp(logits, offset, V);
    const share = Math.log(this.foldCounts(context, end)); // p(v) = LSTM share · (p_LSTM(v) + cached[v])
    for (let v = 0; v < V; v++) out[v] = logits[offset + v] - lse + share;
    for (let t = 0; t < this.touchedCount; t++) {
      const v = this.touched[t];
      out[v] = share + Math.log(Math.exp(logits[offset + v] - lse) + this.cached[v]);
    }
  }

  /**
   * Walks the levels' orders; returns the share left to the LSTM and leaves each id's share
   * from the counts in `cached`, divided by it (so that a step scales one number, not every id).
   */
  private foldCounts(context: ArrayLike<number>, end: number): number {
    for (let t = 0; t < this.touchedCount; t++) this.cached[this.touched[t]] = 0;
    this.touchedCount = 0;
    if (this.levels.length === 0) return 1;
    const orders = contextFingerprints(context, end, this.fps);
    let lstmShare = 1;
    for (let level = 0; level < this.levels.length; level++) {
      const { counts, weight } = this.levels[level], scales = this.orderScales[level];
      for (let o = counts.firstOrder; o < orders; o++) {
        const n = counts.followers(this.fps[o], this.followerIds, this.followerCounts);
        if (n === 0) break; // a longer context extends this one: never seen either
        let total = 0;
        for (let f = 0; f < n; f++) total += this.followerCounts[f];
        const beta = (weight.perFollower * (n - 1) + weight.base) * scales[o];
        lstmShare *= beta / (total + beta);
        const unit = 1 / ((total + beta) * lstmShare);
        for (let f = 0; f < n; f++) {
          const v = this.followerIds[f];
          if (this.cached[v] === 0) this.touched[this.touchedCount++] = v;
          this.cached[v] += this.followerCounts[f] * unit;
        }
      }
    }
    return lstmShare;
  }
}
