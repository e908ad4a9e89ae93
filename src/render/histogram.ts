/**
 * Handshake RTTs on log-spaced buckets (1-2-5 per decade), so a LAN's microseconds and a
 * satellite link's second share one small chart.
 */
import { renderChart, type ChartOptions } from './chartFrame';
import { formatDuration } from './format';

export interface HistogramOptions extends ChartOptions {
  /** Unit of the input values (default seconds, as RTTs are in the result JSON). */
  unit?: 's' | 'ms';
  /** Header text (default "handshake RTT"). */
  label?: string;
}

export interface Bucket { lo: number; hi: number; count: number }

const STEPS = [1, 2, 5];
const MIN_DECADE = -7;
const MAX_DECADE = 3;

/** Buckets covering the data (at least three decades), in seconds; values ≤ 0 fall in the first. */
export function logBuckets(seconds: number[]): Bucket[] {
  const xs = seconds.filter((v) => Number.isFinite(v) && v >= 0);
  if (xs.length === 0) return [];
  const positive = xs.filter((v) => v > 0);
  const lo = positive.length > 0 ? Math.floor(Math.log10(Math.min(...positive)) + 1e-9) : -6;
  const hiRaw = positive.length > 0 ? Math.floor(Math.log10(Math.max(...positive)) + 1e-9) + 1 : lo + 1;
  let a = Math.max(MIN_DECADE, Math.min(lo, MAX_DECADE - 1));
  let b = Math.min(MAX_DECADE, Math.max(hiRaw, a + 1));
  while (b - a < 3) {
    if (a > MIN_DECADE) a--;
    if (b - a < 3 && b < MAX_DECADE) b++;
    if (a === MIN_DECADE && b === MAX_DECADE) break;
  }
  const edges: number[] = [];
  for (let d = a; d < b; d++) for (const s of STEPS) edges.push(Number((s * 10 ** d).toPrecision(3)));
  edges.push(Number((10 ** b).toPrecision(3)));
  const buckets: Bucket[] = [];
  for (let i = 0; i + 1 < edges.length; i++) buckets.push({ lo: edges[i], hi: edges[i + 1], count: 0 });
  for (const v of xs) {
    let i = buckets.findIndex((k) => v < k.hi);
    if (i < 0) i = buckets.length - 1;
    buckets[i].count++;
  }
  return buckets;
}

function axisLabel(seconds: number): string {
  return formatDuration(seconds).replace(/\.0 s$/, ' s');
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function renderHistogram(values: number[], opts: HistogramOptions = {}): string {
  const scale = opts.unit === 'ms' ? 1e-3 : 1;
  const seconds = (Array.isArray(values) ? values : [])
    .map((v) => v * scale).filter((v) => Number.isFinite(v) && v >= 0);
  const buckets = logBuckets(seconds);
  const max = Math.max(0, ...buckets.map((b) => b.count));
  const label = opts.label ?? 'handshake RTT';
  const med = seconds.length > 0 ? median(seconds) : null;

  const bars = buckets.map((b) => ({
    value: b.count,
    tooltip: `${axisLabel(b.lo)} – ${axisLabel(b.hi)}: ${b.count} handshake${b.count === 1 ? '' : 's'}`,
    attrs: { 'data-lo': b.lo, 'data-hi': b.hi, 'data-count': b.count },
  }));
  // Decade labels only (every third edge), thinned when the chart is narrow.
  const decades = buckets.length === 0 ? -1 : buckets.length / STEPS.length;
  const stride = decades > 6 ? 2 : 1;
  const ticks: Array<{ at: number; label: string }> = [];
  for (let d = 0; d <= decades; d += stride) {
    const edge = d < decades ? buckets[d * STEPS.length].lo : buckets[buckets.length - 1].hi;
    ticks.push({ at: d / decades, label: axisLabel(edge) });
  }
  const header = med !== null ? `${label} · n=${seconds.length} · median ${formatDuration(med)}` : label;
  const titleText = opts.title ?? (med !== null
    ? `${label} histogram: ${seconds.length} handshakes, median ${formatDuration(med)}, busiest bucket ${max}`
    : `${label} histogram: no data`);
  return renderChart({
    testId: 'histogram', label: header, maxLabel: `max ${max}`, titleText, bars, ticks,
    extraAttrs: { 'data-max': max, 'data-count': seconds.length },
  }, opts);
}
