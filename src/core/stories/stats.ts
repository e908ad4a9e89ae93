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

/**
 * Concurrency of half-open intervals [starts[k], ends[k]): the overall peak (and when it was first
 * reached) and the peak inside each bin of `binWidth` from `from`. Empty intervals never count.
 * The two arrays are the caller's scratch: reordered in place. Parallel arrays, not an object
 * per interval: a target's connects made 50,000 of them on the 1 GiB bench mix.
 */
export function concurrency(
  starts: Float64Array, ends: Float64Array, from: number, binWidth: number, bins: number,
): { peak: number; peakAt: number; perBin: number[] } {
  // Starts and ends sorted apart (natively, no comparator, no pair per event), then merged with
  // ends before starts at the same instant: a connect that ends as another begins is not overlap.
  let n = 0;
  for (let k = 0; k < starts.length; k++) {
    if (ends[k] > starts[k]) {
      starts[n] = starts[k];
      ends[n++] = ends[k];
    }
  }
  const s = starts.subarray(0, n).sort();
  const e = ends.subarray(0, n).sort();
  const perBin = new Array<number>(bins).fill(0);
  let level = 0;
  let peak = 0;
  let peakAt = n > 0 ? Math.min(s[0], e[0]) : from;
  let bin = 0;
  let i = 0;
  let j = 0;
  while (j < n) {
    const isEnd = i === n || e[j] <= s[i];
    const t = isEnd ? e[j++] : s[i++];
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
