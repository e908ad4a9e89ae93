/** Small formatting helpers for finding messages (plain words, units a human reads). */
import type { Endpoint } from './result';

export function ep(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Seconds → "350 ms", "1.2 s", "45 µs". */
export function dur(seconds: number): string {
  const a = Math.abs(seconds);
  if (a >= 10) return `${seconds.toFixed(1)} s`;
  if (a >= 1) return `${seconds.toFixed(2)} s`;
  if (a >= 0.01) return `${(seconds * 1000).toFixed(0)} ms`;
  if (a >= 0.001) return `${(seconds * 1000).toFixed(1)} ms`;
  return `${(seconds * 1e6).toFixed(0)} µs`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function intervals(list: number[]): string {
  return list.map((s) => dur(s)).join(', ');
}
