// Cell discovery: read a sample of code with the model, label the same characters with
// tree-sitter, and rank every cell against every label (cellScores.ts). Files are read whole
// from a new document's state, in order, until the sample holds `maxChars` characters.
// Pure but for the labeler's grammar files: the engine worker and the CLI both call it.

import { documentStart } from '../model/inference';
import type { Model } from '../model/model';
import { traceKinds, type CellDiscovery } from '../protocol/engineProtocol';
import { cellType } from '../model/params';
import { scoreCells, type TraceValues } from './cellScores';
import { languageOfPath, type SyntaxLanguage } from './languages';
import type { CharacterLabels } from './labels';
import type { SyntaxLabeler } from './syntaxLabels';
import { traceText } from './trace';

// 60,000 characters: enough for stable scores (the paper's figures use a few thousand), a few
// seconds of reading for an H128 model.
export const DISCOVERY_CHARS = 60_000;

/** The files discovery reads: those with a grammar, held-out ones (unseen in training) first. */
export function discoveryFiles(files: { path: string; file: string; text: string; heldOut: boolean }[]): { file: string; text: string; language: SyntaxLanguage }[] {
  return [...files.filter((f) => f.heldOut), ...files.filter((f) => !f.heldOut)]
    .flatMap((f) => {
      const language = languageOfPath(f.path);
      return language ? [{ file: f.file, text: f.text, language }] : [];
    });
}

/** Ranks the model's cells on `files` (at most `maxChars` characters of them), keeping the `keep` best per label; `shouldStop` is asked between files. */
export async function discoverCells(
  model: Model, labeler: SyntaxLabeler, files: { text: string; language: SyntaxLanguage }[], maxChars: number, shouldStop = () => false, keep = 10,
): Promise<CellDiscovery | undefined> {
  const start = documentStart(model);
  const traces: TraceValues[] = [], labels: CharacterLabels[] = [];
  for (const { text, language } of sampleFiles(files, maxChars)) {
    if (shouldStop()) return undefined;
    const trace = traceText(model, model.vocabulary.encode(text), start, shouldStop);
    if (!trace) return undefined;
    traces.push(trace);
    labels.push(await labeler.labelCharacters(text, language));
  }
  const joined = joinTraces(traces, model);
  return { chars: joined.steps, files: traces.length, ranking: scoreCells(joined, joinLabels(labels), keep) };
}

/** The first `maxChars` characters of `files`, in order, the last file cut short: the sample discovery (and Find Similar) reads. */
export function sampleFiles<F extends { text: string }>(files: F[], maxChars: number): F[] {
  const sample: F[] = [];
  let chars = 0;
  for (const file of files) {
    if (chars >= maxChars) break;
    const kept = [...file.text].slice(0, maxChars - chars);
    sample.push({ ...file, text: kept.join('') });
    chars += kept.length;
  }
  return sample;
}

function joinTraces(traces: TraceValues[], model: Model): TraceValues {
  return { steps: traces.reduce((n, t) => n + t.steps, 0), layers: model.config.layers, hidden: model.config.hidden, kinds: traceKinds(cellType(model.config)), values: concat(traces.map((t) => t.values), Uint8Array) };
}

function joinLabels(labels: CharacterLabels[]): CharacterLabels {
  return {
    inIf: concat(labels.map((l) => l.inIf), Uint8Array), inComment: concat(labels.map((l) => l.inComment), Uint8Array),
    inString: concat(labels.map((l) => l.inString), Uint8Array), depth: concat(labels.map((l) => l.depth), Uint8Array),
    column: concat(labels.map((l) => l.column), Uint16Array),
  };
}

function concat<A extends Uint8Array | Uint16Array>(parts: A[], Type: { new (n: number): A }): A {
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p as never, at);
    at += p.length;
  }
  return out;
}
