// Cells for a selection, measured through the engine worker as the extension drives it, on the
// kernel: (1) select the inside of block comments of held-out files: how often the first cell
// fits the file's comments at IoU ≥ 0.8; (2) select the condition of if statements: how often
// the cell that discovery names for if-statements is among the first five; (3) the times on
// about 1 MB of kernel C: tracing it once, then a selection, a new threshold, Find Similar.
// Prints one JSON line.
//   usage: npm run bench:select -- [--model .cellscope/kernel-h128-10min.cellscope] [--corpus .cellscope/kernel] [--selections 40]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { EngineClient } from '../src/engine/engineClient';
import { readCorpus } from '../src/files/corpus';
import { namedCells } from '../src/inspect/cellScores';
import type { SelectionCell, SelectionRequest } from '../src/protocol/engineProtocol';
import { loadCheckpointFile } from '../src/files/checkpointFile';
import { documentStates, findSelectionCells } from '../src/inspect/selectionCells';
import { bundledAssets, SyntaxLabeler } from '../src/inspect/syntaxLabels';
import { codePointIndex, unitOffsets } from '../src/inspect/textPositions';
import { Arena } from '../src/model/arena';
import { modelFromCheckpoint } from '../src/model/model';
import { simdBuild } from '../src/util/simdKernels';
import { latencyFiles } from './latencyFiles';

const ROOT = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const { values: a } = parseArgs({ options: {
    model: { type: 'string', default: '.cellscope/kernel-h128-10min.cellscope' }, corpus: { type: 'string', default: '.cellscope/kernel' }, selections: { type: 'string', default: '40' },
  } });
  const corpusDir = path.resolve(a.corpus!), modelPath = path.resolve(a.model!), count = Number(a.selections);
  if (!fs.existsSync(modelPath)) {
    console.error(`No model at ${modelPath}. Train one on the kernel first (10 minutes, the default size), for example:\n  bash scripts/corpus.sh kernel ${a.corpus}\n  node dist/cli.js train ${a.corpus} --out ${a.model} --seconds 600`);
    process.exit(2);
  }
  const corpus = await readCorpus(corpusDir), workspace = { folders: [{ path: corpusDir, include: [], exclude: [], maxFileBytes: 1_000_000 }] };
  const engine = await EngineClient.start(() => new Worker(path.join(ROOT, 'dist', 'engineWorker.js'), { workerData: { root: ROOT } }));
  await engine.load(modelPath, workspace);
  const named = namedCells((await engine.discoverCells(workspace)).ranking), ifCell = named.find((c) => c.label === 'if')!;
  // The goals, on held-out files, with the pure parts the engine runs: each ranking (ROC AUC for
  // the selection's kind, as shipped; IoU at ℓ = 0.3, as LSTMVis) from the same candidates.
  const model = modelFromCheckpoint(loadCheckpointFile(modelPath), Arena.create(simdBuild(path.join(ROOT, 'dist'))));
  const labeler = await SyntaxLabeler.create(bundledAssets(ROOT));
  const byIou = (cells: SelectionCell[]) => [...cells].sort((x, y) => y.iou - x.iou);
  const rankings = { auc: (cells: SelectionCell[]) => cells, iou: byIou };
  const comments = { auc: [] as number[], iou: [] as number[] }, conditions = { auc: [] as boolean[], iou: [] as boolean[] };
  const candidates = async (text: string, start: number, end: number) => {
    const states = documentStates(model, text)!, offsets = unitOffsets(text), kind = await labeler.selectionKind(text, 'c', start, end);
    return findSelectionCells(states, { start: codePointIndex(offsets, start), end: codePointIndex(offsets, end) }, 0.3, kind?.mask, Infinity);
  };
  for (const file of corpus.files.filter((f) => f.heldOut && f.path.endsWith('.c'))) {
    // The inside of the first block comment of 40 characters or more, and the first if's condition.
    const comment = /\/\*((?:(?!\*\/)[^]){40,}?)\*\//.exec(file.text), condition = /\bif (\([^\n]*\))\s*\n/.exec(file.text);
    if (comment && comments.auc.length < count) {
      const cells = await candidates(file.text, comment.index + 2, comment.index + 2 + comment[1].length);
      for (const [name, rank] of Object.entries(rankings)) comments[name as 'auc'].push(rank(cells)[0]?.iou ?? 0);
    }
    if (condition && conditions.auc.length < count) {
      const cells = await candidates(file.text, condition.index + 3, condition.index + 3 + condition[1].length);
      for (const [name, rank] of Object.entries(rankings)) conditions[name as 'auc'].push(rank(cells).slice(0, 5).some((c) => c.layer === ifCell.layer && c.index === ifCell.index && c.kind === 'cell'));
    }
  }

  const { large } = latencyFiles(corpus.files.map((f) => f.text));
  const uri = 'large', timed = async <T>(work: () => Promise<T>) => {
    const t0 = performance.now();
    const value = await work();
    return { ms: Math.round(performance.now() - t0), value };
  };
  const version = 1;
  engine.didOpen(uri, version, large);
  const at = (needle: string, from: number) => large.indexOf(needle, from);
  const first = at('/*', large.length >> 2) + 2, second = at('/*', large.length >> 1) + 2;
  const request = (start: number, end: number, threshold: number): SelectionRequest => ({ uri, version, length: large.length, start, end, languageId: 'c', threshold });
  const traced = await timed(() => engine.findCells(request(first, at('*/', first), 0.3)));
  const again = await timed(() => engine.findCells(request(second, at('*/', second), 0.3)));
  const threshold = await timed(() => engine.findCells(request(second, at('*/', second), 0.5)));
  const cells = again.value.cells.slice(0, 3).map(({ layer, index, kind, sign }) => ({ layer, index, kind, sign }));
  const similar = await timed(() => engine.findSimilar({ ...request(second, at('*/', second), 0.3), cells, workspace }));
  await engine.dispose();
  const share = (xs: boolean[]) => Math.round((xs.filter(Boolean).length / Math.max(1, xs.length)) * 1000) / 1000;
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  console.log(JSON.stringify({
    model: a.model, if_cell: `L${ifCell.layer + 1}#${ifCell.index}`,
    comments: Object.fromEntries(Object.entries(comments).map(([name, ious]) => [`ranked_by_${name}`, { selections: ious.length, first_cell_iou_at_least_0_8: share(ious.map((x) => x >= 0.8)), median_first_cell_iou: median(ious) }])),
    if_conditions: Object.fromEntries(Object.entries(conditions).map(([name, hits]) => [`ranked_by_${name}`, { selections: hits.length, named_if_cell_in_top_5: share(hits) }])),
    one_megabyte: {
      chars: large.length, searched: traced.value.searched, trace_and_find_ms: traced.ms, find_ms: again.ms, new_threshold_ms: threshold.ms,
      find_similar_ms: similar.ms, places: similar.value.inFile.length + similar.value.inWorkspace.length,
    },
    cpu: os.cpus()[0]?.model,
  }));
}

void main();
