/** Text formatting for the webview that needs no DOM (unit-tested in test/unit/extension). */
import type { LiveInfo } from '../src/protocol/messages';
import { formatDuration } from '../src/render/format';

/**
 * A duration in seconds as the sequence diagram writes it ("2.4 s", "12.3 ms", "150 µs"), "—"
 * when unmeasured. One formatter for the title, the table and the diagram, so the same RTT
 * never reads "2390 ms" in one place and "2.4 s" next to it.
 */
export function fmtDuration(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '—' : formatDuration(seconds);
}

/** "1 finding", "5 findings", "1,234 flows": a count with its noun in the right number. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

/**
 * A capture timestamp in epoch seconds ("1767225603.002109000", as the engine writes them)
 * as a UTC date and time to the millisecond, or null when `value` is not one. Stories give
 * their start and end this way; nobody reads epoch seconds at a glance.
 */
export function epochToUtc(value: string | number): string | null {
  const text = String(value);
  // 9+ integer digits: 2001-09-09 onwards, so counts and rates never look like times.
  const m = /^(\d{9,11})(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * 1000 + Math.floor(Number(`0.${m[2] ?? '0'}`) * 1000);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.toISOString().slice(0, 23).replace('T', ' ')} UTC`;
}

type Problem = { offset: number; packet: number; message: string; kind?: 'undecoded' };

/**
 * The damaged-capture banner: each problem with its byte offset (said once, even when the
 * reader's message already names it) and the last good frame before it. Frames the decoder
 * could not read (kind 'undecoded') are not damage: said apart, with their counts.
 */
export function describeDamage(problems: readonly Problem[]): string {
  const one = (p: Problem): string => {
    const where = new RegExp(`\\boffset ${p.offset}\\b`).test(p.message) ? '' : ` at byte offset ${p.offset}`;
    return `${p.message}${where}${p.packet > 0 ? ` (after frame ${p.packet})` : ''}`;
  };
  const damage = problems.filter((p) => p.kind !== 'undecoded');
  const undecoded = problems.filter((p) => p.kind === 'undecoded');
  const parts: string[] = [];
  if (damage.length > 0) parts.push(`The capture is damaged: ${damage.map(one).join('; ')}. Packets after the damage may be missing.`);
  if (undecoded.length > 0) parts.push(`Not analysed: ${undecoded.map((p) => p.message).join('; ')}.`);
  return parts.join(' ');
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** The indicator's line: "Live · 120 packets/s · caught up" / "… · 2.1 MB (1.5 s) behind". */
export function liveText(info: LiveInfo): string {
  const rate = `${info.packetsPerSecond >= 10 ? Math.round(info.packetsPerSecond).toLocaleString('en-US') : info.packetsPerSecond.toFixed(1)} packets/s`;
  const behind = info.lagBytes <= 0 || info.caughtUp
    ? 'caught up with the writer'
    : `${fmtBytes(info.lagBytes)} (${fmtDuration(info.lagSeconds)}) behind the writer`;
  const files = info.files > 1 ? ` · ${info.files} files` : '';
  return `${info.paused ? 'Paused' : 'Live'} · ${rate} · ${behind}${files}`;
}
