// Bits per character of a model on a text, with the forward pass alone. The text is read as
// B parallel streams (state carried along each, reset only at its start) so that the
// products are matrix-matrix; the figure differs from a single stream's only by the B
// restarts, a negligible share of a large text.

import { carryState, firstSteps, networkForward, networkLoss, resetState, scratchActivations } from '../model/network';
import type { Model } from '../model/model';

export function evaluateBpc(model: Model, ids: Uint16Array, batch: number, steps: number): number {
  const B = Math.max(1, Math.min(batch, ids.length - 1));
  const S = Math.floor((ids.length - 1) / B); // predictions per stream
  if (S < 1) return NaN;
  const chunk = scratchActivations(model.config, B, steps);
  resetState(chunk);
  let nats = 0;
  for (let pos = 0; pos < S; pos += steps) {
    const acts = firstSteps(chunk, Math.min(steps, S - pos)), T = acts.steps; // the last chunk may be shorter
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        acts.inputs[t * B + b] = ids[b * S + pos + t];
        acts.targets[t * B + b] = ids[b * S + pos + t + 1];
      }
    }
    networkForward(model.p, acts);
    nats += networkLoss(acts) * B * T;
    carryState(acts);
  }
  return nats / (B * S) / Math.LN2;
}
