// The activation panel's pure parts: a Content Security Policy that allows only the
// extension's own files and the nonce's script, the stretch of a large file to show, and
// which files are binary.

import * as assert from 'node:assert/strict';
import { webviewHtml } from '../../src/host/webviewHtml';
import { chooseStretch, looksBinary, MAX_PANEL_CHARS, PANEL_BODY } from '../../src/inspect/panelView';

describe('activation panel view', () => {
  it('has a strict Content Security Policy: no remote content, scripts only with the nonce', () => {
    const html = webviewHtml({ cspSource: 'https://webview.test', nonce: 'N0nce', script: 'https://webview.test/a.js', styles: ['https://webview.test/codicon.css', 'https://webview.test/a.css'] }, 'Cellscope Activations', PANEL_BODY);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1];
    assert.equal(csp, "default-src 'none'; script-src 'nonce-N0nce'; style-src https://webview.test 'nonce-N0nce'; font-src https://webview.test; img-src https://webview.test");
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|http:\/\/|<script>(?!<\/script>)/);
    assert.deepEqual([...html.matchAll(/<script ([^>]*)>/g)].map((m) => m[1]), ['nonce="N0nce" src="https://webview.test/a.js"']);
  });

  it('shows a small file whole and a large one around what the editor shows', () => {
    assert.deepEqual(chooseStretch(5_000, 100, 200), { start: 0, end: 5_000 });
    assert.deepEqual(chooseStretch(1_000_000, 500_000, 502_000), { start: 496_000, end: 496_000 + MAX_PANEL_CHARS });
    assert.deepEqual(chooseStretch(1_000_000, 0, 3_000), { start: 0, end: MAX_PANEL_CHARS });
    assert.deepEqual(chooseStretch(1_000_000, 999_000, 1_000_000), { start: 1_000_000 - MAX_PANEL_CHARS, end: 1_000_000 });
  });

  it('tells binary files from text', () => {
    assert.ok(looksBinary('ELF\u0000\u0001'));
    assert.ok(looksBinary('\u0001\u0002\u0003\u0004abc'));
    assert.ok(!looksBinary('int main(void)\n{\n\treturn 0;\r\n}\n'));
  });
});
