// Temperature sampling, as in char-rnn's sample.lua: softmax(logits / temperature), drawn with
// a coin in [0, 1) that the caller supplies (from a seeded Rng), so samples are reproducible.

import { carryState, networkForward, scratchActivations } from './network';
import { readContext, setRowState } from './inference';
import type { Model } from './model';
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

/** `length` characters sampled after `prime` (which must not be empty). */
export function sampleText(model: Model, prime: string, length: number, temperature: number, rng: Rng): string {
  const V = model.config.vocab;
  const context = readContext(model, model.vocabulary.encode(prime));
  const acts = scratchActivations(model.config, 1, 1);
  setRowState(acts, 0, context.state);
  acts.logits.set(context.logits);
  const out = new Uint16Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = sampleId(acts.logits, 0, V, temperature, rng.next());
    acts.inputs[0] = out[i];
    networkForward(model.p, acts);
    carryState(acts);
  }
  return model.vocabulary.decode(out);
}
