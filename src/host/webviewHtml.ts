// The HTML shell of Cellscope's webviews: a strict Content Security Policy with a nonce (only
// the extension's own files, no inline script, nothing remote), its script and style sheets,
// and the body's empty elements; the data comes later, as messages. Pure.

export interface WebviewResources {
  cspSource: string; // the webview's own origin for local resources
  nonce: string;
  script: string; // URIs
  styles: string[];
}

export function webviewHtml(r: WebviewResources, title: string, body: string): string {
  const csp = [
    "default-src 'none'", `script-src 'nonce-${r.nonce}'`, `style-src ${r.cspSource} 'nonce-${r.nonce}'`, `font-src ${r.cspSource}`, `img-src ${r.cspSource}`,
  ].join('; ');
  // The codicon sheet keeps its id: the webview UI toolkit finds the icons through it.
  const styles = r.styles.map((href) => `<link rel="stylesheet" href="${href}"${/codicon\.css$/.test(href) ? ' id="vscode-codicon-stylesheet"' : ''} nonce="${r.nonce}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${title}</title>
</head>
<body>
${body}
<script nonce="${r.nonce}" src="${r.script}"></script>
</body>
</html>`;
}
