/**
 * Capture times are epoch seconds as decimal strings with up to 9 fraction digits. As one
 * double they lose the nanoseconds (1.7e9 s × 1e9 needs 61 bits), so stories work in integer
 * nanoseconds since a whole-second base near the capture start: exact for spans under ~104
 * days, which keeps window counting free of rounding (50 SYNs 20 ms apart are 50 per second,
 * not 51).
 */
const EPOCH = /^\s*(-?)(\d+)(?:\.(\d*))?\s*$/;
const NS = 1e9;

export class Clock {
  /** Whole epoch second that nanosecond offsets count from. */
  readonly baseSec: number;
  /** Fraction digits to print (the file's precision: 6 for µs captures, 9 for ns). */
  readonly digits: number;

  constructor(sample: string | null | undefined) {
    const m = sample ? EPOCH.exec(sample) : null;
    this.baseSec = m ? (m[1] ? -1 : 1) * Number(m[2]) : 0;
    this.digits = m && m[3] ? Math.min(9, m[3].length) : 6;
  }

  /** Nanoseconds since the base; NaN for a string that is not an epoch time. */
  ns(time: string | null | undefined): number {
    if (!time) return NaN;
    // Called several times per flow (a million flows in the editor): the plain
    // "digits.digits" shape is read digit by digit, without slices or a regex.
    const fast = this.plainNs(time);
    if (fast === fast) return fast;
    const m = EPOCH.exec(time);
    if (!m) return NaN;
    const sign = m[1] ? -1 : 1;
    const frac = Number(((m[3] ?? '') + '000000000').slice(0, 9));
    return (sign * Number(m[2]) - this.baseSec) * NS + sign * frac;
  }

  /**
   * "digits.digits" (1–15 whole digits, up to 9 fraction digits) in nanoseconds since the base,
   * exactly as Number() reads the parts; NaN for any other shape (the caller's regex decides).
   */
  private plainNs(time: string): number {
    const n = time.length;
    let whole = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = time.charCodeAt(i);
      if (c === 46 /* . */) break;
      if (c < 48 || c > 57 || i >= 15) return NaN;
      whole = whole * 10 + (c - 48);
    }
    if (i === 0 || i === n || n - i - 1 > 9) return NaN;
    let frac = 0;
    for (let j = i + 1; j < n; j++) {
      const c = time.charCodeAt(j);
      if (c < 48 || c > 57) return NaN;
      frac = frac * 10 + (c - 48);
    }
    return (whole - this.baseSec) * NS + frac * 10 ** (9 - (n - i - 1));
  }

  /** Epoch decimal string for a nanosecond offset, at the file's precision. */
  format(ns: number): string {
    const total = Math.round(ns);
    let sec = this.baseSec + Math.floor(total / NS);
    let frac = total - Math.floor(total / NS) * NS;
    if (frac >= NS) { sec += 1; frac -= NS; }
    let sign = '';
    if (sec < 0 && frac > 0) {
      // -5.25 s is sec −6 + 0.75 here; print it the way people write it.
      sign = '-'; sec = -sec - 1; frac = NS - frac;
    } else if (sec < 0) {
      sign = '-'; sec = -sec;
    }
    if (this.digits === 0) return `${sign}${sec}`;
    const scaled = Math.floor(frac / 10 ** (9 - this.digits));
    return `${sign}${sec}.${String(scaled).padStart(this.digits, '0')}`;
  }
}

/** Seconds (as the result's RTTs and intervals are) to integer nanoseconds. */
export function secondsToNs(s: number): number {
  return Math.round(s * NS);
}

export const NS_PER_SECOND = NS;
