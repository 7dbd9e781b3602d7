// How far back in time a gradient reaches: for the loss at the last step of a stretch,
// ‖∂L/∂h_t‖ of every layer at every step before it. A vanilla RNN's falls by orders of
// magnitude within a few dozen steps (the vanishing gradient, Bengio et al. 1994); an LSTM's
// additive cell path carries it further. The lectures draw this curve; the dashboard shows it.

import { crossEntropyBackward } from './outputLayer';
import { backwardFromLogits, networkForward, scratchActivations } from './network';
import type { Model } from './model';
import { paramViews } from './params';

/**
 * ‖∂L/∂h_t‖ for L the mean cross-entropy at the last step of `streams` (each T + 1 ids, read from
 * a zero state): [layer][k], k steps back from the last (k = 0 is the last step). `grads` is
 * scratch of the parameter layout (a trainer's gradient slab between steps).
 */
export function gradientFlow(model: Model, streams: Uint16Array[], grads: Float32Array): number[][] {
  const B = streams.length, T = streams[0].length - 1, { hidden: H, vocab: V } = model.config;
  const acts = scratchActivations(model, B, T);
  streams.forEach((ids, b) => {
    for (let t = 0; t < T; t++) [acts.inputs[t * B + b], acts.targets[t * B + b]] = [ids[t], ids[t + 1]];
  });
  for (const a of acts.layers) [a.h0, a.c0].forEach((x) => x.fill(0));
  networkForward(model.p, acts);
  crossEntropyBackward(acts.dLogits, acts.logits, acts.targets, B * T, V, B);
  acts.dLogits.fill(0, 0, (T - 1) * B * V); // the loss of the last step alone
  grads.fill(0);
  backwardFromLogits(paramViews(grads, model.config), model.p, acts);
  return acts.layers.map((a) => Array.from({ length: T }, (_, k) => Math.sqrt(acts.kernels.sumOfSquares(a.dh.subarray((T - 1 - k) * B * H, (T - k) * B * H)))));
}
