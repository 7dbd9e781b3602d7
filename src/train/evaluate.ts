// Bits per character of a model on documents, with the forward pass alone. Each document is
// read as the editor reads one (after a newline, from a fresh state), cut into segments of
// SEGMENT characters shared out over B parallel streams, so that the products are
// matrix-matrix and one long file does not leave the other streams idle. A segment is read
// after the MAX_CONTEXT characters before it, which only set the state: no more than a
// completion reads far into a document (complete/stateCache.ts). Each character is scored
// twice from the same logits: by the LSTM alone (static) and by the model as completions use it
// (model/mixture.ts: the workspace's counts, and the document's own DOCUMENT_WINDOW characters
// before that character).

import { cacheLevels, Mixture } from '../model/mixture';
import { firstSteps, networkForward, scratchActivations } from '../model/network';
import { countReadOn, countTargets, DOCUMENT_COUNTS_LOG2, DOCUMENT_WINDOW, NgramCounts } from '../model/ngramCounts';
import { logSumExp } from '../model/outputLayer';
import { MAX_CONTEXT } from '../complete/stateCache';
import { SEGMENT as DYNAMIC_SEGMENT, type DynamicEvaluation } from '../model/dynamicEvaluation';
import { readContext, type LstmState } from '../model/inference';
import type { Model } from '../model/model';

/** A document to score: its text, and how many of its first characters only warm the model up. */
export interface ScoredDocument {
  text: string;
  warmUp: number;
}

export interface DocumentBits {
  bpc: number; // the model as completions use it (the LSTM alone when there is no cache)
  bpcStatic: number; // the LSTM alone
  chars: number; // characters scored
}

/** With a cache (`workspace` counts, or null for none), the document level is added; without, only the LSTM. */
export interface EvaluationCache {
  workspace: NgramCounts | null;
}

const SEGMENT = 16_384;

/** A stretch of a document one stream reads: positions [read, end) are fed, those from `scored` on predict a scored character. */
interface Segment {
  ids: Uint16Array; // the whole document, after a newline
  read: number;
  scored: number;
  end: number;
}

export function evaluateDocuments(model: Model, documents: ScoredDocument[], batch: number, steps: number, cache?: EvaluationCache): DocumentBits {
  const { vocab: V, hidden: H } = model.config;
  const queue: Segment[] = [];
  for (const d of documents) {
    const ids = model.vocabulary.encode('\n' + d.text);
    for (let scored = d.warmUp; scored < ids.length - 1; scored += SEGMENT) {
      queue.push({ ids, read: scored === d.warmUp ? 0 : scored - MAX_CONTEXT, scored, end: Math.min(ids.length - 1, scored + SEGMENT) });
    }
  }
  queue.reverse();
  const B = Math.max(1, Math.min(batch, queue.length));
  const acts = scratchActivations(model, B, steps);
  // Per stream: its segment, the next position to feed (the id after it is predicted), the document's counts before it.
  const idle: Segment = { ids: new Uint16Array(0), read: 0, scored: 0, end: 0 };
  const streams = Array.from({ length: B }, () => ({ segment: idle, pos: 0, counts: cache && new NgramCounts(DOCUMENT_COUNTS_LOG2) }));
  const mixtures = streams.map((s) => cache && new Mixture(V, cacheLevels({ workspace: cache.workspace, document: s.counts! })));
  const logProbs = new Float64Array(V);
  let nats = 0, natsStatic = 0, chars = 0;
  for (;;) {
    // Streams at the end of their segment take the next one, from a zero state, with the document's counts before it.
    streams.forEach((s, b) => {
      if (s.pos < s.segment.end) return;
      s.segment = queue.pop() ?? idle;
      s.pos = s.segment.read;
      s.counts?.clear();
      if (s.counts) countTargets(s.counts, s.segment.ids, Math.max(1, s.pos + 1 - DOCUMENT_WINDOW), s.pos + 1, +1);
      for (const a of acts.layers) {
        a.h0.fill(0, b * H, (b + 1) * H);
        a.c0.fill(0, b * H, (b + 1) * H);
      }
    });
    const T = Math.min(steps, Math.max(...streams.map((s) => s.segment.end - s.pos)));
    if (T <= 0) break;
    const chunk = firstSteps(acts, T);
    streams.forEach((s, b) => {
      for (let t = 0; t < T; t++) chunk.inputs[t * B + b] = s.segment.ids[Math.min(s.pos + t, s.segment.end)] ?? 0;
    });
    networkForward(model.p, chunk);
    streams.forEach((s, b) => {
      const { ids, scored, end } = s.segment;
      for (let t = 0; t < T && s.pos < end; t++, s.pos++) {
        const row = (t * B + b) * V, target = ids[s.pos + 1];
        if (s.pos >= scored) {
          const lstmNats = logSumExp(chunk.logits, row, V) - chunk.logits[row + target];
          natsStatic += lstmNats;
          mixtures[b]?.logProbs(logProbs, chunk.logits, row, ids, s.pos + 1);
          nats += mixtures[b] ? -logProbs[target] : lstmNats;
          chars++;
        }
        if (s.counts) countReadOn(s.counts, ids, s.pos + 1);
      }
    });
    // A stream's state after its last step carries on; one past its segment's end is reset above.
    const last = (T - 1) * B * H;
    for (const a of acts.layers) {
      a.h0.set(a.h.subarray(last, last + B * H));
      a.c0.set(a.c.subarray(last, last + B * H));
    }
  }
  return { bpc: nats / chars / Math.LN2, bpcStatic: natsStatic / chars / Math.LN2, chars };
}

/** The first `chars` characters of `files`, whole files but the last, as documents to score from their start. */
export function firstCharacters(files: string[], chars: number): ScoredDocument[] {
  const documents: ScoredDocument[] = [];
  for (let left = chars, i = 0; left > 0 && i < files.length; left -= files[i++].length) documents.push({ text: files[i].slice(0, left), warmUp: 0 });
  return documents;
}

// A sample of held-out text for the figure training reports: windows spread evenly over every
// file, each file's share in proportion to its length (so the figure estimates what `eval`
// measures on all of them), each window read after WARM_UP characters that only set the state.
const WINDOW = 400;
const WARM_UP = 200;

/** About `chars` characters to score, spread over `files` (texts) as described above. */
export function heldOutSample(files: string[], chars: number): ScoredDocument[] {
  const total = files.reduce((n, f) => n + f.length, 0);
  if (total <= chars) return files.map((text) => ({ text, warmUp: 0 }));
  const sample: ScoredDocument[] = [];
  for (const text of files) {
    const share = Math.round((chars * text.length) / total);
    if (share === 0) continue;
    const windows = Math.max(1, Math.round(share / WINDOW)), length = Math.ceil(share / windows);
    for (let w = 0; w < windows; w++) {
      const start = Math.max(0, Math.round(((w + 0.5) * text.length) / windows - length / 2));
      const from = Math.max(0, start - WARM_UP);
      sample.push({ text: text.slice(from, start + length), warmUp: start - from });
    }
  }
  return sample;
}

/**
 * Bits per character with dynamic evaluation (model/dynamicEvaluation.ts): each document read
 * alone, from the trained weights, scoring each segment before the step on it; with the
 * document cache (as evaluateDocuments) and without; and the milliseconds a step took, on average.
 */
export function evaluateDynamically(dynamic: DynamicEvaluation, documents: ScoredDocument[], workspace: NgramCounts | null): DocumentBits & { stepMs: number } {
  const model = dynamic.model, V = model.config.vocab, logProbs = new Float64Array(V);
  const counts = new NgramCounts(DOCUMENT_COUNTS_LOG2), mixture = new Mixture(V, cacheLevels({ workspace, document: counts }));
  let nats = 0, natsStatic = 0, chars = 0, steps = 0, stepMs = 0;
  for (const d of documents) {
    dynamic.reset();
    counts.clear();
    const ids = model.vocabulary.encode('\n' + d.text);
    let state: LstmState | undefined;
    for (let start = 0; start < ids.length - 1; start += DYNAMIC_SEGMENT) {
      const segment = ids.subarray(start, Math.min(ids.length, start + DYNAMIC_SEGMENT + 1));
      const read = readContext(model, segment.subarray(0, segment.length - 1), state, (acts, pos) => {
        for (let t = 0; t < acts.steps; t++) {
          const i = start + pos + t + 1, target = ids[i]; // the position predicted
          if (i > d.warmUp) {
            natsStatic += logSumExp(acts.logits, t * V, V) - acts.logits[t * V + target];
            mixture.logProbs(logProbs, acts.logits, t * V, ids, i);
            nats -= logProbs[target];
            chars++;
          }
          countReadOn(counts, ids, i);
        }
      });
      const started = performance.now();
      dynamic.step(segment, state);
      stepMs += performance.now() - started;
      steps++;
      state = read.state;
    }
  }
  return { bpc: nats / chars / Math.LN2, bpcStatic: natsStatic / chars / Math.LN2, chars, stepMs: stepMs / steps };
}
