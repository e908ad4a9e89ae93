/**
 * Durations in logarithmic buckets (1 % wide): quantiles with at most 0.5 % relative error in
 * bounded memory however many samples come, mergeable across listeners (per-port rows), and
 * exact enough for rank tests (the diff's Mann-Whitney U treats a bucket as tied values).
 * The idea is DDSketch's (Masson et al., VLDB 2019), without its collapsing: durations from
 * 1 µs to 1000 s span 2,100 buckets at most, held as one dense array over the range seen.
 */

/** Bucket growth: each bucket's upper bound is GAMMA times its lower one. */
const GAMMA = 1.01;
const LN_GAMMA = Math.log(GAMMA);
/** Durations at or under this are counted in the lowest bucket (a capture's clock ticks are coarser). */
const MIN_SECONDS = 1e-6;
const MAX_SECONDS = 1e3;
const MIN_INDEX = Math.floor(Math.log(MIN_SECONDS) / LN_GAMMA);
const MAX_INDEX = Math.ceil(Math.log(MAX_SECONDS) / LN_GAMMA);

export function bucketOf(seconds: number): number {
  if (!(seconds > MIN_SECONDS)) return MIN_INDEX;
  if (seconds >= MAX_SECONDS) return MAX_INDEX;
  return Math.ceil(Math.log(seconds) / LN_GAMMA);
}

/** The value a bucket stands for: the middle of its bounds, relative error ≤ (GAMMA − 1) / 2. */
export function valueOf(bucket: number): number {
  if (bucket <= MIN_INDEX) return MIN_SECONDS;
  return (2 * Math.exp(bucket * LN_GAMMA)) / (1 + GAMMA);
}

export class LogHistogram {
  /** Counts of buckets lo … lo + counts.length − 1. */
  private counts = new Float64Array(0);
  private lo = 0;
  count = 0;

  add(seconds: number, n = 1): void {
    this.addBucket(bucketOf(seconds), n);
  }

  private addBucket(b: number, n: number): void {
    if (this.counts.length === 0) {
      this.counts = new Float64Array(8);
      this.lo = b;
    } else if (b < this.lo || b >= this.lo + this.counts.length) {
      // Room on the growing side for half as much again: a slowly widening range must not copy per sample.
      const pad = Math.max(8, this.counts.length >> 1);
      const lo = b < this.lo ? Math.max(MIN_INDEX, b - pad) : this.lo;
      const hi = b < this.lo ? this.lo + this.counts.length : Math.min(MAX_INDEX + 1, b + 1 + pad);
      const next = new Float64Array(hi - lo);
      next.set(this.counts, this.lo - lo);
      this.counts = next;
      this.lo = lo;
    }
    this.counts[b - this.lo] += n;
    this.count += n;
  }

  merge(o: LogHistogram): void {
    o.forEach((b, n) => this.addBucket(b, n));
  }

  /** Non-empty buckets in increasing order. */
  forEach(f: (bucket: number, n: number) => void): void {
    const c = this.counts;
    for (let i = 0; i < c.length; i++) if (c[i] > 0) f(this.lo + i, c[i]);
  }

  /**
   * The value of rank `r` (0-based, in sorted order); clamped to the ends. The quantile q is
   * rank ⌈q·n⌉ − 1, the nearest-rank definition (no interpolation between buckets).
   */
  atRank(r: number): number | null {
    if (this.count === 0) return null;
    const want = Math.min(this.count - 1, Math.max(0, Math.floor(r)));
    let seen = 0;
    const c = this.counts;
    for (let i = 0; i < c.length; i++) {
      seen += c[i];
      if (seen > want) return valueOf(this.lo + i);
    }
    return valueOf(this.lo + c.length - 1);
  }

  quantile(q: number): number | null {
    return this.atRank(Math.ceil(q * this.count) - 1);
  }
}
