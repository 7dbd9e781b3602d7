// Per-character syntax labels from tree-sitter: for each code point of a text, whether it lies
// in an if-statement, a comment or a string, how deeply blocks nest around it, and its column.
// These are the properties Karpathy, Johnson & Fei-Fei found LSTM cells tracking; cell
// discovery scores cells against them. The grammars load once per labeler (web-tree-sitter
// runs them as WebAssembly); every tree is deleted by the call that made it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import type { CharacterLabels } from './labels';
import { GRAMMARS, type SyntaxLanguage } from './languages';

/** Where the labeler finds its files: web-tree-sitter.wasm and the grammars, and the queries. */
export interface SyntaxAssets {
  wasm: (file: string) => string;
  query: (language: SyntaxLanguage) => string;
}

/** The assets as the packaged extension (or the built CLI) holds them, under its root folder. */
export function bundledAssets(root: string): SyntaxAssets {
  return { wasm: (file) => path.join(root, 'dist', 'grammars', file), query: (language) => path.join(root, 'syntaxes', `${language}.scm`) };
}

export class SyntaxLabeler {
  private readonly loaded = new Map<SyntaxLanguage, Promise<{ language: Language; query: Query }>>();

  private constructor(private readonly assets: SyntaxAssets, private readonly parser: Parser) {}

  static async create(assets: SyntaxAssets): Promise<SyntaxLabeler> {
    await Parser.init({ locateFile: (file: string) => assets.wasm(file) });
    return new SyntaxLabeler(assets, new Parser());
  }

  /** The labels of `text` read as `language`. */
  async labelCharacters(text: string, language: SyntaxLanguage): Promise<CharacterLabels> {
    const { language: grammar, query } = await this.grammar(language);
    this.parser.setLanguage(grammar);
    const tree = this.parser.parse(text);
    if (!tree) throw new Error(`tree-sitter could not parse the text as ${language}`);
    // Difference arrays over UTF-16 offsets: +1 where a capture starts, −1 where it ends.
    const units = text.length;
    const diff = { if: new Int32Array(units + 1), comment: new Int32Array(units + 1), string: new Int32Array(units + 1), block: new Int32Array(units + 1) };
    try {
      for (const { name, node } of query.captures(tree.rootNode)) {
        const d = diff[name as keyof typeof diff];
        d[node.startIndex]++;
        d[node.endIndex]--;
      }
    } finally {
      tree.delete();
    }
    return toCodePoints(text, diff);
  }

  /**
   * What syntax kind the selection [start, end) (UTF-16 offsets) is an instance of: the smallest
   * named node around it, when the selection covers at least half of it or it is a token (a
   * comment, a string's text), a larger node told apart by its parent's kind; with every instance of that kind in
   * `text` marked (T: one per code point). Undefined when the selection is no such node.
   */
  async selectionKind(text: string, language: SyntaxLanguage, start: number, end: number): Promise<{ kind: string; instances: number; mask: Uint8Array } | undefined> {
    const { language: grammar } = await this.grammar(language);
    this.parser.setLanguage(grammar);
    const tree = this.parser.parse(text);
    if (!tree) throw new Error(`tree-sitter could not parse the text as ${language}`);
    try {
      const node = tree.rootNode.namedDescendantForIndex(start, Math.max(start, end - 1));
      if (!node || node.id === tree.rootNode.id || (node.namedChildCount > 0 && 2 * (end - start) < node.endIndex - node.startIndex)) return undefined;
      // A token (a comment, a string's text) is the same kind wherever it is; a larger node is told apart by its parent (an if's condition from a call's).
      const parentType = node.namedChildCount > 0 ? node.parent?.type : undefined;
      const instances = tree.rootNode.descendantsOfType(node.type).filter((n) => parentType === undefined || n.parent?.type === parentType);
      const diff = new Int32Array(text.length + 1);
      for (const n of instances) {
        diff[n.startIndex]++;
        diff[n.endIndex]--;
      }
      return { kind: parentType ? `${node.type} in ${parentType}` : node.type, instances: instances.length, mask: codePointMask(text, diff) };
    } finally {
      tree.delete();
    }
  }

  private grammar(language: SyntaxLanguage): Promise<{ language: Language; query: Query }> {
    let loading = this.loaded.get(language);
    if (!loading) {
      loading = Language.load(this.assets.wasm(GRAMMARS[language].wasm)).then((grammar) => ({
        language: grammar, query: new Query(grammar, fs.readFileSync(this.assets.query(language), 'utf8')),
      }));
      this.loaded.set(language, loading);
    }
    return loading;
  }
}

function toCodePoints(text: string, diff: Record<'if' | 'comment' | 'string' | 'block', Int32Array>): CharacterLabels {
  const n = [...text].length;
  const labels: CharacterLabels = { inIf: new Uint8Array(n), inComment: new Uint8Array(n), inString: new Uint8Array(n), depth: new Uint8Array(n), column: new Uint16Array(n) };
  let inIf = 0, inComment = 0, inString = 0, depth = 0, column = 0, k = 0;
  for (let u = 0; u < text.length; u++) {
    inIf += diff.if[u];
    inComment += diff.comment[u];
    inString += diff.string[u];
    depth += diff.block[u];
    const code = text.charCodeAt(u);
    if (isLowSurrogate(code) && isHighSurrogate(text.charCodeAt(u - 1))) continue; // the second half of a pair: labelled with the first
    labels.inIf[k] = inIf > 0 ? 1 : 0;
    labels.inComment[k] = inComment > 0 ? 1 : 0;
    labels.inString[k] = inString > 0 ? 1 : 0;
    labels.depth[k] = Math.min(255, depth);
    labels.column[k] = Math.min(65_535, column);
    column = code === 10 ? 0 : column + 1;
    k++;
  }
  return labels;
}

/** 1 for each code point inside a span of `diff` (+1 where a span starts, −1 where it ends, over UTF-16 offsets). */
function codePointMask(text: string, diff: Int32Array): Uint8Array {
  const mask = new Uint8Array([...text].length);
  let inside = 0, k = 0;
  for (let u = 0; u < text.length; u++) {
    inside += diff[u];
    if (isLowSurrogate(text.charCodeAt(u)) && isHighSurrogate(text.charCodeAt(u - 1))) continue;
    mask[k++] = inside > 0 ? 1 : 0;
  }
  return mask;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
