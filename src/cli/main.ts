#!/usr/bin/env node
// The `cellscope` command line: the engine without VS Code, for scripting, benchmarks and CI.
// Problems the user can fix (a bad folder, a bad model file, a mistyped flag) end with exit
// status 2 and one sentence; anything else is a bug and shows its stack.

import { simdBuild } from '../util/simdKernels';
import { UserError } from '../util/userError';
import { BENCH_HELP, benchCommand } from './benchCommand';
import { CELLS_HELP, cellsCommand } from './cellsCommand';
import { COMPLETE_HELP, completeCommand } from './completeCommand';
import { CORPUS_HELP, corpusCommand } from './corpusCommand';
import { EVAL_HELP, evalCommand } from './evalCommand';
import { EXPORT_HELP, exportCommand } from './exportCommand';
import { IMPORT_HELP, importCommand } from './importCommand';
import { SAMPLE_HELP, sampleCommand } from './sampleCommand';
import { SCORE_HELP, scoreCommand } from './scoreCommand';
import { SURPRISE_HELP, surpriseCommand } from './surpriseCommand';
import { TRAIN_HELP, trainCommand } from './trainCommand';

const COMMANDS: Record<string, { help: string; run: (args: string[], simd: Uint8Array | undefined) => void | Promise<void> }> = {
  train: { help: TRAIN_HELP, run: trainCommand },
  eval: { help: EVAL_HELP, run: evalCommand },
  sample: { help: SAMPLE_HELP, run: sampleCommand },
  complete: { help: COMPLETE_HELP, run: completeCommand },
  score: { help: SCORE_HELP, run: scoreCommand },
  cells: { help: CELLS_HELP, run: cellsCommand },
  surprise: { help: SURPRISE_HELP, run: surpriseCommand },
  bench: { help: BENCH_HELP, run: benchCommand },
  export: { help: EXPORT_HELP, run: exportCommand },
  import: { help: IMPORT_HELP, run: importCommand },
  corpus: { help: CORPUS_HELP, run: corpusCommand },
};

const USAGE = `Cellscope: a character-level LSTM that learns your code.\n\n${Object.values(COMMANDS).map((c) => c.help).join('\n\n')}\n`;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`cellscope: unknown command "${name}"; the commands are ${Object.keys(COMMANDS).join(', ')}.\n`);
    return 2;
  }
  if (args.includes('--help')) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  try {
    await command.run(args, simdBuild(__dirname)); // dist/cli.js sits beside dist/simd*.wasm
    return 0;
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`cellscope ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
