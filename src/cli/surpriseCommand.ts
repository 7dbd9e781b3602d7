// `cellscope surprise MODEL FILE`: where the model is surprised by FILE, read from its start:
// its mean bits/char and its most surprising places, as JSON (the panel's surprise view).

import { Arena } from '../model/arena';
import { documentStart } from '../model/inference';
import { modelFromCheckpoint } from '../model/model';
import { loadCheckpointFile } from '../files/checkpointFile';
import { meanBits, surprisingPlaces } from '../inspect/surprise';
import { lineAndColumn, unitOffsets } from '../inspect/textPositions';
import { traceStates } from '../inspect/trace';
import { numberFlag, parse, readTextArgument } from './args';

export const SURPRISE_HELP = `cellscope surprise MODEL FILE [--places 10]
  Reads FILE from its start with the LSTM alone and prints {"chars", "bpc", "places": [{offset,
  line, column, char, bits}]}: its mean bits per character and the PLACES characters that
  surprised the model most (-log2 p), most surprising first, at least 8 characters apart.`;

export function surpriseCommand(args: string[], simd: Uint8Array | undefined): void {
  const p = parse('surprise', args, { places: { type: 'string' } }, ['MODEL', 'FILE']);
  const [modelFile, file] = p.positionals, text = readTextArgument(file, 'the file');
  const count = numberFlag(p, 'places', 10, 0, 10_000);
  const model = modelFromCheckpoint(loadCheckpointFile(modelFile), Arena.create(simd));
  const { surprise } = traceStates(model, model.vocabulary.encode(text), documentStart(model), [])!, offsets = unitOffsets(text);
  const places = surprisingPlaces(surprise, count).map(({ index, bits }) => {
    const offset = offsets[index];
    return { offset, ...lineAndColumn(text, offset), char: String.fromCodePoint(text.codePointAt(offset)!), bits: Math.round(bits * 1e3) / 1e3 };
  });
  console.log(JSON.stringify({ chars: surprise.length, bpc: Math.round(meanBits(surprise) * 1e4) / 1e4, places }));
}
