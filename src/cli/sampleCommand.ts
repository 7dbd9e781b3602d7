// `cellscope sample MODEL`: text drawn from the model, character by character, at a temperature.

import { Arena } from '../model/arena';
import { modelFromCheckpoint } from '../model/model';
import { sampleText } from '../model/sampler';
import { Rng } from '../util/rng';
import { loadCheckpointFile } from '../files/checkpointFile';
import { numberFlag, parse, stringFlag } from './args';

export const SAMPLE_HELP = `cellscope sample MODEL [--prime TEXT] [--temperature 0.8] [--length 400] [--seed N] [--no-cache]
  Prints TEXT followed by LENGTH sampled characters (lower temperature: safer, duller), from the
  model as completions use it (the text so far is its document cache), or the LSTM alone with --no-cache.`;

export function sampleCommand(args: string[], simd: Uint8Array | undefined): void {
  const p = parse('sample', args, {
    prime: { type: 'string' }, temperature: { type: 'string' }, length: { type: 'string' }, seed: { type: 'string' }, 'no-cache': { type: 'boolean' },
  }, ['MODEL']);
  const prime = stringFlag(p, 'prime') ?? '\n'; // training joins files by newlines: a natural start
  const temperature = numberFlag(p, 'temperature', 0.8, 1e-3, 100, false);
  const length = numberFlag(p, 'length', 400, 0, 1_000_000);
  const rng = new Rng(numberFlag(p, 'seed', Date.now() % 2 ** 32, 0, 2 ** 32 - 1));
  const model = modelFromCheckpoint(loadCheckpointFile(p.positionals[0]), Arena.create(simd));
  process.stdout.write(prime + sampleText(model, prime === '' ? '\n' : prime, length, temperature, rng, !p.values['no-cache']) + '\n');
}
