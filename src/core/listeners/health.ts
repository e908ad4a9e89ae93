/** One listener's (or port's) aggregate as the JSON row: quantiles, series, backlog, change points. */
import type { ChangePointParams } from './changePoints';
import { changePoints } from './changePoints';
import type { ListenerAgg, OptionCounts } from './listener';
import type { LogHistogram } from './logHistogram';
import { COLS, S, type Series } from './series';
import type { BacklogSign, ChangeMetric, ChangePointJson, HealthRow, OptionsShare, SeriesJson, TimeQuantiles } from './types';

/** The change-point test's parameters (docs/servers.md#change-points). */
/**
 * Latency changes must also move the geometric mean by LATENCY_MIN_SHIFT: microsecond handshakes
 * of a healthy host drift by tens of percent with scheduling (seen on real kernel captures).
 */
export const LATENCY_MIN_SHIFT = 0.001;
export const LATENCY_CHANGE: ChangePointParams = {
  alpha: 0.001, minSamples: 10, minBins: 3, minEffect: Math.log(1.25), maxPoints: 3,
  keep: (before, after) => Math.abs(Math.exp(after) - Math.exp(before)) >= LATENCY_MIN_SHIFT,
};
export const RATE_CHANGE: ChangePointParams = { alpha: 0.001, minSamples: 10, minBins: 3, minEffect: 0.1, maxPoints: 3 };
/**
 * Least per-flow spread of ln(time) assumed: a capture's clock ticks (1 µs) and a server's
 * steady answer can make the measured spread near zero, and then any wobble would be "significant".
 */
const MIN_LOG_SIGMA = 0.05;
/** Backlog: bins with SYNs dropped while others were answered, and flows dropped in them. */
const BACKLOG_MIN_BINS = 2;
const BACKLOG_MIN_FLOWS = 5;

export interface Grid {
  /** Seconds of the capture's first packet (bin 0 starts there) and the bin width. */
  startSec: number;
  width: number;
}

export function healthRow(l: ListenerAgg, grid: Grid): HealthRow {
  l.series.catchUp();
  return {
    attempts: l.attempts,
    completed: l.completed,
    refused: l.refused,
    halfOpen: l.halfOpen,
    unanswered: l.unanswered,
    reset: l.reset,
    acceptRate: l.attempts > 0 ? l.completed / l.attempts : 0,
    synRetransmissions: l.synRetransmissions,
    synAckRetransmissions: l.synAckRetransmissions,
    synDropped: l.synDropped,
    serverTime: quantiles(l.serverTime),
    clientTime: quantiles(l.clientTime),
    options: { server: share(l.serverOptions), client: share(l.clientOptions) },
    backlog: backlog(l.series),
    series: seriesJson(l.series),
    changePoints: [
      ...latencyChanges(l.series, S.serverN, 'serverTime', grid),
      ...latencyChanges(l.series, S.clientN, 'clientTime', grid),
      ...rateChanges(l.series, grid),
    ].sort((a, b) => a.bin - b.bin),
  };
}

/** Seconds to the nanosecond: what a capture can resolve, and stable JSON. */
export function ns(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function quantiles(h: LogHistogram): TimeQuantiles {
  const q = (p: number): number | null => {
    const v = h.quantile(p);
    return v === null ? null : ns(v);
  };
  return { samples: h.count, p50: q(0.5), p90: q(0.9), p99: q(0.99) };
}

function share(c: OptionCounts): OptionsShare | null {
  const d = c.dominant();
  if (!d) return null;
  let total = c.other;
  for (const n of c.sets.values()) total += n;
  return { options: d.options, flows: d.flows, others: total - d.flows };
}

function backlog(s: Series): BacklogSign {
  let bins = 0;
  let flows = 0;
  for (let i = 0; i < s.bins; i++) {
    const r = i * COLS;
    if (s.data[r + S.synDropped] > 0 && s.data[r + S.answeredFirst] > 0) {
      bins++;
      flows += s.data[r + S.synDropped];
    }
  }
  return { likely: bins >= BACKLOG_MIN_BINS && flows >= BACKLOG_MIN_FLOWS, bins, flows };
}

function seriesJson(s: Series): SeriesJson {
  const col = (c: number): number[] => Array.from({ length: s.bins }, (_, i) => s.data[i * COLS + c]);
  const geo = (n: number): (number | null)[] => Array.from({ length: s.bins }, (_, i) => {
    const k = s.data[i * COLS + n];
    return k > 0 ? ns(Math.exp(s.data[i * COLS + n + 1] / k)) : null;
  });
  const failed = Array.from({ length: s.bins }, (_, i) => s.data[i * COLS + S.refused] + s.data[i * COLS + S.unanswered] + s.data[i * COLS + S.halfOpen]);
  return {
    firstBin: s.first, attempts: col(S.attempts), completed: col(S.completed), failed, synDropped: col(S.synDropped),
    serverTime: geo(S.serverN), clientTime: geo(S.clientN),
  };
}

function latencyChanges(s: Series, n: number, metric: ChangeMetric, grid: Grid): ChangePointJson[] {
  const w = new Float64Array(s.bins);
  const x = new Float64Array(s.bins);
  let within = 0;
  let dof = 0;
  for (let i = 0; i < s.bins; i++) {
    const r = i * COLS + n;
    const k = s.data[r];
    if (k === 0) continue;
    w[i] = k;
    x[i] = s.data[r + 1] / k;
    if (k >= 2) {
      within += Math.max(0, s.data[r + 2] - (s.data[r + 1] * s.data[r + 1]) / k);
      dof += k - 1;
    }
  }
  const sigma = Math.max(MIN_LOG_SIGMA, dof > 0 ? Math.sqrt(within / dof) : 0);
  return changePoints({ w, x, sigma }, LATENCY_CHANGE).map((c) => point(metric, c.bin, Math.exp(c.before), Math.exp(c.after), c.statistic, c.p, s, grid));
}

function rateChanges(s: Series, grid: Grid): ChangePointJson[] {
  const w = new Float64Array(s.bins);
  const x = new Float64Array(s.bins);
  let attempts = 0;
  let completed = 0;
  for (let i = 0; i < s.bins; i++) {
    const a = s.data[i * COLS + S.attempts];
    const c = s.data[i * COLS + S.completed];
    w[i] = a;
    x[i] = a > 0 ? c / a : 0;
    attempts += a;
    completed += c;
  }
  const p = attempts > 0 ? completed / attempts : 0;
  // A listener that always (or never) accepts has no spread: any change is then a change.
  const sigma = Math.sqrt(Math.max(p * (1 - p), 1 / Math.max(1, attempts)));
  return changePoints({ w, x, sigma }, RATE_CHANGE).map((c) => point('acceptRate', c.bin, c.before, c.after, c.statistic, c.p, s, grid));
}

function point(metric: ChangeMetric, at: number, before: number, after: number, statistic: number, p: number, s: Series, grid: Grid): ChangePointJson {
  const bin = s.first + at;
  const offset = bin * grid.width;
  const rate = metric === 'acceptRate';
  return {
    metric, time: (grid.startSec + offset).toFixed(6), offset, bin,
    before: rate ? before : ns(before), after: rate ? after : ns(after),
    statistic: Math.round(statistic * 1000) / 1000, p,
  };
}
