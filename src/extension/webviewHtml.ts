/**
 * The webview page: a strict CSP (no inline script or style, nothing remote), one nonce'd
 * bundle, one stylesheet. Lit (inside @vscode-elements) styles its components with
 * constructable stylesheets (adoptedStyleSheets), which `style-src` does not block.
 * The page itself is built by the pure webviewPage.ts (unit-tested without VS Code).
 */
import * as vscode from 'vscode';
import { newNonce, pageHtml, RESOURCE_DIRS } from './webviewPage';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: RESOURCE_DIRS.map((d) => vscode.Uri.joinPath(extensionUri, d)),
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return pageHtml({
    nonce: newNonce(),
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
    title,
  });
}
