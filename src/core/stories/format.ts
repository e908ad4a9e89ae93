/** Numbers in plain sentences. */
import { round } from './stats';

/** 1, 1.5, 12.3, 150, 12,500 — precision that fits the size, no trailing zeros. */
export function fmt(n: number): string {
  const r = round(n, Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
  return Math.abs(r) >= 10_000 ? r.toLocaleString('en-US') : String(r);
}

/** "1 request", "3 requests". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${fmt(n)} ${n === 1 ? word : many}`;
}
