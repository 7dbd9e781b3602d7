// The syntax labeler's assets as the sources have them: grammars in node_modules, queries in
// syntaxes/ (the bundle has them in dist/grammars instead).

import * as path from 'node:path';
import { GRAMMARS, type SyntaxLanguage } from '../../src/inspect/languages';
import type { SyntaxAssets } from '../../src/inspect/syntaxLabels';

const ROOT = path.resolve(__dirname, '..', '..');

export const SOURCE_ASSETS: SyntaxAssets = {
  wasm: (file: string) => {
    const grammar = Object.values(GRAMMARS).find((g) => g.wasm === file);
    return path.join(ROOT, 'node_modules', grammar ? grammar.npmPackage : 'web-tree-sitter', file);
  },
  query: (language: SyntaxLanguage) => path.join(ROOT, 'syntaxes', `${language}.scm`),
};
