// Beam search over the char-LSTM: keep the `width` most probable continuations, extend each by
// every character, keep the best `width` again. Scores are summed log-probabilities. A beam
// ends where the caller's `endsAt` says (before or after a character) or at `maxChars`. Pure:
// no vscode, no I/O; the caller owns cancellation through `shouldStop`.

import { carryRow, readContext, setRowState, type LstmState } from '../model/inference';
import { networkForward, scratchActivations, stepRows, type Activations } from '../model/network';
import { logSumExp } from '../model/outputLayer';
import type { Model } from '../model/model';

export interface BeamOptions {
  width: number; // beams kept per step (7, as Karpathy & Fei-Fei)
  maxChars: number; // hard cap on a beam's length
  // Whether a beam with `text` so far ends at `next`: 'before' it (not part of the text, as a
  // newline), 'after' it (as a closing bracket), or 'no'. Asked only of the beams kept.
  endsAt: (text: string, next: string) => BeamEnd;
  shouldStop?: () => boolean; // checked between steps; true returns the beams so far
  step?: BeamStep; // how a step runs: stepHere unless another thread helps (engine/stepHelper.ts)
}

/** Runs the network one step for the first `rows` streams of one-step activations `acts`. */
export type BeamStep = (model: Model, acts: Activations, rows: number) => void;

/** A beam step on this thread alone. */
export const stepHere: BeamStep = (model, acts, rows) => networkForward(model.p, stepRows(acts, 0, rows));

export type BeamEnd = 'no' | 'before' | 'after';

export interface BeamResult {
  text: string;
  chars: string[]; // text, one model character each
  logprobs: number[]; // natural log of the probability of text up to and including chars[i]
  logprob: number; // of the whole continuation, its end included
  finished: boolean; // ended by endsAt
}

interface Beam {
  chars: string[];
  logprobs: number[];
  logprob: number;
  finished: boolean;
  row: number; // row of the step buffers holding this beam's state (unfinished beams)
}

/** Beams that never end before maxChars. */
export const runToMaxChars = (): BeamEnd => 'no';

/** The best continuations of `context` (text, or a state with the logits it predicts), best first. */
export function beamSearch(model: Model, context: string | { state: LstmState; logits: Float32Array }, opts: BeamOptions): BeamResult[] {
  const V = model.config.vocab, width = opts.width;
  const start = typeof context === 'string' ? readContext(model, model.vocabulary.encode(context)) : context;
  const acts = scratchActivations(model.config, width, 1);
  acts.logits.set(start.logits, 0);
  let beams: Beam[] = [{ chars: [], logprobs: [], logprob: 0, finished: false, row: 0 }];
  for (let len = 0; len < opts.maxChars && beams.some((b) => !b.finished); len++) {
    if (opts.shouldStop?.()) break;
    // The best `width` candidates: finished beams as they are, every one-character extension of
    // the others. Kept sorted by insertion; a tie keeps the earlier candidate (earlier beam, then
    // smaller id), so results are deterministic.
    const best: { parent: Beam; id: number; logprob: number }[] = [];
    const offer = (parent: Beam, id: number, logprob: number) => {
      if (best.length === width && logprob <= best[width - 1].logprob) return;
      let at = best.length < width ? best.length : width - 1;
      while (at > 0 && best[at - 1].logprob < logprob) at--;
      best.splice(at, 0, { parent, id, logprob });
      if (best.length > width) best.pop();
    };
    for (const b of beams) {
      if (b.finished) {
        offer(b, -1, b.logprob);
        continue;
      }
      const lse = logSumExp(acts.logits, b.row * V, V);
      // From 1: the unknown id is not a character worth suggesting.
      for (let v = 1; v < V; v++) offer(b, v, b.logprob + acts.logits[b.row * V + v] - lse);
    }
    const next: Beam[] = [];
    let row = 0;
    for (const cand of best) {
      if (cand.id < 0) {
        next.push(cand.parent);
        continue;
      }
      const parent = cand.parent, ch = model.vocabulary.char(cand.id);
      const end = opts.endsAt(parent.chars.join(''), ch), finished = end !== 'no';
      const beam: Beam = end === 'before'
        ? { ...parent, logprob: cand.logprob, finished, row: -1 }
        : { chars: [...parent.chars, ch], logprobs: [...parent.logprobs, cand.logprob], logprob: cand.logprob, finished, row: finished ? -1 : row };
      if (!finished) {
        // The first step extends the context itself; later ones a beam's last step.
        if (len === 0) setRowState(acts, row, start.state);
        else carryRow(acts, parent.row, row);
        acts.inputs[row++] = cand.id;
      }
      next.push(beam);
    }
    beams = next;
    // Only the unfinished beams' rows: finished ones need no next step.
    if (row > 0 && len + 1 < opts.maxChars) (opts.step ?? stepHere)(model, acts, row);
  }
  return beams
    .sort((x, y) => y.logprob - x.logprob)
    .map((b) => ({ text: b.chars.join(''), chars: b.chars, logprobs: b.logprobs, logprob: b.logprob, finished: b.finished }));
}
