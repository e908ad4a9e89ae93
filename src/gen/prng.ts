/**
 * A small seeded PRNG (mulberry32) so every generated capture is reproducible byte for byte.
 * Not for cryptography; period 2^32 is plenty for traffic shapes.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Exponentially distributed value with the given mean (inter-arrival times). */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A child generator whose sequence does not depend on how much this one is used later. */
  fork(): Rng {
    return new Rng(this.u32() ^ 0x9e3779b9);
  }
}

/**
 * Bijective scramble of a 32-bit integer (an xorshift-multiply mixer; every step is
 * invertible mod 2^32), used to give millions of spoofed sources distinct but random-looking
 * addresses without remembering them.
 */
export function scramble32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** A cheap keyed hash of a few 32-bit words (for SYN-cookie-style ISNs). */
export function hashWords(key: number, ...words: number[]): number {
  let h = key >>> 0;
  for (const w of words) h = scramble32((h ^ w) >>> 0);
  return h;
}
