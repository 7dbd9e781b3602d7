// Cells for a selection, as LSTMVis's select and match views (Strobelt et al. 2018): with a
// threshold ℓ, a cell is on where its value, read in [−1, 1] (tanh(c) as it is, a gate as
// 2g − 1) and signed, is at least ℓ; a cell with sign −1 is on where it is low. Where the
// selection is an instance of a syntax kind (syntaxLabels.ts `selectionKind`: a comment, an
// if's condition), the cells are ranked by how well they tell every instance of that kind in
// the file from the rest (ROC AUC; the IoU of their on-set at ℓ is given beside it);
// elsewhere, the cells on inside the selection by their IoU with it within a window around it.
// Positions are code point indices, as the trace's steps. Pure: the engine worker and the CLI call it.

import { documentStart } from '../model/inference';
import type { Model } from '../model/model';
import { traceKinds, type SelectionCell, type SignedCell, type TraceKind } from '../protocol/engineProtocol';
import { cellType } from '../model/params';
import { UserError } from '../util/userError';
import { auc, positions } from './cellScores';
import { lineAndColumn } from './textPositions';
import { traceStates, type CellStates } from './trace';

export interface Span {
  start: number; // code point indices, [start, end)
  end: number;
}

/** A place where chosen cells are on together: its span and their mean signed value over it, in [ℓ, 1]. */
export interface Place extends Span {
  strength: number;
}

// The window around a selection is as long as the selection on each side, and at least this long.
const MIN_MARGIN = 16;

// A file's states are kept in memory while it is searched: up to this many bytes, gates and
// all; past it tanh(c) alone (a 1 MB file with the default H128×2 model: 1 GiB with gates).
export const MAX_STATE_BYTES = 512 * 2 ** 20;

/** What a file's search keeps: the state (tanh(c) or h) and the gates, or the state alone when the gates would not fit. */
export function searchedKinds(model: Model, chars: number): readonly TraceKind[] {
  const { layers: L, hidden: H } = model.config, perKind = L * H * chars, kinds = traceKinds(cellType(model.config));
  if (kinds.length * perKind <= MAX_STATE_BYTES) return kinds;
  if (perKind <= MAX_STATE_BYTES) return ['cell'];
  throw new UserError(`A file of ${chars.toLocaleString('en')} characters is too long to search with this model (${L} layers of ${H} cells): its states would take ${Math.ceil(perKind / 2 ** 20)} MB; search a file of at most ${Math.floor(MAX_STATE_BYTES / (L * H)).toLocaleString('en')} characters.`);
}

/** The states of a document read from its start, for searching; undefined when `shouldStop` (told the characters read, of all) says so. */
export function documentStates(model: Model, text: string, shouldStop: (read: number, total: number) => boolean = () => false): CellStates | undefined {
  const ids = model.vocabulary.encode(text);
  return traceStates(model, ids, documentStart(model), searchedKinds(model, ids.length), (read) => shouldStop(read, ids.length));
}

/** The byte bounds of "on" for threshold ℓ: sign +1 is on at q ≥ high, sign −1 at q ≤ low (v' = q/127.5 − 1). */
export function byteBounds(threshold: number): { high: number; low: number } {
  return { high: Math.ceil((1 + threshold) * 127.5), low: Math.floor((1 - threshold) * 127.5) };
}

/**
 * The cells for `selection`, best first (at most `keep`); empty for an empty selection. With
 * `target` (T, 1 where the selection's syntax kind is), every cell ranked by its ROC AUC for the
 * kind over the whole file (threshold-free, as discovery scores cells: the cells that colour
 * every instance and nothing else rank first, whichever way they point); without, the cells on
 * inside the selection ranked by their IoU with it within the window around it.
 */
export function findSelectionCells(states: CellStates, selection: Span, threshold: number, target?: Uint8Array, keep = 20): SelectionCell[] {
  const { steps: T, layers: L, hidden: H, kinds } = states, { start, end } = selection, n = end - start;
  if (n <= 0) return [];
  const margin = Math.max(MIN_MARGIN, n), from = Math.max(0, start - margin), to = Math.min(T, end + margin);
  const { high, low } = byteBounds(threshold);
  const ranked: { cell: SignedCell; fit: number; local: number }[] = [];
  const positives = target && positions(target);
  for (let l = 0; l < L; l++) {
    kinds.forEach((kind, k) => {
      for (let j = 0; j < H; j++) {
        const row = series(states, l, k, j);
        let upInside = 0, downInside = 0, upOutside = 0, downOutside = 0;
        for (let t = from; t < to; t++) {
          const q = row[t], inside = t >= start && t < end;
          if (q >= high) inside ? upInside++ : upOutside++;
          if (q <= low) inside ? downInside++ : downOutside++;
        }
        const local = (sign: 1 | -1) => (sign === 1 ? upInside / (n + upOutside) : downInside / (n + downOutside));
        if (positives) {
          const a = auc(row, positives), sign = a >= 0.5 ? 1 : -1;
          ranked.push({ cell: { layer: l, index: j, kind, sign }, fit: Math.max(a, 1 - a), local: local(sign) });
        } else {
          for (const sign of [1, -1] as const) if (local(sign) > 0) ranked.push({ cell: { layer: l, index: j, kind, sign }, fit: local(sign), local: local(sign) });
        }
      }
    });
  }
  return ranked.sort((a, b) => b.fit - a.fit || b.local - a.local || a.cell.layer - b.cell.layer || a.cell.index - b.cell.index).slice(0, keep)
    .map(({ cell, fit, local }) => ({ ...cell, fit: round(fit), iou: round(target ? iou(states, cell, threshold, target) : local), local: round(local) }));
}

/** Intersection over union of the cell's on-set with `target` over the whole file. */
export function iou(states: CellStates, cell: SignedCell, threshold: number, target: Uint8Array): number {
  const row = series(states, cell.layer, states.kinds.indexOf(cell.kind), cell.index), { high, low } = byteBounds(threshold);
  let both = 0, either = 0;
  for (let t = 0; t < row.length; t++) {
    const on = cell.sign === 1 ? row[t] >= high : row[t] <= low;
    both += on && target[t] === 1 ? 1 : 0;
    either += on || target[t] === 1 ? 1 : 0;
  }
  return either === 0 ? 0 : both / either;
}

/**
 * The spans where `cells` are on together — their mean signed value, in [−1, 1], is at least
 * ℓ, so that one weak cell does not hide a place — leaving out any that overlaps `skip`; the
 * places with the most of that value (length × strength) first, at most `count`.
 */
export function similarPlaces(states: CellStates, cells: SignedCell[], threshold: number, count = 20, skip?: Span): Place[] {
  if (cells.length === 0) return [];
  const rows = cells.map((c) => ({ row: series(states, c.layer, states.kinds.indexOf(c.kind), c.index), sign: c.sign }));
  const places: Place[] = [];
  let start = -1, sum = 0;
  for (let t = 0; t <= states.steps; t++) {
    let mean = -Infinity;
    if (t < states.steps) {
      mean = 0;
      for (const r of rows) mean += r.sign * (r.row[t] / 127.5 - 1);
      mean /= rows.length;
    }
    if (mean >= threshold) {
      if (start < 0) [start, sum] = [t, 0];
      sum += mean;
    } else if (start >= 0) {
      if (!skip || t <= skip.start || start >= skip.end) places.push({ start, end: t, strength: round(sum / (t - start)) });
      start = -1;
    }
  }
  const mass = (p: Place) => (p.end - p.start) * p.strength;
  return places.sort((a, b) => mass(b) - mass(a) || a.start - b.start).slice(0, count);
}

// A place is shown by its first characters.
const SNIPPET_CHARS = 60;

/** A place as people read it in `text` (`offsets`: textPositions.ts `unitOffsets` of it): its UTF-16 offset, line and column (from 1), first characters and strength. */
export function describePlace(text: string, offsets: Uint32Array, place: Place): { offset: number; line: number; column: number; text: string; strength: number } {
  const offset = offsets[place.start];
  return { offset, ...lineAndColumn(text, offset), text: text.slice(offset, offsets[place.end]).slice(0, SNIPPET_CHARS), strength: place.strength };
}

/** One cell's series over the file. */
function series(states: CellStates, layer: number, kind: number, index: number): Uint8Array {
  if (kind < 0) throw new RangeError(`these states keep ${states.kinds.join(', ')} only`);
  const T = states.steps, row = ((layer * states.kinds.length + kind) * states.hidden + index) * T;
  return states.values.subarray(row, row + T);
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
