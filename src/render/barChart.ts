/** Counts per time bin as a small bar chart (SYN rate, connections per second, pending connects). */
import { renderChart, type ChartOptions } from './chartFrame';
import { epochNs } from './format';

export interface BarSeries {
  label: string;
  values: number[];
  /** Epoch seconds (decimal string) of the first bin's start. */
  start?: string;
  binSeconds?: number;
}

export interface BarChartOptions extends ChartOptions {
  /** What one count is, for tooltips ("SYNs"). */
  unit?: string;
}

/** Axis text for an offset from the start: "0 s", "45 s", "2.5 min", "1.5 h". */
export function formatOffset(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0 s';
  const trim = (x: number) => String(Number(x.toFixed(x < 10 ? 1 : 0)));
  if (seconds < 1) return `${trim(seconds * 1000)} ms`;
  if (seconds < 120) return `${trim(seconds)} s`;
  if (seconds < 7200) return `${trim(seconds / 60)} min`;
  return `${trim(seconds / 3600)} h`;
}

function isoStart(start: string | undefined): string | null {
  const ns = epochNs(start);
  if (ns === null) return null;
  const ms = Number(ns / 1_000_000n);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('T', ' ').replace('Z', ' UTC');
}

function formatCount(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(2)));
}

export function renderBarChart(series: BarSeries, opts: BarChartOptions = {}): string {
  const values = Array.isArray(series.values) ? series.values.map((v) => (Number.isFinite(v) ? v : 0)) : [];
  const bin = series.binSeconds && series.binSeconds > 0 ? series.binSeconds : null;
  const unit = opts.unit ?? '';
  const max = values.length > 0 ? Math.max(...values) : 0;
  const startText = isoStart(series.start);

  const bars = values.map((v, i) => {
    const when = bin !== null ? `${formatOffset(i * bin)}–${formatOffset((i + 1) * bin)}` : `bin ${i + 1}`;
    return { value: v, tooltip: `${when}: ${formatCount(v)}${unit ? ' ' + unit : ''}`, attrs: { 'data-bin': i } };
  });
  const ticks = values.length === 0 ? [] : bin !== null
    ? [0, 0.5, 1].map((at) => ({ at, label: formatOffset(at * values.length * bin) }))
    : [{ at: 0, label: '1' }, { at: 1, label: String(values.length) }];

  const total = values.reduce((a, b) => a + b, 0);
  const titleText = opts.title ?? [
    series.label,
    values.length === 0 ? 'no data' : `${values.length} bins${bin !== null ? ` of ${formatOffset(bin)}` : ''}, max ${formatCount(max)}, total ${formatCount(total)}`,
    startText ? `from ${startText}` : '',
  ].filter(Boolean).join(' — ');

  return renderChart({
    testId: 'bar-chart', label: series.label, maxLabel: `max ${formatCount(max)}`, titleText, bars, ticks,
    extraAttrs: { 'data-max': max, 'data-bins': values.length },
  }, opts);
}
