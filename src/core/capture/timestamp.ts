import type { Timestamp } from './types';

const TWO_32 = 4294967296;
const TWO_16 = 65536;
/** Above this, 16-bit long division (remainder * 65536) would lose exactness in a double. */
const LONG_DIVISION_LIMIT = 2 ** 37;

/**
 * Splits a 64-bit tick count (hi:lo, unsigned 32-bit halves) in units of 1/unitsPerSecond into
 * whole seconds and a remainder, exactly. Writes into `out` (no allocation on the hot path).
 *
 * Nanosecond ticks since 1970 (~1.7e18) exceed 2^53, so a plain `hi * 2^32 + lo` would round;
 * long division in base 2^16 keeps every intermediate below 2^53 for unitsPerSecond < 2^37.
 */
export function splitTicks(hi: number, lo: number, unitsPerSecond: number, out: Timestamp): void {
  out.unitsPerSecond = unitsPerSecond;
  if (hi < 0x200000) {
    // Total below 2^53: exact in a double. Float division may be off by one near integers.
    const t = hi * TWO_32 + lo;
    let sec = Math.floor(t / unitsPerSecond);
    let frac = t - sec * unitsPerSecond;
    if (frac < 0) { sec -= 1; frac += unitsPerSecond; } else if (frac >= unitsPerSecond) { sec += 1; frac -= unitsPerSecond; }
    out.sec = sec;
    out.frac = frac;
    return;
  }
  if (unitsPerSecond < LONG_DIVISION_LIMIT) {
    let q = 0;
    let r = 0;
    const digits0 = hi >>> 16, digits1 = hi & 0xffff, digits2 = lo >>> 16, digits3 = lo & 0xffff;
    let cur = digits0; let d = Math.floor(cur / unitsPerSecond); q = d; r = cur - d * unitsPerSecond;
    cur = r * TWO_16 + digits1; d = Math.floor(cur / unitsPerSecond); q = q * TWO_16 + d; r = cur - d * unitsPerSecond;
    cur = r * TWO_16 + digits2; d = Math.floor(cur / unitsPerSecond); q = q * TWO_16 + d; r = cur - d * unitsPerSecond;
    cur = r * TWO_16 + digits3; d = Math.floor(cur / unitsPerSecond); q = q * TWO_16 + d; r = cur - d * unitsPerSecond;
    out.sec = q;
    out.frac = r;
    return;
  }
  // Resolutions finer than ~10 ps: rare, BigInt is fine here.
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  const u = BigInt(unitsPerSecond);
  out.sec = Number(t / u);
  out.frac = Number(t % u);
}

/** Number of fraction digits needed to print 1/unitsPerSecond exactly, at least 9 (as tshark). */
export function fractionDigits(unitsPerSecond: number): number {
  let digits = 0;
  let u = unitsPerSecond;
  while (u > 1 && u % 10 === 0) { u /= 10; digits++; }
  if (u === 1) return Math.max(9, digits);
  // 2^n (pcapng if_tsresol with the MSB set): 1/2^n has exactly n decimal digits.
  let twos = 0;
  u = unitsPerSecond;
  while (u > 1 && u % 2 === 0) { u /= 2; twos++; }
  if (u === 1) return Math.max(9, twos);
  return 9;
}

/** 10^(9−n) for unitsPerSecond = 10^n, n = 0…9: the factor to nanoseconds. */
const TO_NS = new Map<number, number>([[1, 1e9], [10, 1e8], [100, 1e7], [1e3, 1e6], [1e4, 1e5], [1e5, 1e4], [1e6, 1e3], [1e7, 100], [1e8, 10], [1e9, 1]]);

/**
 * Epoch seconds as a decimal string with the file's full precision: 9 fraction digits for µs and
 * ns captures (the form of tshark's frame.time_epoch), more for finer resolutions.
 * Every finished flow prints a few of these, so the usual case (non-negative seconds, decimal
 * resolution up to ns) is plain integer formatting; the rest goes through BigInt, exact for any
 * resolution.
 */
export function formatTimestamp(t: Timestamp): string {
  const toNs = TO_NS.get(t.unitsPerSecond);
  if (toNs !== undefined && t.sec >= 0 && Number.isSafeInteger(t.sec) && Number.isInteger(t.frac) && t.frac >= 0 && t.frac < t.unitsPerSecond) {
    // join() makes one flat string; a template makes a 20-character one a rope of three
    // strings (about 100 bytes instead of 40), and listed flows keep several each.
    return [t.sec, String(t.frac * toNs).padStart(9, '0')].join('.');
  }
  return formatTimestampExact(t);
}

function formatTimestampExact(t: Timestamp): string {
  const digits = fractionDigits(t.unitsPerSecond);
  const scale = 10n ** BigInt(digits);
  const units = BigInt(t.unitsPerSecond);
  // Total in units of 10^-digits, rounded to nearest (exact for 10^n and 2^n resolutions).
  const totalUnits = BigInt(t.sec) * units + BigInt(t.frac);
  const neg = totalUnits < 0n;
  const abs = neg ? -totalUnits : totalUnits;
  const scaled = (abs * scale * 2n + units) / (units * 2n);
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(digits, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Seconds as a double (loses sub-µs precision for epoch times; for display and rough math only). */
export function timestampSeconds(t: Timestamp): number {
  return t.sec + t.frac / t.unitsPerSecond;
}
