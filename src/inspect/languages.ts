// The languages Cellscope labels with tree-sitter: each one's grammar (.wasm from its npm
// package, copied to dist/grammars by esbuild.js) and query (syntaxes/<language>.scm), and how
// a VS Code language id or a file name maps to one.

export type SyntaxLanguage = 'c' | 'cpp' | 'javascript' | 'typescript' | 'tsx' | 'python' | 'go' | 'rust' | 'java';

/** The grammar file of each language, as its npm package ships it. */
export const GRAMMARS: Record<SyntaxLanguage, { npmPackage: string; wasm: string }> = {
  c: { npmPackage: 'tree-sitter-c', wasm: 'tree-sitter-c.wasm' },
  cpp: { npmPackage: 'tree-sitter-cpp', wasm: 'tree-sitter-cpp.wasm' },
  javascript: { npmPackage: 'tree-sitter-javascript', wasm: 'tree-sitter-javascript.wasm' },
  typescript: { npmPackage: 'tree-sitter-typescript', wasm: 'tree-sitter-typescript.wasm' },
  tsx: { npmPackage: 'tree-sitter-typescript', wasm: 'tree-sitter-tsx.wasm' },
  python: { npmPackage: 'tree-sitter-python', wasm: 'tree-sitter-python.wasm' },
  go: { npmPackage: 'tree-sitter-go', wasm: 'tree-sitter-go.wasm' },
  rust: { npmPackage: 'tree-sitter-rust', wasm: 'tree-sitter-rust.wasm' },
  java: { npmPackage: 'tree-sitter-java', wasm: 'tree-sitter-java.wasm' },
};

const BY_LANGUAGE_ID: Record<string, SyntaxLanguage> = {
  c: 'c', cpp: 'cpp', cuda: 'cpp', javascript: 'javascript', javascriptreact: 'javascript',
  typescript: 'typescript', typescriptreact: 'tsx', python: 'python', go: 'go', rust: 'rust', java: 'java',
};

const BY_EXTENSION: Record<string, SyntaxLanguage> = {
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hh: 'cpp', hpp: 'cpp', hxx: 'cpp',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', ts: 'typescript', mts: 'typescript', cts: 'typescript',
  tsx: 'tsx', py: 'python', go: 'go', rs: 'rust', java: 'java',
};

/** The syntax language of a VS Code language id, if Cellscope has its grammar. */
export function languageOfId(languageId: string): SyntaxLanguage | undefined {
  return BY_LANGUAGE_ID[languageId];
}

/** The syntax language of a file, by its extension. */
export function languageOfPath(file: string): SyntaxLanguage | undefined {
  const dot = file.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION[file.slice(dot + 1).toLowerCase()];
}
