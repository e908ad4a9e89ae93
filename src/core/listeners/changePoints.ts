/**
 * Change points of a binned series by binary segmentation with a standardized CUSUM test
 * (docs/servers.md#change-points). For a segment of bins with weights w_i (flows) and means
 * x_i, S_k = Σ_{i≤k} w_i (x_i − x̄) and T = max_k |S_k| / (σ √W). With no change and independent
 * flows of variance σ², T tends to the supremum of a Brownian bridge (Kolmogorov's
 * distribution), which gives the p-value without resampling. A change is kept at the k that
 * maximises |S_k| when p < alpha, both sides hold at least minSamples flows in minBins bins and the means
 * differ by at least minEffect; the two halves (less the bin either side of
 * the change) are then searched again, up to maxPoints.
 */
import { kolmogorovUpper } from './stats';

export interface ChangePointParams {
  /** Per-test significance (each split is one test). */
  alpha: number;
  /** Flows needed on each side of a change. */
  minSamples: number;
  /**
   * Bins with flows needed on each side: the bin a change falls in holds both levels, and
   * without this it would come back as a change of its own.
   */
  minBins: number;
  /** Smallest difference of means worth reporting (on the series' own scale). */
  minEffect: number;
  maxPoints: number;
  /** A further test of the two means (e.g. an absolute floor on the series' own units). */
  keep?: (before: number, after: number) => boolean;
}

export interface BinnedSeries {
  /** Flows per bin (0: nothing happened then). */
  w: ArrayLike<number>;
  /** Mean per bin (ignored where w is 0). */
  x: ArrayLike<number>;
  /** Per-flow standard deviation under "no change". */
  sigma: number;
}

export interface Change {
  /** Changes take effect at the start of this bin (index into the series). */
  bin: number;
  before: number;
  after: number;
  /** T as above, and its p-value. */
  statistic: number;
  p: number;
}

export function changePoints(s: BinnedSeries, params: ChangePointParams): Change[] {
  const out: Change[] = [];
  if (!(s.sigma > 0)) return out;
  const queue: [number, number][] = [[0, s.w.length]];
  while (queue.length > 0 && out.length < params.maxPoints) {
    const [lo, hi] = queue.shift()!;
    const c = bestSplit(s, lo, hi, params);
    if (!c) continue;
    out.push(c);
    // The bins either side of the change are left out of the halves: one of them holds flows of
    // both levels, and its mean between them would come back as a change of its own.
    queue.push([lo, c.bin - 1], [c.bin + 1, hi]);
  }
  return out.sort((a, b) => a.bin - b.bin);
}

function bestSplit(s: BinnedSeries, lo: number, hi: number, params: ChangePointParams): Change | null {
  let W = 0;
  let sum = 0;
  for (let i = lo; i < hi; i++) {
    W += s.w[i];
    sum += s.w[i] * (s.w[i] > 0 ? s.x[i] : 0);
  }
  if (W < 2 * params.minSamples) return null;
  const mean = sum / W;
  let cum = 0;
  let left = 0;
  let leftSum = 0;
  let binsLeft = 0;
  let binsTotal = 0;
  for (let i = lo; i < hi; i++) if (s.w[i] > 0) binsTotal++;
  let best = -1;
  let bestAbs = 0;
  let bestLeft = 0;
  let bestLeftSum = 0;
  for (let k = lo; k < hi - 1; k++) {
    if (s.w[k] > 0) {
      cum += s.w[k] * (s.x[k] - mean);
      left += s.w[k];
      leftSum += s.w[k] * s.x[k];
      binsLeft++;
    }
    if (left < params.minSamples || W - left < params.minSamples) continue;
    if (binsLeft < params.minBins || binsTotal - binsLeft < params.minBins) continue;
    if (Math.abs(cum) > bestAbs) {
      bestAbs = Math.abs(cum);
      best = k + 1;
      bestLeft = left;
      bestLeftSum = leftSum;
    }
  }
  if (best < 0) return null;
  const statistic = bestAbs / (s.sigma * Math.sqrt(W));
  const p = kolmogorovUpper(statistic);
  // The levels either side, without the bin on each side of the boundary (one of them holds
  // flows of both levels); with them when nothing else is left.
  const level = (from: number, to: number, fallback: number): number => {
    let w = 0;
    let x = 0;
    for (let i = Math.max(lo, from); i < Math.min(hi, to); i++) {
      w += s.w[i];
      x += s.w[i] > 0 ? s.w[i] * s.x[i] : 0;
    }
    return w > 0 ? x / w : fallback;
  };
  const before = level(lo, best - 1, bestLeftSum / bestLeft);
  const after = level(best + 1, hi, (sum - bestLeftSum) / (W - bestLeft));
  if (p >= params.alpha || Math.abs(after - before) < params.minEffect) return null;
  if (params.keep && !params.keep(before, after)) return null;
  return { bin: best, before, after, statistic, p };
}
