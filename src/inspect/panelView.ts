// The activation panel's pure parts: its HTML shell (a strict Content Security Policy with a
// nonce; the script and styles come from the extension's own files, the code comes later as
// data), which stretch of a file to show, and when a file is not text worth showing.

// Characters shown at most: a file up to this size is shown whole, a larger one around the
// part the editor shows. Tracing 10,000 characters takes a few seconds for an H128 model.
export const MAX_PANEL_CHARS = 10_000;

export interface PanelResources {
  cspSource: string; // the webview's own origin for local resources
  script: string; // URIs
  style: string;
  codicons: string;
  nonce: string;
}

export function panelHtml(r: PanelResources): string {
  const csp = [
    "default-src 'none'", `script-src 'nonce-${r.nonce}'`, `style-src ${r.cspSource} 'nonce-${r.nonce}'`, `font-src ${r.cspSource}`, `img-src ${r.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${r.codicons}" id="vscode-codicon-stylesheet" nonce="${r.nonce}">
<link rel="stylesheet" href="${r.style}" nonce="${r.nonce}">
<title>Cellscope Activations</title>
</head>
<body>
<header id="controls"></header>
<p id="status"></p>
<p id="message" role="status"></p>
<p id="note"></p>
<section id="surprising" hidden></section>
<pre id="code" aria-label="the code, coloured by the chosen cell"></pre>
<div id="guesses" role="tooltip" hidden></div>
<section id="saturation"></section>
<script nonce="${r.nonce}" src="${r.script}"></script>
</body>
</html>`;
}

/** The stretch [start, end) to show of a text of `length`: all of it, or MAX_PANEL_CHARS around the visible [from, to). */
export function chooseStretch(length: number, from: number, to: number): { start: number; end: number } {
  if (length <= MAX_PANEL_CHARS) return { start: 0, end: length };
  const middle = Math.floor((from + to) / 2);
  const start = Math.max(0, Math.min(length - MAX_PANEL_CHARS, middle - MAX_PANEL_CHARS / 2));
  return { start, end: start + MAX_PANEL_CHARS };
}

/** Text with NUL characters, or mostly control characters, is not code to colour. */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
  }
  return control > head.length / 10;
}
