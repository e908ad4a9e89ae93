/** Text for times, durations, TCP flags and endpoints, shared by the SVG and Mermaid renderers. */
import type { Endpoint } from '../core/engine/result';
import {
  TCP_ACK, TCP_AE, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG,
} from '../core/decode/types';
import { count, formatDuration } from '../core/engine/describe';

/** Durations are written alike in findings, reports and diagrams: one formatter, in core. */
export { formatDuration };

/**
 * An integer with thousands separators, as `toLocaleString('en-US')` writes it, without ICU:
 * the first call of that loads a number formatter and blocked the extension host for 40 ms.
 */
export function groupDigits(n: number): string {
  const digits = String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${digits}` : digits;
}

/**
 * Epoch seconds (decimal string, as in the result JSON) to integer nanoseconds. Differences of
 * two capture timestamps are taken in integers so a 1 µs step on a 1.7e9 s clock stays exact.
 */
export function epochNs(s: string | null | undefined): bigint | null {
  if (typeof s !== 'string') return null;
  const m = /^\s*(\d{1,15})(?:\.(\d*))?\s*$/.exec(s);
  if (!m) return null;
  const frac = (m[2] ?? '').slice(0, 9).padEnd(9, '0');
  return BigInt(m[1]) * 1_000_000_000n + BigInt(frac);
}

/** Seconds from `a` to `b` (epoch strings); null when either does not parse. */
export function secondsBetween(a: string | null | undefined, b: string | null | undefined): number | null {
  const x = epochNs(a);
  const y = epochNs(b);
  if (x === null || y === null) return null;
  return Number(y - x) / 1e9;
}

/** Digits after the decimal point in an epoch string (the file's precision: 6 or 9). */
export function fractionDigits(s: string | null | undefined): number {
  const m = typeof s === 'string' ? /\.(\d+)/.exec(s) : null;
  return m ? Math.min(m[1].length, 9) : 0;
}

/** "+2.0 s": a step from the previous packet. */
export function formatDelta(seconds: number): string {
  return seconds < 0 ? formatDuration(seconds) : `+${formatDuration(seconds)}`;
}

/** Seconds as a fixed-point decimal, e.g. "1.000150" (Wireshark's relative time column). */
export function formatSecondsFixed(seconds: number, digits: number): string {
  if (!Number.isFinite(seconds)) return '?';
  return seconds.toFixed(Math.max(0, Math.min(9, digits)));
}

const FLAG_NAMES: Array<[number, string]> = [
  [TCP_FIN, 'FIN'], [TCP_SYN, 'SYN'], [TCP_RST, 'RST'], [TCP_PSH, 'PSH'], [TCP_ACK, 'ACK'],
  [TCP_URG, 'URG'], [TCP_ECE, 'ECE'], [TCP_CWR, 'CWR'], [TCP_AE, 'AE'],
];

/** Flag names in bit order, as Wireshark's Info column lists them ("SYN, ACK"). */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) out.push(name);
  return out;
}

export function formatFlags(flags: number): string {
  const names = flagNames(flags);
  return names.length > 0 ? names.join(', ') : '<none>';
}

/** "192.0.2.1:443" or "[2001:db8::1]:443". */
export function formatEndpoint(ep: Endpoint): string {
  return ep.ip.includes(':') ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`;
}

/**
 * The endpoint shortened to `max` characters: the address loses its middle, the port is kept
 * whole because that is what people match against their config.
 */
export function formatEndpointShort(ep: Endpoint, max: number): string {
  const full = formatEndpoint(ep);
  if (Array.from(full).length <= max) return full;
  const v6 = ep.ip.includes(':');
  const room = max - String(ep.port).length - 1 - (v6 ? 2 : 0);
  const chars = Array.from(ep.ip);
  const head = Math.max(1, Math.ceil((room - 1) / 2));
  const tail = Math.max(1, room - 1 - head);
  const ip = chars.slice(0, head).join('') + '…' + chars.slice(-tail).join('');
  return v6 ? `[${ip}]:${ep.port}` : `${ip}:${ep.port}`;
}

/**
 * A chart series' caption with its unit, the unit said once: "pending longer than 3 s
 * (connects)", but "SYNs per 1 s bin" for unit "SYNs" and "new connections per second" for
 * "conn/s", where the label already names what is counted. A label ending in a parenthesis
 * takes the unit inside it rather than a second pair.
 */
export function seriesLabel(label: string, unit: string): string {
  const u = unit.trim();
  if (!u) return label;
  const words = label.toLowerCase().split(/[^\p{L}\p{N}/]+/u).filter(Boolean);
  const [what = '', per] = u.toLowerCase().split('/');
  // "conn" names "connections"; shorter units ("ms", "s") must match a whole word.
  const counted = words.some((w) => w === u.toLowerCase() || w === what || (what.length >= 4 && w.startsWith(what)));
  const rate = per === undefined || (per === 's' && /\bper second\b|\/s\b/i.test(label));
  if (counted && rate) return label;
  return label.endsWith(')') ? `${label.slice(0, -1)}, ${u})` : `${label} (${u})`;
}

/** "1 error", "2 errors", "1,000 flows": the findings' own count-with-noun, so counts read alike everywhere. */
export const plural = count;

/**
 * An epoch string as UTC time of day, "00:00:01.000084", with the date in front
 * ("2026-01-01 00:00:01.000084") when `previous` is null or on another day, as a list of
 * packets reads best: the date once, then again only where it changes. `digits` of the
 * fraction are kept from the string itself (no float rounding). Null when it does not parse.
 */
export function formatTimeOfDay(epoch: string, previous: string | null, digits = 6): string | null {
  const m = /^\s*(\d{1,15})(?:\.(\d*))?\s*$/.exec(epoch);
  if (!m) return null;
  const d = new Date(Number(m[1]) * 1000);
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  const n = Math.max(0, Math.min(9, digits));
  const time = iso.slice(11, 19) + (n > 0 ? `.${(m[2] ?? '').padEnd(n, '0').slice(0, n)}` : '');
  const day = iso.slice(0, 10);
  const prev = previous === null ? null : /^\s*(\d{1,15})/.exec(previous);
  const prevDay = prev ? new Date(Number(prev[1]) * 1000).toISOString().slice(0, 10) : null;
  return prevDay === day ? time : `${day} ${time}`;
}

/**
 * Fraction digits worth printing for these epoch strings: 9 when any has nanoseconds, else 6.
 * Times are stored with 9 digits, but a microsecond capture's last three are always zero, and
 * "00:00:01.000084000" only hides the precision the file has.
 */
export function significantDigits(times: readonly string[]): number {
  return times.some((t) => fractionDigits(t) > 6 && /[1-9]/.test((/\.(\d*)/.exec(t)?.[1] ?? '').slice(6))) ? 9 : 6;
}
