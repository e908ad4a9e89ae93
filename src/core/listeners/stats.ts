/** The few distributions the listener and diff tests need (no dependency carries just these). */

/** Standard normal upper tail P(Z > z), via erfc (Numerical Recipes' erfcc, |error| < 1.2e-7). */
export function normalUpper(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const r = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  const upper = r / 2;
  return z >= 0 ? upper : 1 - upper;
}

/** Two-sided p-value of a standard normal statistic. */
export function twoSided(z: number): number {
  return Math.min(1, 2 * normalUpper(Math.abs(z)));
}

/** z with P(Z > z) = p (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantileUpper(p: number): number {
  const q = 1 - p;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = (x: number): number => {
    const r = Math.sqrt(-2 * Math.log(x));
    return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  };
  if (q < 0.02425) return lowTail(q);
  if (q > 1 - 0.02425) return -lowTail(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) /
    (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
}

/**
 * P(sup |B(t)| > x) for a Brownian bridge B (Kolmogorov's distribution): the limit of a
 * standardized CUSUM's maximum when nothing changed.
 */
export function kolmogorovUpper(x: number): number {
  if (x <= 0.2) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * x * x);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
