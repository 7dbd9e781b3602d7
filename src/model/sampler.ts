// Temperature sampling, as in char-rnn's sample.lua: softmax(logits / temperature), drawn with
// a coin in [0, 1) that the caller supplies (from a seeded Rng), so samples are reproducible.
// With the document cache (model/mixture.ts), the text so far is the document it learns from,
// as completions use the model.

import { carryState, networkForward, scratchActivations } from './network';
import { readContext, setRowState } from './inference';
import { cacheLevels, Mixture } from './mixture';
import type { Model } from './model';
import { countTargets, DOCUMENT_COUNTS_LOG2, NgramCounts } from './ngramCounts';
import type { Vec } from './kernels';
import type { Rng } from '../util/rng';

/** Draws an id from softmax(logits[offset … offset+V) / temperature). */
export function sampleId(logits: Vec, offset: number, vocab: number, temperature: number, coin: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[offset + v]);
  let total = 0;
  for (let v = 0; v < vocab; v++) total += Math.exp((logits[offset + v] - max) / temperature);
  let target = coin * total;
  for (let v = 0; v < vocab; v++) {
    target -= Math.exp((logits[offset + v] - max) / temperature);
    if (target < 0) return v;
  }
  return vocab - 1; // only reached through rounding
}

/** `length` characters sampled after `prime` (which must not be empty), by the LSTM alone or with the document cache. */
export function sampleText(model: Model, prime: string, length: number, temperature: number, rng: Rng, cache = false): string {
  const V = model.config.vocab, primeIds = model.vocabulary.encode(prime);
  const context = readContext(model, primeIds);
  const acts = scratchActivations(model, 1, 1);
  setRowState(acts, 0, context.state);
  acts.logits.set(context.logits);
  const ids = new Uint16Array(primeIds.length + length); // the document: the prime, then what is drawn
  ids.set(primeIds);
  const counts = new NgramCounts(DOCUMENT_COUNTS_LOG2);
  const mixture = new Mixture(V, cache ? cacheLevels({ document: counts }) : []);
  if (cache) countTargets(counts, ids, 0, primeIds.length, +1);
  const logProbs = new Float64Array(V);
  for (let i = primeIds.length; i < ids.length; i++) {
    mixture.logProbs(logProbs, acts.logits, 0, ids, i);
    ids[i] = sampleId(logProbs, 0, V, temperature, rng.next());
    if (cache) countTargets(counts, ids, i, i + 1, +1);
    acts.inputs[0] = ids[i];
    networkForward(model.p, acts);
    carryState(acts);
  }
  return model.vocabulary.decode(ids.subarray(primeIds.length));
}
