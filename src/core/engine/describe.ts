/**
 * Small formatting helpers for finding messages (plain words, units a human reads). The
 * diagrams and reports (src/render/format.ts) use the same formatDuration, so a duration reads
 * the same in the Problems list, the report, the JSON and the diagram.
 */
import type { Endpoint } from './result';

export function ep(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * A duration for people: "50 µs", "1.25 ms", "2.0 s". Three significant digits below a
 * second; seconds keep one decimal so a backoff chain reads 1.0, 2.0, 4.0 … like RFC 6298.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  if (s === 0) return '0 s';
  if (s >= 3600) return `${sign}${trimZeros((s / 3600).toFixed(1))} h`;
  if (s >= 1000) return `${sign}${s.toFixed(0)} s`;
  if (s >= 1) return `${sign}${s.toFixed(1)} s`;
  // Rounding can carry into the next unit (999.96 µs → "1000 µs"); step up when it does.
  const units: Array<[number, string]> = [[1e-3, 'ms'], [1e-6, 'µs'], [1e-9, 'ns']];
  for (const [scale, unit] of units) {
    if (s >= scale * 0.9995 || unit === 'ns') {
      const v = Number((s / scale).toPrecision(3));
      if (v >= 1000 && unit === 'ms') return `${sign}1.0 s`;
      if (v >= 1000) continue;
      return `${sign}${trimZeros(String(v))} ${unit}`;
    }
  }
  return `${sign}${s} s`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function intervals(list: number[]): string {
  return list.map((s) => formatDuration(s)).join(', ');
}
