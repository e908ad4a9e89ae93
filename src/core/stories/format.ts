/** Numbers in plain sentences. */
import { round } from './stats';

/** 1, 1.5, 12.3, 150 — precision that fits the size, no trailing zeros. */
export function fmt(n: number): string {
  return String(round(n, Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2));
}

export function fmtMs(seconds: number): string {
  return `${fmt(seconds * 1000)} ms`;
}

/** Milliseconds below a second, seconds above. */
export function fmtSeconds(seconds: number): string {
  return seconds < 1 ? fmtMs(seconds) : `${fmt(seconds)} s`;
}

/** "1 request", "3 requests". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${fmt(n)} ${n === 1 ? word : many}`;
}
