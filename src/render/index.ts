/**
 * Pure renderers: flows and series in, SVG or Mermaid text out. No DOM, no vscode, no Node
 * built-ins, so the worker, the CLI and the webview bundle can all use them.
 */
export { escapeXml, escapeMermaid } from './escape';
export { renderSequenceDiagram, type SequenceDiagramOptions, type TimeDisplay } from './sequenceDiagram';
export { renderMermaid } from './mermaid';
export { renderBarChart, type BarSeries, type BarChartOptions } from './barChart';
export { renderHistogram, logBuckets, type HistogramOptions } from './histogram';
export { RENDER_CSS } from './theme';
export { formatDuration } from './format';
export { buildDiagramModel, eventKind, type EventKind } from './sequenceModel';
