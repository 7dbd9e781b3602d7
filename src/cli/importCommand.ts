// `cellscope import IN.safetensors --out MODEL`: a model from PyTorch (files/modelExchange.ts),
// checked as a model file is, then saved atomically: MODEL is untouched when anything is wrong.

import { importModel } from '../files/modelExchange';
import { replaceModelFile } from '../files/modelLock';
import { readRegularFile } from '../files/regularFile';
import { parse, stringFlag, UsageError } from './args';

export const IMPORT_HELP = `cellscope import IN.safetensors --out MODEL
  Reads a model that "cellscope export" or the PyTorch trainer wrote (F32, F16 or BF16) and
  saves it as MODEL, replacing it only once the new one is whole.`;

// A safetensors file of the largest model the engine holds, with its moments, and more.
const MAX_BYTES = 2 ** 31 - 1;

export function importCommand(args: string[]): void {
  const p = parse('import', args, { out: { type: 'string' } }, ['IN']);
  const out = stringFlag(p, 'out') ?? (() => { throw new UsageError('cellscope import needs --out MODEL, the model file to write.'); })();
  const [file] = p.positionals;
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(file, MAX_BYTES);
  } catch (err) {
    throw new UsageError(`${file}: cannot read it (${(err as Error).message}).`);
  }
  const cp = importModel(bytes, file);
  replaceModelFile(out, cp);
  console.log(`wrote ${out}: ${cp.config.layers} layers of ${cp.config.hidden} cells, ${cp.config.vocab - 1} characters`);
}
