// How well each cell tracks each syntax label: ROC AUC of tanh(c) for the yes/no labels
// (in an if-statement, comment, string), Pearson correlation for depth and column. A score is
// direction-free (a cell that is low inside comments tracks them as well as one that is high),
// with the direction kept as `sign`. The best cell per label gets the label's name.

import type { CharacterLabels } from './labels';
import { LABELS, type CellRanking, type CellScore, type LabelName } from '../protocol/engineProtocol';
import type { NamedCell } from '../protocol/panelProtocol';
import type { Trace } from './trace';

/** What scoring reads of a trace: the cells' values, not the guesses. */
export type TraceValues = Pick<Trace, 'steps' | 'layers' | 'hidden' | 'kinds' | 'values'>;

export const LABEL_TITLES: Record<LabelName, string> = {
  if: 'if-statement cell', comment: 'comment cell', string: 'string/quote cell', depth: 'code-depth cell', column: 'line-position cell',
};

/** A discovered cell, named for the label it tracks best. */
/** The best cell for each label, named. */
export function namedCells(ranking: CellRanking): NamedCell[] {
  return LABELS.flatMap((label) => {
    const best = ranking[label][0];
    const measure = label === 'depth' || label === 'column' ? ('|r|' as const) : ('AUC' as const);
    return best ? [{ label, title: LABEL_TITLES[label], layer: best.layer, index: best.index, score: best.score, measure }] : [];
  });
}

/** "if-statement cell L2#117, AUC 0.93" (layers counted from 1, as people count them). */
export function describeCell(cell: NamedCell): string {
  return `${cell.title} L${cell.layer + 1}#${cell.index}, ${cell.measure} ${cell.score.toFixed(2)}`;
}

/** Scores every cell of `trace` against `labels` (one entry per traced character); keeps the `keep` best per label. */
export function scoreCells(trace: TraceValues, labels: CharacterLabels, keep = 10): CellRanking {
  const { steps: T, layers: L, hidden: H } = trace, K = trace.kinds.length;
  const flags: Record<'if' | 'comment' | 'string', Uint32Array> = { if: positions(labels.inIf), comment: positions(labels.inComment), string: positions(labels.inString) };
  const ranking = Object.fromEntries(LABELS.map((name) => [name, [] as CellScore[]])) as CellRanking;
  const values = new Uint8Array(T);
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < H; j++) {
      for (let t = 0; t < T; t++) values[t] = trace.values[((t * L + l) * K) * H + j];
      for (const name of ['if', 'comment', 'string'] as const) ranking[name].push({ layer: l, index: j, ...scored(auc(values, flags[name]) - 0.5, 0.5) });
      ranking.depth.push({ layer: l, index: j, ...scored(correlation(values, labels.depth), 0) });
      ranking.column.push({ layer: l, index: j, ...scored(correlation(values, labels.column), 0) });
    }
  }
  for (const name of LABELS) ranking[name] = ranking[name].sort((a, b) => b.score - a.score || a.layer - b.layer || a.index - b.index).slice(0, keep);
  return ranking;
}

function scored(centred: number, base: number): { score: number; sign: 1 | -1 } {
  return { score: Math.round((base + Math.abs(centred)) * 1e4) / 1e4, sign: centred >= 0 ? 1 : -1 };
}

/** The steps where `flags` is 1. */
export function positions(flags: Uint8Array): Uint32Array {
  return Uint32Array.from(flags.keys()).filter((t) => flags[t] === 1);
}

/** P(value at a step of `positives` > value elsewhere), ties counting half: Mann–Whitney over byte histograms. */
export function auc(values: Uint8Array, positives: Uint32Array): number {
  // All steps into four interleaved counts (a cell's value changes slowly, and one count bumped
  // step after step waits on itself), then the positives apart.
  const all = new Uint32Array(1024), pos = new Uint32Array(256);
  const n4 = values.length & ~3;
  for (let t = 0; t < n4; t += 4) {
    all[values[t]]++;
    all[256 + values[t + 1]]++;
    all[512 + values[t + 2]]++;
    all[768 + values[t + 3]]++;
  }
  for (let t = n4; t < values.length; t++) all[values[t]]++;
  for (let v = 0; v < 256; v++) all[v] += all[256 + v] + all[512 + v] + all[768 + v];
  for (let i = 0; i < positives.length; i++) pos[values[positives[i]]]++;
  const nPos = positives.length, nNeg = values.length - nPos;
  let below = 0, wins = 0;
  for (let v = 0; v < 256; v++) {
    const neg = all[v] - pos[v];
    wins += pos[v] * (below + neg / 2);
    below += neg;
  }
  return nPos === 0 || nNeg === 0 ? 0.5 : wins / (nPos * nNeg);
}

/** Pearson correlation; 0 when either side is constant. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) [sx, sy] = [sx + x[i], sy + y[i]];
  const mx = sx / n, my = sy / n;
  let cxy = 0, cxx = 0, cyy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    cxy += dx * dy;
    cxx += dx * dx;
    cyy += dy * dy;
  }
  return cxx === 0 || cyy === 0 ? 0 : cxy / Math.sqrt(cxx * cyy);
}
