/**
 * Colours. Every coloured element carries a class (`ss-…`) AND a presentation attribute with a
 * mid-tone fallback that reads on light and dark backgrounds. Class rules win over presentation
 * attributes, so:
 *  - in the webview, whose CSP forbids inline styles, its stylesheet includes `RENDER_CSS`
 *    (VS Code theme variables) and text follows `currentColor`;
 *  - in an exported standalone .svg, the same rules travel in an embedded <style>;
 *  - where neither applies (an old renderer, a CSS-less viewer) the fallbacks still read.
 */

/** Fallback colours used as presentation attributes. */
export const FALLBACK = {
  syn: '#3b82f6',
  synAck: '#16a34a',
  ack: '#8b8b8b',
  data: '#a855f7',
  fin: '#8b8b8b',
  rst: '#e5484d',
  retrans: '#e08a00',
  muted: '#8b8b8b',
  rule: '#9a9a9a',
  error: '#e5484d',
  warning: '#d97706',
  info: '#3b82f6',
  bar: '#3b82f6',
  rtt: '#0e9f9a',
} as const;

/**
 * Class rules, written against VS Code theme variables with the fallbacks above. The webview
 * stylesheet must contain these (copy or import this string); standalone exports embed them.
 */
export const RENDER_CSS = `
.ss-root { color: var(--vscode-foreground, #1f2328); }
.ss-text { fill: currentColor; }
.ss-muted { fill: var(--vscode-descriptionForeground, #6e7781); }
.ss-lifeline, .ss-box, .ss-axis, .ss-break { stroke: var(--vscode-descriptionForeground, #8c959f); }
.ss-syn { stroke: var(--vscode-charts-blue, #2f74d0); fill: var(--vscode-charts-blue, #2f74d0); }
.ss-syn-ack { stroke: var(--vscode-charts-green, #1a7f37); fill: var(--vscode-charts-green, #1a7f37); }
.ss-ack, .ss-fin { stroke: var(--vscode-charts-foreground, #57606a); fill: var(--vscode-charts-foreground, #57606a); }
.ss-data { stroke: var(--vscode-charts-purple, #8250df); fill: var(--vscode-charts-purple, #8250df); }
.ss-rst { stroke: var(--vscode-charts-red, #cf222e); fill: var(--vscode-charts-red, #cf222e); }
.ss-retrans { stroke: var(--vscode-charts-orange, #bc4c00); fill: var(--vscode-charts-orange, #bc4c00); }
text.ss-syn, text.ss-syn-ack, text.ss-ack, text.ss-fin, text.ss-data, text.ss-rst, text.ss-retrans { stroke: none; }
.ss-hit { stroke: transparent; fill: none; }
.ss-rtt { stroke: var(--vscode-charts-green, #0b7f7a); }
text.ss-rtt { stroke: none; fill: var(--vscode-charts-green, #0b7f7a); }
.ss-error { fill: var(--vscode-errorForeground, #cf222e); }
.ss-warning { fill: var(--vscode-editorWarning-foreground, #9a6700); }
.ss-info { fill: var(--vscode-editorInfo-foreground, #0969da); }
.ss-bar { fill: var(--vscode-charts-blue, #2f74d0); }
.ss-bg { fill: var(--vscode-editor-background, #ffffff); }
`;

/** Dark counterparts for a standalone file opened by a browser in dark mode. */
const STANDALONE_DARK_CSS = `
@media (prefers-color-scheme: dark) {
  .ss-root { color: var(--vscode-foreground, #d4d4d4); }
  .ss-bg { fill: var(--vscode-editor-background, #1e1e1e); }
  .ss-muted { fill: var(--vscode-descriptionForeground, #9da5ae); }
  .ss-syn { stroke: var(--vscode-charts-blue, #58a6ff); fill: var(--vscode-charts-blue, #58a6ff); }
  .ss-syn-ack { stroke: var(--vscode-charts-green, #3fb950); fill: var(--vscode-charts-green, #3fb950); }
  .ss-ack, .ss-fin { stroke: var(--vscode-charts-foreground, #b1bac4); fill: var(--vscode-charts-foreground, #b1bac4); }
  .ss-data { stroke: var(--vscode-charts-purple, #bc8cff); fill: var(--vscode-charts-purple, #bc8cff); }
  .ss-rst { stroke: var(--vscode-charts-red, #ff7b72); fill: var(--vscode-charts-red, #ff7b72); }
  .ss-retrans { stroke: var(--vscode-charts-orange, #f0883e); fill: var(--vscode-charts-orange, #f0883e); }
  .ss-rtt { stroke: #39c5bb; } text.ss-rtt { fill: #39c5bb; }
  .ss-error { fill: var(--vscode-errorForeground, #ff7b72); }
  .ss-warning { fill: var(--vscode-editorWarning-foreground, #d29922); }
  .ss-info { fill: var(--vscode-editorInfo-foreground, #58a6ff); }
  .ss-bar { fill: var(--vscode-charts-blue, #58a6ff); }
}
`;

/** The <style> element for standalone exports only (the webview's CSP would block it). */
export function standaloneStyle(): string {
  // CDATA keeps the CSS verbatim; it contains no "]]>".
  return `<style><![CDATA[${RENDER_CSS}${STANDALONE_DARK_CSS}]]></style>`;
}
