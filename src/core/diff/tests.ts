/**
 * The diff's statistics (docs/diff.md#method): Mann-Whitney U on two log-bucketed
 * distributions, distribution-free confidence intervals of a quantile from order statistics,
 * and the two-proportion z-test for rates.
 */
import type { LogHistogram } from '../listeners/logHistogram';
import { normalQuantileUpper, twoSided } from '../listeners/stats';

export interface RankTest {
  /** U of the incident sample and P(incident > baseline) + ½ P(tie) = U / (n1 n2). */
  u: number;
  superiority: number;
  z: number;
  p: number;
}

/**
 * Mann-Whitney U with midranks for ties (values in one bucket are ties) and the tie-corrected
 * normal approximation, two-sided.
 */
export function mannWhitney(baseline: LogHistogram, incident: LogHistogram): RankTest | null {
  const n1 = baseline.count;
  const n2 = incident.count;
  if (n1 === 0 || n2 === 0) return null;
  const counts = new Map<number, [number, number]>();
  baseline.forEach((b, n) => counts.set(b, [n, 0]));
  incident.forEach((b, n) => {
    const c = counts.get(b);
    if (c) c[1] = n;
    else counts.set(b, [0, n]);
  });
  const N = n1 + n2;
  let below = 0;
  let rankSum = 0;
  let ties = 0;
  for (const b of [...counts.keys()].sort((x, y) => x - y)) {
    const [a, c] = counts.get(b)!;
    const t = a + c;
    rankSum += c * (below + (t + 1) / 2);
    ties += t * t * t - t;
    below += t;
  }
  const u = rankSum - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (N + 1 - ties / (N * (N - 1)));
  const z = variance > 0 ? (u - mean) / Math.sqrt(variance) : 0;
  return { u, superiority: u / (n1 * n2), z, p: variance > 0 ? twoSided(z) : 1 };
}

/**
 * The q-quantile with a distribution-free interval at `level`: the order statistics at ranks
 * n·q ∓ z·√(n·q·(1−q)) (the binomial's normal approximation), read from the buckets.
 */
export function quantileInterval(h: LogHistogram, q: number, level: number): { value: number; lo: number; hi: number } | null {
  const n = h.count;
  const value = h.quantile(q);
  if (value === null) return null;
  const z = normalQuantileUpper((1 - level) / 2);
  const half = z * Math.sqrt(n * q * (1 - q));
  return { value, lo: h.atRank(Math.floor(n * q - half) - 1)!, hi: h.atRank(Math.ceil(n * q + half) - 1)! };
}

export interface ProportionTest {
  baseline: number;
  incident: number;
  delta: number;
  /** Wald interval of the difference at the given level. */
  ci: [number, number];
  z: number;
  p: number;
}

/** Two-proportion z-test (pooled variance for the test, unpooled for the interval). */
export function twoProportions(x1: number, n1: number, x2: number, n2: number, level: number): ProportionTest {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const delta = p2 - p1;
  const z = se0 > 0 ? delta / se0 : 0;
  const w = normalQuantileUpper((1 - level) / 2) * se;
  return { baseline: p1, incident: p2, delta, ci: [delta - w, delta + w], z, p: se0 > 0 ? twoSided(z) : 1 };
}
