// Beam search's cost against its length, printed as one JSON line: width-64 beams that never end
// early, of 1,000 to 10,000 characters, on a model of the default settings (or --model). Linear
// search costs the same per character at every length; the seconds for 10,000 are the issue's
// figure (#15: under 10 s).
//   usage: npm run bench:beam -- [--model FILE] [--width 64] [--lengths 1000,2000,5000,10000]

import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { beamSearch, runToMaxChars } from '../src/complete/beamSearch';
import { settingDefault } from '../src/config/settings';
import { loadCheckpointFile } from '../src/files/checkpointFile';
import { Arena } from '../src/model/arena';
import { createModel, modelFromCheckpoint } from '../src/model/model';
import { Vocabulary } from '../src/model/vocabulary';
import { Rng } from '../src/util/rng';
import { simdBuild } from '../src/util/simdKernels';

const { values: a } = parseArgs({ options: { model: { type: 'string' }, width: { type: 'string', default: '64' }, lengths: { type: 'string', default: '1000,2000,5000,10000' } } });
const arena = Arena.create(simdBuild(path.resolve(__dirname, '..', 'dist')));
const CODE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n{}()[];,.=+-*/<>!&|"\'#_:%';
const model = a.model
  ? modelFromCheckpoint(loadCheckpointFile(a.model), arena)
  : createModel(Vocabulary.fromText(CODE_CHARS), settingDefault('cellscope.training.hiddenSize'), settingDefault('cellscope.training.layers'), new Rng(1), arena);
const width = Number(a.width), seconds: Record<string, number> = {};
beamSearch(model, 'int ', { width, maxChars: 50, endsAt: runToMaxChars }); // warm-up
for (const chars of a.lengths!.split(',').map(Number)) {
  const t0 = performance.now();
  beamSearch(model, 'static int ', { width, maxChars: chars, endsAt: runToMaxChars });
  seconds[chars] = Math.round(performance.now() - t0) / 1000;
}
const msPerChar = Object.fromEntries(Object.entries(seconds).map(([n, s]) => [n, Math.round((s / Number(n)) * 1e5) / 100]));
console.log(JSON.stringify({ width, seconds, ms_per_char: msPerChar, hidden: model.config.hidden, layers: model.config.layers, vocab: model.config.vocab, kernels: arena.kernelName, cpu: os.cpus()[0]?.model }));
