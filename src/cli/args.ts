// Command-line parsing for the CLI: node's parseArgs, plus checked numbers. Every mistake is a
// UsageError with one sentence that says what to type instead.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FileRefusal, readRegularFile } from '../files/regularFile';
import { CELL_TYPES, type CellType } from '../model/params';
import { UserError } from '../util/userError';

export class UsageError extends UserError {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

export function parse(command: string, args: string[], options: Options, positionals: string[]): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (cellscope ${command} --help lists the options).`);
  }
  if (parsed.positionals.length !== positionals.length) {
    throw new UsageError(`cellscope ${command} takes ${positionals.join(' ') || 'no arguments'}; got ${parsed.positionals.length} argument(s).`);
  }
  return parsed;
}

/** A numeric flag: absent gives `fallback`; otherwise it must be a number within [min, max]. */
export function numberFlag(p: Parsed, name: string, fallback: number, min: number, max = Infinity, integer = true): number {
  const raw = p.values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new UsageError(`--${name} must be ${kind} from ${min}${max === Infinity ? ' up' : ` to ${max}`}; got "${String(raw)}".`);
  }
  return value;
}

export function stringFlag(p: Parsed, name: string): string | undefined {
  const raw = p.values[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** A --cell value: one of the cell types, or a UsageError naming them. */
export function cellFlag(value: string): CellType {
  if (!(CELL_TYPES as readonly string[]).includes(value)) throw new UsageError(`--cell is ${JSON.stringify(value)}; it must be one of ${CELL_TYPES.join(', ')}.`);
  return value as CellType;
}

// A text file named on the command line is read up to this size.
const MAX_TEXT_BYTES = 64 * 2 ** 20;

/** The UTF-8 text of a file named on the command line (`what`: "the prefix file"). */
export function readTextArgument(file: string, what: string): string {
  try {
    return readRegularFile(file, MAX_TEXT_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof FileRefusal) throw new UsageError(`cannot read ${what} ${file}: ${err.reason}.`);
    throw err;
  }
}
