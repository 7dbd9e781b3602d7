// `cellscope cells MODEL DIR`: which cells of the model track if-statements, comments,
// strings, code depth and line position in DIR's code, as JSON; `cellscope cells MODEL FILE
// --select START:END`: which cells are on in that part of FILE (selectionCells.ts), as JSON.

import * as path from 'node:path';
import { discoverCells, discoveryFiles, DISCOVERY_CHARS } from '../inspect/cellDiscovery';
import { describeCell, namedCells } from '../inspect/cellScores';
import { DEFAULT_THRESHOLD, LABELS } from '../protocol/engineProtocol';
import { bundledAssets, SyntaxLabeler } from '../inspect/syntaxLabels';
import { Arena } from '../model/arena';
import { modelFromCheckpoint } from '../model/model';
import { loadCheckpointFile } from '../files/checkpointFile';
import { readCorpus } from '../files/corpus';
import { describePlace, documentStates, findSelectionCells, similarPlaces } from '../inspect/selectionCells';
import { languageOfPath } from '../inspect/languages';
import { codePointIndex, unitOffsets } from '../inspect/textPositions';
import { numberFlag, parse, readTextArgument, stringFlag, UsageError } from './args';

export const CELLS_HELP = `cellscope cells MODEL DIR [--chars ${DISCOVERY_CHARS}]
  Reads up to CHARS characters of DIR's C, C++, JavaScript, TypeScript, Python, Go, Rust and
  Java (held-out files first), labels them with tree-sitter and prints, for each label, the
  cells that track it best: {"named": {...}, "ranking": {label: [{layer, index, score, sign}]}}
  (score: ROC AUC for if/comment/string, |correlation| for depth/column; layers from 1).
cellscope cells MODEL FILE --select START:END [--threshold ${DEFAULT_THRESHOLD}]
  Reads FILE from its start and ranks the cells (the state, tanh(c) or h, or a gate, read in
  [-1, 1]) for the characters START to END (UTF-16 offsets, as editors count). When they are
  an instance of a syntax kind ("kind": a comment, an if's condition), every cell by its ROC
  AUC for that kind over FILE (fit), with the intersection over union of where it is on (at
  least THRESHOLD, or at most -THRESHOLD for sign -1) with the kind (iou); otherwise the cells
  on inside them by their IoU with them within a window around them (local). Prints the best
  20 and where the best three are on together elsewhere in FILE: {"kind", "searched", "threshold", "cells":
  [{layer, index, kind, sign, fit, iou, local}], "similar": [{offset, line, column, text, strength}]}.`;

export async function cellsCommand(args: string[], simd: Uint8Array | undefined): Promise<void> {
  if (args.includes('--select')) return selectionCommand(args, simd);
  const p = parse('cells', args, { chars: { type: 'string' } }, ['MODEL', 'DIR']);
  const maxChars = numberFlag(p, 'chars', DISCOVERY_CHARS, 100, 100_000_000);
  const model = modelFromCheckpoint(loadCheckpointFile(p.positionals[0]), Arena.create(simd));
  const files = discoveryFiles((await readCorpus(p.positionals[1])).files);
  if (files.length === 0) throw new UsageError(`${p.positionals[1]} has no files in a language Cellscope can label (C, C++, JavaScript, TypeScript, Python, Go, Rust, Java).`);
  // The CLI runs as dist/cli.js: the package root is one folder up.
  const labeler = await SyntaxLabeler.create(bundledAssets(path.resolve(__dirname, '..')));
  const found = (await discoverCells(model, labeler, files, maxChars))!;
  const named = Object.fromEntries(namedCells(found.ranking).map((cell) => [cell.label, describeCell(cell)]));
  const ranking = Object.fromEntries(LABELS.map((label) => [label, found.ranking[label].map((c) => ({ ...c, layer: c.layer + 1 }))]));
  console.log(JSON.stringify({ chars: found.chars, files: found.files, named, ranking }));
}

async function selectionCommand(args: string[], simd: Uint8Array | undefined): Promise<void> {
  const p = parse('cells', args, { select: { type: 'string' }, threshold: { type: 'string' } }, ['MODEL', 'FILE']);
  const [modelFile, file] = p.positionals, text = readTextArgument(file, 'the file');
  const match = /^(\d+):(\d+)$/.exec(stringFlag(p, 'select') ?? '');
  const [start, end] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(start < end && end <= text.length)) throw new UsageError(`--select takes START:END, UTF-16 offsets with START < END <= ${text.length} (the length of ${file}); got "${stringFlag(p, 'select')}".`);
  const threshold = numberFlag(p, 'threshold', DEFAULT_THRESHOLD, 0, 1, false);
  const model = modelFromCheckpoint(loadCheckpointFile(modelFile), Arena.create(simd));
  const states = documentStates(model, text)!, offsets = unitOffsets(text);
  const selection = { start: codePointIndex(offsets, start), end: codePointIndex(offsets, end) };
  const language = languageOfPath(file);
  const kind = language && (await (await SyntaxLabeler.create(bundledAssets(path.resolve(__dirname, '..')))).selectionKind(text, language, start, end));
  const cells = findSelectionCells(states, selection, threshold, kind?.mask);
  const similar = similarPlaces(states, cells.slice(0, 3), threshold, 20, selection).map((place) => describePlace(text, offsets, place));
  console.log(JSON.stringify({
    kind: kind ? { kind: kind.kind, instances: kind.instances } : null, searched: states.kinds, threshold,
    cells: cells.map((c) => ({ ...c, layer: c.layer + 1 })), similar,
  }));
}
