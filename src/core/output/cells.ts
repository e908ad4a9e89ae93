/** Cells of the plain-text tables: durations, counts, endpoints, aligned columns. */

export function seconds(s: number | null): string {
  if (s === null) return '-';
  const a = Math.abs(s);
  if (a >= 10) return `${s.toFixed(1)}s`;
  if (a >= 1) return `${s.toFixed(2)}s`;
  if (a >= 0.001) return `${(s * 1000).toFixed(1)}ms`;
  return `${(s * 1e6).toFixed(0)}µs`;
}

export function n(v: number): string {
  return v.toLocaleString('en-US');
}

export function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

export function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function columns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd());
}
