// A Cellscope webview panel beside the editor: its resources from the extension's dist/ and
// media/ folders only, scripts on, the HTML shell of webviewHtml.ts. Shared by the adapters
// that show one (the activation panel, the training dashboard).

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewHtml } from './webviewHtml';

export interface WebviewPage {
  viewType: string;
  title: string;
  script: string; // path in the extension, e.g. 'dist/activations.js'
  styles: string[];
  body: string;
}

export function openWebviewPanel(context: vscode.ExtensionContext, page: WebviewPage): vscode.WebviewPanel {
  const root = (folder: string) => vscode.Uri.joinPath(context.extensionUri, folder);
  const panel = vscode.window.createWebviewPanel(page.viewType, page.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: true, localResourceRoots: [root('media'), root('dist')],
  });
  const uri = (file: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...file.split('/'))).toString();
  panel.webview.html = webviewHtml({ cspSource: panel.webview.cspSource, nonce: randomBytes(16).toString('base64'), script: uri(page.script), styles: page.styles.map(uri) }, page.title, page.body);
  return panel;
}
