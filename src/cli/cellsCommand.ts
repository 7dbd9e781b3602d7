// `cellscope cells MODEL DIR`: which cells of the model track if-statements, comments,
// strings, code depth and line position in DIR's code, as JSON.

import * as path from 'node:path';
import { discoverCells, discoveryFiles, DISCOVERY_CHARS } from '../inspect/cellDiscovery';
import { describeCell, namedCells } from '../inspect/cellScores';
import { LABELS } from '../protocol/engineProtocol';
import { bundledAssets, SyntaxLabeler } from '../inspect/syntaxLabels';
import { Arena } from '../model/arena';
import { modelFromCheckpoint } from '../model/model';
import { loadCheckpointFile } from '../files/checkpointFile';
import { readCorpus } from '../files/corpus';
import { numberFlag, parse, UsageError } from './args';

export const CELLS_HELP = `cellscope cells MODEL DIR [--chars ${DISCOVERY_CHARS}]
  Reads up to CHARS characters of DIR's C, C++, JavaScript, TypeScript, Python, Go, Rust and
  Java (held-out files first), labels them with tree-sitter and prints, for each label, the
  cells that track it best: {"named": {...}, "ranking": {label: [{layer, index, score, sign}]}}
  (score: ROC AUC for if/comment/string, |correlation| for depth/column; layers from 1).`;

export async function cellsCommand(args: string[], simd: Uint8Array | undefined): Promise<void> {
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
