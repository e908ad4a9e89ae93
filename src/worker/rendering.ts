/** The worker's bridge to src/render: diagrams and charts become SVG strings here, not in the webview. */
import type { Finding, Flow, FlowEvent } from '../core/engine/result';
import { renderBarChart, renderHistogram, renderMermaid, renderSequenceDiagram } from '../render';
import type { TimeDisplay } from '../protocol/messages';
import type { ChartRenderer } from './overview';

export const chartRenderer: ChartRenderer = {
  barChart: (series, width) => renderBarChart(series, { width }),
  // The overview hands RTTs in milliseconds.
  histogram: (values) => renderHistogram(values, { unit: 'ms' }),
};

/** `standalone` embeds the styles and a background, for a file saved to disk. */
export function diagramSvg(flow: Flow, events: FlowEvent[], findings: Finding[], timeDisplay: TimeDisplay, standalone = false, captureStart: string | null = null): string {
  return renderSequenceDiagram(flow, events, findings, { timeDisplay, standalone, captureStart });
}

export function diagramMermaid(flow: Flow, events: FlowEvent[], findings: Finding[]): string {
  return renderMermaid(flow, events, findings);
}
