// Beam search over the model as completions use it (the LSTM mixed with the document cache,
// model/mixture.ts): keep the `width` most probable continuations, extend each by every
// character, keep the best `width` again. Scores are summed log-probabilities; each beam's own
// characters extend the cache's context. A beam ends where the caller's `endsAt` rule says
// (before or after a character) or at `maxChars`. A beam is a node pointing to its parent, and
// the rule keeps a summary of its text, so that a step costs the same however long the beams
// are (linear in maxChars). Pure: no vscode, no I/O; the caller owns cancellation through
// `shouldStop`.

import { carryRow, readContext, setRowState, type LstmState } from '../model/inference';
import { Mixture, type CacheLevel } from '../model/mixture';
import { networkForward, scratchActivations, stepRows, type Activations } from '../model/network';
import { MAX_ORDER } from '../model/ngramCounts';
import type { Model } from '../model/model';

/**
 * Where beams end, from a summary `S` of a beam's text kept a character at a time: whether a
 * beam ends at `next`, 'before' it (not part of the text, as a newline), 'after' it (as a
 * closing bracket), or 'no'. Asked only of the beams kept.
 */
export interface EndRule<S> {
  start: S; // the summary of no text
  extend(summary: S, ch: string): S;
  endsAt(summary: S, next: string): BeamEnd;
}

export interface BeamOptions<S = unknown> {
  width: number; // beams kept per step (7, as Karpathy & Fei-Fei)
  maxChars: number; // hard cap on a beam's length
  endsAt: EndRule<S>;
  shouldStop?: () => boolean; // checked between steps; true returns the beams so far
  step?: BeamStep; // how a step runs: stepHere unless another thread helps (engine/stepHelper.ts)
  cache?: readonly CacheLevel[]; // the document cache's levels, outermost first; none: the LSTM alone
}

/** Where a search starts: the LSTM state after the text before the cursor, its logits, and that text's last ids. */
export interface BeamStart {
  state: LstmState;
  logits: Float32Array; // (V)
  recent: Uint16Array; // the ids before the cursor (the last MAX_ORDER are read)
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

/** A beam's last character; the ones before it are its parent's. */
interface BeamNode {
  parent: BeamNode | null;
  id: number;
  logprob: number; // of the text up to and including this character
}

interface Beam<S> {
  last: BeamNode | null; // null: no character yet
  summary: S; // the end rule's, of the beam's text
  logprob: number;
  finished: boolean;
  row: number; // row of the step buffers holding this beam's state (unfinished beams)
}

/** Beams that never end before maxChars. */
export const runToMaxChars: EndRule<null> = { start: null, extend: () => null, endsAt: () => 'no' };

/** The best continuations of `context` (text, or where reading it left the model), best first. */
export function beamSearch<S>(model: Model, context: string | BeamStart, opts: BeamOptions<S>): BeamResult[] {
  const V = model.config.vocab, width = opts.width;
  const start = typeof context === 'string' ? startOf(model, context) : context;
  const acts = scratchActivations(model, width, 1);
  acts.logits.set(start.logits, 0);
  const mixture = new Mixture(V, opts.cache ?? []);
  const logProbs = new Float64Array(V); // (V) of one beam's next character
  const recent = new Uint16Array(MAX_ORDER); // one beam's last ids: the cache's context
  const rule = opts.endsAt;
  let beams: Beam<S>[] = [{ last: null, summary: rule.start, logprob: 0, finished: false, row: 0 }];
  for (let len = 0; len < opts.maxChars && beams.some((b) => !b.finished); len++) {
    if (opts.shouldStop?.()) break;
    // The best `width` candidates: finished beams as they are, every one-character extension of
    // the others. Kept sorted by insertion; a tie keeps the earlier candidate (earlier beam, then
    // smaller id), so results are deterministic.
    const best: { parent: Beam<S>; id: number; logprob: number }[] = [];
    const offer = (parent: Beam<S>, id: number, logprob: number) => {
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
      mixture.logProbs(logProbs, acts.logits, b.row * V, recent, lastIds(recent, start.recent, b.last));
      // From 1: the unknown id is not a character worth suggesting.
      for (let v = 1; v < V; v++) offer(b, v, b.logprob + logProbs[v]);
    }
    const next: Beam<S>[] = [];
    let row = 0;
    for (const cand of best) {
      if (cand.id < 0) {
        next.push(cand.parent);
        continue;
      }
      const parent = cand.parent, ch = model.vocabulary.char(cand.id);
      const end = rule.endsAt(parent.summary, ch), finished = end !== 'no';
      const beam: Beam<S> = end === 'before'
        ? { ...parent, logprob: cand.logprob, finished, row: -1 }
        : { last: { parent: parent.last, id: cand.id, logprob: cand.logprob }, summary: rule.extend(parent.summary, ch), logprob: cand.logprob, finished, row: finished ? -1 : row };
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
  return beams.sort((x, y) => y.logprob - x.logprob).map((b) => {
    const nodes: BeamNode[] = [];
    for (let n = b.last; n; n = n.parent) nodes.push(n);
    nodes.reverse();
    const chars = nodes.map((n) => model.vocabulary.char(n.id));
    return { text: chars.join(''), chars, logprobs: nodes.map((n) => n.logprob), logprob: b.logprob, finished: b.finished };
  });
}

function startOf(model: Model, text: string): BeamStart {
  const ids = model.vocabulary.encode(text);
  return { ...readContext(model, ids), recent: ids.subarray(-MAX_ORDER) };
}

/** Writes the last ids of `before` then of the beam ending at `last` to `out` (up to its length); returns how many. */
function lastIds(out: Uint16Array, before: Uint16Array, last: BeamNode | null): number {
  let fromBeam = 0;
  for (let n = last; n && fromBeam < out.length; n = n.parent) fromBeam++;
  const fromBefore = Math.min(before.length, out.length - fromBeam);
  out.set(before.subarray(before.length - fromBefore));
  let at = fromBefore + fromBeam;
  for (let n = last; n && at > fromBefore; n = n.parent) out[--at] = n.id;
  return fromBefore + fromBeam;
}
