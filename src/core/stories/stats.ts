/** Small numeric helpers shared by the stories. */

/** Median of finite values (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Rounds for display: `digits` decimals, NaN and infinities become 0. */
export function round(value: number, digits = 0): number {
  if (!Number.isFinite(value)) return 0;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Most events inside any half-open window [t, t + width) of a sorted time list, and where the
 * busiest window starts. Sliding, not binned: a burst that straddles a bin edge still counts once.
 */
export function peakInWindow(sortedTimes: readonly number[], width: number): { count: number; at: number } {
  let best = 0;
  let at = sortedTimes.length ? sortedTimes[0] : 0;
  let lo = 0;
  for (let hi = 0; hi < sortedTimes.length; hi++) {
    while (sortedTimes[hi] - sortedTimes[lo] >= width) lo++;
    if (hi - lo + 1 > best) { best = hi - lo + 1; at = sortedTimes[lo]; }
  }
  return { count: best, at };
}

/** Counts of sorted times per bin of `binWidth` from `from`, `bins` bins (times outside are dropped). */
export function countPerBin(times: readonly number[], from: number, binWidth: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / binWidth);
    if (i >= 0 && i < bins) out[i]++;
  }
  return out;
}

export interface Interval { start: number; end: number }

/**
 * Concurrency of half-open intervals [start, end): the overall peak (and when it was first
 * reached) and the peak inside each bin of `binWidth` from `from`. Empty intervals never count.
 */
export function concurrency(
  intervals: readonly Interval[], from: number, binWidth: number, bins: number,
): { peak: number; peakAt: number; perBin: number[] } {
  // Starts and ends sorted apart (natively, no comparator, no pair per event), then merged with
  // ends before starts at the same instant: a connect that ends as another begins is not overlap.
  // Indexed loops: a for-of run before it is optimised makes an iterator result per interval.
  let n = 0;
  for (let k = 0; k < intervals.length; k++) if (intervals[k].end > intervals[k].start) n++;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  n = 0;
  for (let k = 0; k < intervals.length; k++) {
    const iv = intervals[k];
    if (iv.end > iv.start) {
      starts[n] = iv.start;
      ends[n++] = iv.end;
    }
  }
  starts.sort();
  ends.sort();
  const perBin = new Array<number>(bins).fill(0);
  let level = 0;
  let peak = 0;
  let peakAt = n > 0 ? Math.min(starts[0], ends[0]) : from;
  let bin = 0;
  let i = 0;
  let j = 0;
  while (j < n) {
    const isEnd = i === n || ends[j] <= starts[i];
    const t = isEnd ? ends[j++] : starts[i++];
    const b = Math.min(bins - 1, Math.max(0, Math.floor((t - from) / binWidth)));
    // Intervals open across bin boundaries keep their level in the bins they span.
    for (; bin < b; bin++) perBin[bin + 1] = Math.max(perBin[bin + 1], level);
    level += isEnd ? -1 : 1;
    if (bins > 0 && level > perBin[b]) perBin[b] = level;
    if (level > peak) { peak = level; peakAt = t; }
  }
  return { peak, peakAt, perBin };
}

/** Bin width (a whole number of seconds, in ns) that keeps a span of `spanNs` within `maxBins` bins. */
export function binWidthFor(spanNs: number, maxBins: number, nsPerSecond: number): number {
  const seconds = Math.max(1, Math.ceil(spanNs / nsPerSecond / maxBins));
  return seconds * nsPerSecond;
}
