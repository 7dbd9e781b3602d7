// Beam search over the char-LSTM: keep the `width` most probable continuations, extend each by
// every character, keep the best `width` again. Scores are summed log-probabilities. A beam
// ends when it emits a stop character (not part of its text) or reaches `maxChars`. Pure: no
// vscode, no I/O; the caller owns cancellation through `shouldStop`.

import { carryRow, readContext, setRowState, type LstmState } from '../model/inference';
import { createActivations, networkForward } from '../model/network';
import { logSumExp } from '../model/outputLayer';
import type { Model } from '../model/model';

export interface BeamOptions {
  width: number; // beams kept per step (7, as Karpathy & Fei-Fei)
  maxChars: number; // hard cap on a beam's length
  stopChars: string; // characters that end a beam, e.g. "\n"; empty: run to maxChars
  shouldStop?: () => boolean; // checked between steps; true returns the beams so far
}

export interface BeamResult {
  text: string;
  logprob: number; // natural log of the continuation's probability (stop character included)
  finished: boolean; // ended at a stop character
}

interface Beam {
  ids: number[];
  logprob: number;
  finished: boolean;
  row: number; // row of the step buffers holding this beam's state (unfinished beams)
}

/** The best continuations of `context` (text, or a state with the logits it predicts), best first. */
export function beamSearch(model: Model, context: string | { state: LstmState; logits: Float32Array }, opts: BeamOptions): BeamResult[] {
  const V = model.config.vocab, width = opts.width;
  const start = typeof context === 'string' ? readContext(model, model.vocabulary.encode(context)) : context;
  const stopIds = new Set([...opts.stopChars].map((ch) => model.vocabulary.id(ch)));
  const acts = createActivations(model.config, width, 1);
  acts.logits.set(start.logits, 0);
  let beams: Beam[] = [{ ids: [], logprob: 0, finished: false, row: 0 }];
  for (let len = 0; len < opts.maxChars && beams.some((b) => !b.finished); len++) {
    if (opts.shouldStop?.()) break;
    // Candidates: finished beams as they are, every one-character extension of the others.
    const cands: { parent: Beam; id: number; logprob: number }[] = [];
    for (const b of beams) {
      if (b.finished) {
        cands.push({ parent: b, id: -1, logprob: b.logprob });
        continue;
      }
      const lse = logSumExp(acts.logits, b.row * V, V);
      for (let v = 0; v < V; v++) cands.push({ parent: b, id: v, logprob: b.logprob + acts.logits[b.row * V + v] - lse });
    }
    // Best first; ties go to the earlier beam, then the smaller id, so results are deterministic.
    cands.sort((x, y) => y.logprob - x.logprob || beams.indexOf(x.parent) - beams.indexOf(y.parent) || x.id - y.id);
    const next: Beam[] = [];
    let row = 0;
    for (const cand of cands.slice(0, width)) {
      if (cand.id < 0) {
        next.push(cand.parent);
        continue;
      }
      const finished = stopIds.has(cand.id);
      const ids = finished ? cand.parent.ids : [...cand.parent.ids, cand.id];
      const beam: Beam = { ids, logprob: cand.logprob, finished, row: finished ? -1 : row };
      if (!finished) {
        // The first step extends the context itself; later ones a beam's last step.
        if (len === 0) setRowState(acts, row, start.state);
        else carryRow(acts, cand.parent.row, row);
        acts.inputs[row++] = cand.id;
      }
      next.push(beam);
    }
    beams = next;
    if (row > 0 && len + 1 < opts.maxChars) networkForward(model.p, acts);
  }
  return beams
    .sort((x, y) => y.logprob - x.logprob)
    .map((b) => ({ text: model.vocabulary.decode(b.ids), logprob: b.logprob, finished: b.finished }));
}
