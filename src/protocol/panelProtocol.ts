// The messages between the extension host and the activation panel's webview (media/). The
// webview is an untrusted view: it receives data only (the code as a string, values as typed
// arrays) and writes text with textContent, never HTML. It opens with `ready`.

import type { CellType } from '../model/params';
import { CELL_REF, SIGNED_CELL, type CellRef, type LabelName, type SelectionCell, type SignedCell } from './engineProtocol';
import { listOf, number, oneOf, whole, type UnionShapes } from './messageShape';

/** A cell named for the label it tracks best, as the panel lists it. */
export interface NamedCell {
  label: LabelName;
  title: string; // "if-statement cell"
  layer: number; // from 0
  index: number;
  score: number;
  measure: 'AUC' | '|r|';
}

/** A place the panel lists as a link: in the file shown ("line 12") or in a workspace file ("src/a.c:12"). */
export interface PlaceLink {
  label: string;
  text: string; // its first characters
  strength: number;
}

export type HostToPanel =
  /** Host: there is nothing to show, and why (no model, no editor, a binary file…). */
  | { type: 'showMessage'; text: string }
  /** Host: the model's shape, its named cells (empty while discovery runs) and the cell shown. */
  | { type: 'showCells'; cellType: CellType; layers: number; hidden: number; named: NamedCell[]; status: string; cell: CellRef }
  /** Host: a stretch of the active editor's text coloured by one cell. */
  | {
      type: 'showText'; fileName: string; text: string; start: number; // UTF-16 offset of text in the document
      line: number; // the document's line (from 0) where text starts
      cell: CellRef; values: Float32Array; topIds: Uint16Array; topProbs: Float32Array; surprise: Float32Array; vocabulary: string[]; saturation: Float32Array;
      note: string; // e.g. why only part of the file is shown; '' when all of it is
    }
  /** Host: the cells on in the editor's selection, best first, and how they were ranked. */
  | { type: 'showFound'; title: string; ranking: string; threshold: number; cells: SelectionCell[]; byKind: boolean }
  /** Host: where the chosen cells are on together, strongest first. */
  | { type: 'showSimilar'; inFile: PlaceLink[]; inWorkspace: PlaceLink[]; status: string };

export type PanelToHost =
  /** Webview: loaded and listening. */
  | { type: 'ready' }
  /** Webview: the user picked a cell (or a gate of one). */
  | { type: 'pickCell'; cell: CellRef }
  /** Webview: the user clicked a character: show it in the editor (UTF-16 offset in the document). */
  | { type: 'reveal'; offset: number }
  /** Webview: find the cells for the editor's selection (or the last one) at threshold ℓ. */
  | { type: 'findCells'; threshold: number }
  /** Webview: list where these cells are on together. */
  | { type: 'findSimilar'; cells: SignedCell[] }
  /** Webview: open the index-th place of the last list (`inFile` or `inWorkspace`). */
  | { type: 'openPlace'; list: 'inFile' | 'inWorkspace'; index: number };

/** What the panel's host accepts from the webview (an untrusted view); the model's bounds are the engine's to check. */
export const PANEL_TO_HOST: UnionShapes<PanelToHost> = {
  ready: {},
  pickCell: { cell: CELL_REF },
  reveal: { offset: whole() },
  findCells: { threshold: number(0, 1) },
  findSimilar: { cells: listOf(SIGNED_CELL) },
  openPlace: { list: oneOf(['inFile', 'inWorkspace']), index: whole() },
};
