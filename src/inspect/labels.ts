// The syntax labels of each character, as tree-sitter gives them (syntaxLabels.ts) and cell
// scoring reads them (cellScores.ts). Types only, so that the webview can share them.

/** One entry per code point of the labelled text. */
export interface CharacterLabels {
  inIf: Uint8Array; // 1 inside an if-statement (condition or body)
  inComment: Uint8Array;
  inString: Uint8Array;
  depth: Uint8Array; // blocks around the character (a block's own braces count as inside it)
  column: Uint16Array; // code points since the line began (capped at 65,535)
}
