/**
 * B's clock relative to A's, from handshakes seen at both points. A SYN crosses A then B, its
 * SYN-ACK crosses B then A; with t1..t4 the SYN at A, the SYN at B, the SYN-ACK at B and at A,
 * NTP's arithmetic (RFC 5905 §8) gives offset θ = ((t2 − t1) + (t3 − t4)) / 2 and round trip
 * δ = (t4 − t1) − (t3 − t2): θ is exact when the path is symmetric and off by at most δ/2
 * otherwise. As NTP's clock filter does, the handshakes with the smallest δ decide.
 */
import type { Attempt } from '../store/attempt';
import type { ClockEstimate } from './types';

/** One handshake seen whole at both points, first SYN and first SYN-ACK each the same packet. */
export interface ClockSample {
  t1: number;
  theta: number;
  delta: number;
}

/** The sample of a matched pair, or null when its first SYN / SYN-ACK may not be the same packet at both points. */
export function clockSample(a: Attempt, b: Attempt): ClockSample | null {
  if (!(a.synTime >= 0 && b.synTime >= 0 && a.synAckTime >= 0 && b.synAckTime >= 0)) return null;
  // A lost first SYN or SYN-ACK would pair different packets; a proxy's SYN-ACK is not the server's.
  if (a.syn - a.wire.synDup !== b.syn - b.wire.synDup || a.synAck - a.wire.synAckDup !== b.synAck - b.wire.synAckDup) return null;
  if (a.wire.serverIsn !== b.wire.serverIsn || a.wire.clientIsn !== b.wire.clientIsn) return null;
  const d21 = b.synTime - a.synTime;
  const d34 = b.synAckTime - a.synAckTime;
  return { t1: a.synTime, theta: (d21 + d34) / 2, delta: a.synAckTime - a.synTime - (b.synAckTime - b.synTime) };
}

/** How far a converted time may be off: the estimate's uncertainty (exact to the µs otherwise). */
export interface Clock extends ClockEstimate {
  /** B time of A time t. */
  toB(t: number): number;
  /** A time of B time t. */
  toA(t: number): number;
}

const MIN_DRIFT_SPAN = 60;
const MIN_DRIFT_SAMPLES = 10;

export function estimateClock(samples: ClockSample[], oneWay: number[]): Clock {
  if (samples.length > 0) return roundTrip(samples);
  if (oneWay.length > 0) {
    // Without a SYN-ACK seen at both points only B − A of SYNs is known: offset plus delay.
    const theta = Math.min(...oneWay);
    return clock(theta, null, null, 0, 'one-way', oneWay.length);
  }
  return { offset: null, uncertainty: null, driftPpm: null, method: 'none', samples: 0, toB: (t) => t, toA: (t) => t };
}

/** A capture's timestamps are exact to about this (microsecond files): each sample's bounds widen by it. */
const STAMP = 1e-6;

function roundTrip(samples: ClockSample[]): Clock {
  // With no negative delays each sample bounds the offset to θ ± δ/2 (RFC 5905 §8); the offset
  // lies where all the bounds overlap (Marzullo), and the overlap's half-width is how well it is known.
  let lo = -Infinity;
  let hi = Infinity;
  for (const s of samples) {
    const half = Math.max(0, s.delta) / 2 + STAMP;
    lo = Math.max(lo, s.theta - half);
    hi = Math.min(hi, s.theta + half);
  }
  const t0 = samples.reduce((m, s) => Math.min(m, s.t1), Infinity);
  const t1 = samples.reduce((m, s) => Math.max(m, s.t1), -Infinity);
  const mid = samples.reduce((m, s) => m + s.t1, 0) / samples.length;
  if (lo <= hi) return clock((lo + hi) / 2, (hi - lo) / 2, null, mid, 'round-trip', samples.length);
  // No common overlap: the clocks drift apart, or a path's delay went negative (a stepped clock).
  // The shortest round trips decide, as NTP's clock filter does, and the drift is their slope.
  const byDelta = samples.slice().sort((x, y) => x.delta - y.delta);
  const best = byDelta.slice(0, Math.max(1, Math.ceil(byDelta.length / 4)));
  const drift = t1 - t0 >= MIN_DRIFT_SPAN && best.length >= MIN_DRIFT_SAMPLES ? slope(best) : null;
  const bm = best.reduce((m, s) => m + s.t1, 0) / best.length;
  const theta = drift === null ? byDelta[0].theta : best.reduce((m, s) => m + s.theta, 0) / best.length;
  const residual = best.reduce((m, s) => Math.max(m, Math.abs(s.theta - (theta + (drift ?? 0) * (s.t1 - bm))) + Math.max(0, s.delta) / 2), 0);
  return clock(theta, drift === null ? Math.max(0, byDelta[0].delta) / 2 + STAMP : residual, drift, drift === null ? byDelta[0].t1 : bm, 'round-trip', samples.length);
}

/** Least-squares slope of θ over t1. */
function slope(s: ClockSample[]): number {
  const n = s.length;
  const mt = s.reduce((m, x) => m + x.t1, 0) / n;
  const mo = s.reduce((m, x) => m + x.theta, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of s) {
    num += (x.t1 - mt) * (x.theta - mo);
    den += (x.t1 - mt) ** 2;
  }
  return den > 0 ? num / den : 0;
}

function clock(theta: number, uncertainty: number | null, drift: number | null, ref: number, method: ClockEstimate['method'], samples: number): Clock {
  const k = drift ?? 0;
  return {
    // The bound is rounded up: a true offset inside it must stay inside after rounding.
    offset: round(theta), uncertainty: uncertainty === null ? null : Math.ceil(uncertainty * 1e6 - 1e-6) / 1e6 + (round(theta) !== theta ? 1e-6 : 0),
    driftPpm: drift === null ? null : Math.round(drift * 1e7) / 10, method, samples,
    toB: (t) => t + theta + k * (t - ref),
    toA: (t) => t - theta - k * (t - ref),
  };
}

/** Seconds to the microsecond (the captures' usual resolution; more digits would be noise). */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
