/** What the two small charts share: the frame, the header line, bars, the axis and "no data". */
import { FALLBACK, standaloneStyle } from './theme';
import { MONO, charWidth, el, svgOpen, text, title, truncateEnd } from './svg';

export interface ChartOptions {
  width?: number;
  height?: number;
  /** Accessible name and hover text of the whole chart (defaults to the series label). */
  title?: string;
  /** Embed a <style> and a background so the markup stands alone as an .svg file. */
  standalone?: boolean;
}

export interface ChartBar {
  value: number;
  tooltip: string;
  attrs: Record<string, string | number>;
}

export interface ChartSpec {
  testId: string;
  label: string;
  /** Right-hand header text, e.g. "max 120". */
  maxLabel: string;
  titleText: string;
  bars: ChartBar[];
  /** Axis labels at fractions 0..1 of the plot width. */
  ticks: Array<{ at: number; label: string }>;
  extraAttrs?: Record<string, string | number>;
}

const FS = 10;
/** Above this many bars, per-bar tooltips cost more markup than they are worth. */
const MAX_BAR_TOOLTIPS = 600;

export function renderChart(spec: ChartSpec, opts: ChartOptions): string {
  const width = Math.max(120, opts.width ?? 320);
  const height = Math.max(48, opts.height ?? 80);
  const cw = charWidth(FS);
  const x0 = 4;
  const x1 = width - 4;
  const top = 16;
  const base = height - 14;
  const plotH = base - top;
  const max = Math.max(0, ...spec.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));

  let body = '';
  const maxText = spec.maxLabel;
  const labelRoom = Math.floor((width - 8) / cw) - maxText.length - 2;
  body += text(x0, 11, truncateEnd(spec.label, Math.max(4, labelRoom)), { class: 'ss-muted', fill: FALLBACK.muted });
  body += text(x1, 11, maxText, { class: 'ss-text', fill: 'currentColor', 'text-anchor': 'end', 'data-testid': 'max-label' });

  if (spec.bars.length === 0) {
    body += text(width / 2, top + plotH / 2 + 4, 'no data', { class: 'ss-muted', fill: FALLBACK.muted, 'text-anchor': 'middle', 'data-testid': 'no-data' });
  } else {
    const bw = (x1 - x0) / spec.bars.length;
    const gap = bw >= 4 ? 1 : 0;
    const tips = spec.bars.length <= MAX_BAR_TOOLTIPS;
    let bars = '';
    spec.bars.forEach((b, i) => {
      const v = Number.isFinite(b.value) && b.value > 0 ? b.value : 0;
      // A non-zero bin never vanishes: at least one pixel, so a single SYN still shows.
      const h = max > 0 && v > 0 ? Math.max(1, (v / max) * plotH) : 0;
      bars += el('rect', {
        class: 'ss-bar', 'data-testid': 'bar', 'data-value': v, ...b.attrs,
        x: x0 + i * bw, y: base - h, width: Math.max(0.5, bw - gap), height: h, fill: FALLBACK.bar,
      }, tips ? title(b.tooltip) : undefined);
    });
    body += el('g', {}, bars);
  }
  body += el('line', { class: 'ss-axis', x1: x0, y1: base + 0.5, x2: x1, y2: base + 0.5, stroke: FALLBACK.rule, 'stroke-width': 1 });
  for (const t of spec.ticks) {
    const x = x0 + t.at * (x1 - x0);
    const anchor = t.at <= 0.02 ? 'start' : t.at >= 0.98 ? 'end' : 'middle';
    body += el('line', { class: 'ss-axis', x1: x, y1: base, x2: x, y2: base + 3, stroke: FALLBACK.rule, 'stroke-width': 1 });
    body += text(x, height - 3, t.label, { class: 'ss-muted', fill: FALLBACK.muted, 'text-anchor': anchor });
  }

  return svgOpen(width, height, {
    'data-testid': spec.testId, class: `ss-root ss-chart`, 'font-family': MONO, 'font-size': FS,
    'aria-label': spec.titleText, ...spec.extraAttrs,
  }) + title(spec.titleText) +
    (opts.standalone ? standaloneStyle() + el('rect', { class: 'ss-bg', x: 0, y: 0, width, height, fill: '#ffffff' }) : '') +
    body + '</svg>';
}
