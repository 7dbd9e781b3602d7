// A model with hand-set weights whose next-character probabilities are known exactly: a
// one-layer LSTM that remembers only its last input (a bigram model). For tests of beam search
// and suggestions.

import { Arena } from '../../src/model/arena';
import type { Model } from '../../src/model/model';
import { paramCount, paramViews } from '../../src/model/params';
import { Vocabulary } from '../../src/model/vocabulary';

const BIG = 30; // saturates sigmoid and tanh to 1 within 1e-13

/** P(next | previous) = probs[previous][next] over `chars` (the unknown id gets ~0). */
export function bigramModel(chars: string[], probs: Record<string, Record<string, number>>): Model {
  const vocabulary = new Vocabulary(chars);
  const V = vocabulary.size, H = V, config = { vocab: V, hidden: H, layers: 1 };
  const params = new Float32Array(paramCount(config));
  const p = paramViews(params, config), l = p.layers[0];
  for (let j = 0; j < H; j++) {
    l.biasIh[j] = BIG; // i = 1
    l.biasIh[H + j] = -BIG; // f = 0: forget the past
    l.weightIh[(2 * H + j) * V + j] = BIG; // g = 1 on the unit of the input, 0 elsewhere
    l.biasIh[3 * H + j] = BIG; // o = 1, so h = tanh(1) on that unit
  }
  for (const [prev, row] of Object.entries(probs)) {
    const j = vocabulary.id(prev);
    for (let v = 0; v < V; v++) p.outWeight[v * H + j] = Math.log(row[vocabulary.char(v)] ?? 1e-12) / Math.tanh(1);
  }
  return { config, vocabulary, params, p, arena: Arena.plain() };
}

// After "a": "b" is likelier than "c", but every line through "b" is less likely than "c\n".
export const STRAW_HAT = bigramModel(['a', 'b', 'c', 'd', 'e', '\n'], {
  a: { b: 0.6, c: 0.4 },
  b: { '\n': 0.4, a: 0.3, d: 0.3 },
  c: { '\n': 1 },
  d: { e: 1 },
  e: { '\n': 1 },
});
