/**
 * Exact time arithmetic on capture timestamps. A timestamp is kept as whole seconds plus the
 * fraction in nanoseconds (an integer for µs and ns files), so differences are taken on exact
 * integers and only the final value is a float: 1.000649 − 1.000000 is 0.000649, not the
 * 0.00064897… that subtracting two epoch floats gives.
 */
import { formatTimestamp } from '../capture/timestamp';
import { PER_FLOW, slabOffsets } from './slabLayout';

/** Fraction of a second in nanoseconds (exact for decimal resolutions up to 1e9). */
export function fracToNs(frac: number, unitsPerSecond: number): number {
  if (unitsPerSecond === 1e9) return frac;
  if (unitsPerSecond === 1e6) return frac * 1000;
  return (frac * 1e9) / unitsPerSecond;
}

/** a − b in seconds, from (sec, ns) pairs. */
export function diffSeconds(aSec: number, aNs: number, bSec: number, bNs: number): number {
  const ds = aSec - bSec;
  const dn = aNs - bNs;
  if (ds === 0) return dn / 1e9;
  // Keep the integer nanosecond total exact while it fits in 2^53 (≈ 104 days).
  const total = ds * 1e9 + dn;
  if (Number.isSafeInteger(total)) return total / 1e9;
  return ds + dn / 1e9;
}

/** A moment in the capture with the file's precision: frame number plus exact time parts. */
export interface TimePoint {
  packet: number;
  sec: number;
  /** Fraction in nanoseconds (exact for µs/ns files), for arithmetic. */
  ns: number;
  /** The fraction as recorded, for printing with full precision. */
  frac: number;
  ups: number;
}

/**
 * Where a stored time point keeps each of its TIME_POINT numbers, wherever one is stored (the
 * slab's P_* points, the per-server RTT samples, the event log).
 */
export const POINT = slabOffsets({ packet: PER_FLOW, sec: PER_FLOW, ns: PER_FLOW, frac: PER_FLOW, ups: PER_FLOW });

/** The time point stored at `at`. */
export function readPoint(a: ArrayLike<number>, at: number): TimePoint {
  return { packet: a[at + POINT.packet], sec: a[at + POINT.sec], ns: a[at + POINT.ns], frac: a[at + POINT.frac], ups: a[at + POINT.ups] };
}

/** Stores a packet's time at `at`. */
export function writePoint(a: Float64Array, at: number, t: { index: number; sec: number; ns: number; frac: number; ups: number }): void {
  a[at + POINT.packet] = t.index;
  a[at + POINT.sec] = t.sec;
  a[at + POINT.ns] = t.ns;
  a[at + POINT.frac] = t.frac;
  a[at + POINT.ups] = t.ups;
}

export function formatPoint(t: { sec: number; frac: number; ups: number }): string {
  return formatTimestamp({ sec: t.sec, frac: t.frac, unitsPerSecond: t.ups });
}

