/**
 * Exact timestamp arithmetic for writers: integer seconds + integer nanoseconds in, integer
 * file units out. No float epoch math: 1.7e9 s in nanoseconds exceeds 2^53, so 64-bit values
 * are assembled from exact pieces.
 */

/** Splits sec * unitsPerSecond + frac into high and low 32-bit words (exact). */
export function toUnits64(sec: number, frac: number, unitsPerSecond: 1e6 | 1e9): { hi: number; lo: number } {
  // unitsPerSecond = 2^k * m with m odd-ish small: 1e6 = 2^6 * 15625, 1e9 = 2^9 * 1953125.
  // sec * m < 2^53 for any plausible sec, and the 2^k shift is done across the word split.
  const k = unitsPerSecond === 1e9 ? 9 : 6;
  const m = unitsPerSecond === 1e9 ? 1953125 : 15625;
  if (sec < 0 || !Number.isInteger(sec) || !Number.isInteger(frac)) throw new Error(`bad timestamp ${sec}.${frac}`);
  const a = sec * m; // exact
  const split = 2 ** (32 - k);
  let hi = Math.floor(a / split);
  const x = (a % split) * 2 ** k + frac; // < 2^32 + 1e9, exact
  hi += Math.floor(x / 2 ** 32);
  const lo = x % 2 ** 32;
  return { hi, lo };
}

/** Scenario time: base epoch second plus a nanosecond offset (an integer). */
export function splitNs(baseSec: number, offsetNs: number): { sec: number; nsec: number } {
  const o = Math.round(offsetNs);
  const whole = Math.floor(o / 1e9);
  return { sec: baseSec + whole, nsec: o - whole * 1e9 };
}
