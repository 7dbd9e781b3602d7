// Gathering the training text: the source-like files under a folder, honouring every
// .gitignore in the tree (with the `ignore` package, which implements git's rules), and
// skipping what would teach the model nothing or should never reach it: binary files (a NUL
// byte), files over the size cap, dependency and VCS folders. Invalid UTF-8 is decoded with
// replacement characters and counted. One file in ten is held out for evaluation, chosen by a
// CRC-32 of its relative path, as the PyTorch reference chooses them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { crc32 } from '../util/crc32';

// Extensions of files that hold source code (the model learns code, not data or prose).
const SOURCE_EXTENSIONS = new Set([
  'c', 'h', 'cc', 'cpp', 'cxx', 'hh', 'hpp', 'hxx', 'inl', 'cu', 'm', 'mm',
  'js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts', 'vue', 'svelte',
  'py', 'pyi', 'go', 'rs', 'java', 'kt', 'kts', 'scala', 'swift', 'cs', 'fs', 'rb', 'php',
  'lua', 'pl', 'pm', 'sh', 'bash', 'zsh', 'ps1', 'r', 'jl', 'hs', 'ml', 'mli', 'ex', 'exs',
  'erl', 'clj', 'el', 'lisp', 'scm', 'sql', 'zig', 'nim', 'dart', 'css', 'scss', 'less', 'html',
  's', 'asm', 'cmake', 'mk',
]);
const SOURCE_NAMES = new Set(['Makefile', 'Kbuild', 'Kconfig', 'CMakeLists.txt', 'Dockerfile']);
// Never descended into, whatever .gitignore says.
const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', '.cellscope']);

export const DEFAULT_MAX_FILE_BYTES = 1_000_000;

export interface CorpusFile {
  path: string; // relative to the corpus root, '/'-separated
  text: string;
  heldOut: boolean;
}

export interface CorpusSkips {
  binary: number;
  tooLarge: number;
  invalidUtf8: number; // decoded with replacement, still used
}

export interface Corpus {
  root: string;
  files: CorpusFile[]; // sorted by path
  skipped: CorpusSkips;
}

/** A problem with the folder that the user must fix (shown as one sentence). */
export class CorpusError extends Error {
  override name = 'CorpusError';
}

export function isHeldOut(relativePath: string): boolean {
  return crc32(Buffer.from(relativePath, 'utf8')) % 10 === 0;
}

function isSourceFile(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return SOURCE_NAMES.has(name) || (dot > 0 && SOURCE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase()));
}

/** Reads the corpus under `root`. Throws CorpusError when the folder is missing or has no usable file. */
export function readCorpus(root: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): Corpus {
  const absRoot = path.resolve(root);
  if (!fs.existsSync(absRoot) || !fs.statSync(absRoot).isDirectory()) {
    throw new CorpusError(`${root} is not a folder; give the folder of source files to learn from.`);
  }
  const files: CorpusFile[] = [];
  const skipped: CorpusSkips = { binary: 0, tooLarge: 0, invalidUtf8: 0 };
  const strict = new TextDecoder('utf-8', { fatal: true }), lenient = new TextDecoder('utf-8');
  // Each .gitignore applies to paths relative to its own folder.
  const walk = (dir: string, rules: { base: string; ig: Ignore }[]): void => {
    const gitignore = path.join(dir, '.gitignore');
    if (fs.existsSync(gitignore)) rules = [...rules, { base: dir, ig: ignore().add(fs.readFileSync(gitignore, 'utf8')) }];
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name), isDir = e.isDirectory();
      if (!isDir && !e.isFile()) continue; // symlinks, sockets: not followed
      if (isDir && SKIPPED_FOLDERS.has(e.name)) continue;
      const ignored = rules.some((r) => r.ig.ignores(path.relative(r.base, full).split(path.sep).join('/') + (isDir ? '/' : '')));
      if (ignored) continue;
      if (isDir) {
        walk(full, rules);
        continue;
      }
      if (!isSourceFile(e.name)) continue;
      if (fs.statSync(full).size > maxFileBytes) {
        skipped.tooLarge++;
        continue;
      }
      const bytes = fs.readFileSync(full);
      if (bytes.includes(0)) {
        skipped.binary++;
        continue;
      }
      let text: string;
      try {
        text = strict.decode(bytes);
      } catch {
        text = lenient.decode(bytes);
        skipped.invalidUtf8++;
      }
      const rel = path.relative(absRoot, full).split(path.sep).join('/');
      files.push({ path: rel, text, heldOut: isHeldOut(rel) });
    }
  };
  walk(absRoot, []);
  if (files.every((f) => f.text.length === 0)) {
    throw new CorpusError(`${root} has no usable source files (looked for code such as .c, .ts, .py; skipped ${skipped.binary} binary and ${skipped.tooLarge} over ${maxFileBytes} bytes).`);
  }
  return { root: absRoot, files, skipped };
}

/**
 * The training and held-out texts: files joined by newlines, as the reference joins them. A
 * corpus whose every file falls in the held-out tenth (a tiny one) trains on all of them and
 * has no held-out text.
 */
export function splitText(corpus: Corpus): { train: string; heldOut: string } {
  const join = (files: CorpusFile[]) => files.map((f) => f.text).join('\n');
  const train = corpus.files.filter((f) => !f.heldOut);
  if (train.length === 0) return { train: join(corpus.files), heldOut: '' };
  return { train: join(train), heldOut: join(corpus.files.filter((f) => f.heldOut)) };
}
