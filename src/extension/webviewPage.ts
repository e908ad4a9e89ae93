/**
 * The pure half of the webview page (no vscode import, so unit tests can check it): the
 * Content-Security-Policy, the HTML shell and the folders the webview may load from.
 * webviewHtml.ts supplies the vscode parts (cspSource, asWebviewUri, Uri.joinPath).
 */
import { randomBytes } from 'node:crypto';

/** Extension folders the webview may load from (localResourceRoots): the bundles and the icons, nothing else. */
export const RESOURCE_DIRS: readonly string[] = ['dist', 'media'];

/** 128 random bits, fresh for every page render. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** No inline script or style, nothing remote; the one script is allowed by its nonce. */
export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export interface PageParts {
  nonce: string;
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function pageHtml(p: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.nonce, p.cspSource)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(p.styleUri)}">
<title>${escapeHtml(p.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${p.nonce}" src="${escapeHtml(p.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
