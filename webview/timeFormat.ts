/**
 * Capture times for people: time of day (UTC, with the date only when the capture crosses
 * midnight), seconds since the capture started, or the step from the previous flow; epoch
 * seconds stay available for matching the JSON. No DOM (unit-tested in test/unit/extension).
 */
import type { TimeDisplay } from '../src/protocol/messages';
import { formatTimeOfDay, secondsBetween } from '../src/render/format';

export type TimeMode = 'sinceStart' | 'timeOfDay' | 'delta' | 'epoch';

/**
 * The editor's time menu: the synscope.timeDisplay setting's five choices, one menu for the
 * table and the diagram. The table writes each flow's start; a flow's start "since the flow's
 * first packet" would always read 0, so that choice keeps the table since the capture's start.
 * "Since the previous one" is the previous flow in the table and the previous packet in the diagram.
 */
export const TIME_MENU: { display: TimeDisplay; label: string; table: TimeMode }[] = [
  { display: 'sinceCapture', label: 'since capture start', table: 'sinceStart' },
  { display: 'timeOfDay', label: 'time of day (UTC)', table: 'timeOfDay' },
  { display: 'relative', label: 'since flow start', table: 'sinceStart' },
  { display: 'delta', label: 'since the previous one', table: 'delta' },
  { display: 'absolute', label: 'epoch seconds', table: 'epoch' },
];

/** A persisted or configured value → a menu choice (older states stored the table's mode). */
export function menuChoice(value: string | undefined): TimeDisplay | null {
  const old: Record<string, TimeDisplay> = { sinceStart: 'sinceCapture', epoch: 'absolute' };
  const v = old[value ?? ''] ?? value;
  return TIME_MENU.find((t) => t.display === v)?.display ?? null;
}

export function tableMode(display: TimeDisplay): TimeMode {
  return TIME_MENU.find((t) => t.display === display)?.table ?? 'sinceStart';
}

export interface TimeContext {
  mode: TimeMode;
  /** Epoch seconds of the capture's first packet. */
  captureStart: string | null;
  /** True when the capture's first and last packet fall on different UTC days. */
  spansDays: boolean;
}

/** Epoch string → [whole seconds, nanoseconds], exact (no float rounding of 1.7e9 s). */
function parts(epoch: string): [number, number] | null {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(epoch.trim());
  if (!m) return null;
  return [Number(m[1]), Number((m[2] ?? '').slice(0, 9).padEnd(9, '0'))];
}

export function spansDays(start: string | null, end: string | null): boolean {
  const a = start ? parts(start) : null;
  const b = end ? parts(end) : null;
  return !!a && !!b && Math.floor(a[0] / 86400) !== Math.floor(b[0] / 86400);
}

/** "14:03:07.123456" (UTC), or "2026-01-01 14:03:07.123456" when `withDate` (the diagram's formatter). */
export function timeOfDay(epoch: string, withDate: boolean): string {
  return formatTimeOfDay(epoch, withDate ? null : epoch, 6) ?? epoch;
}

/** A flow's start in the chosen mode; `previous` = the start of the flow before it (delta). */
export function formatStart(epoch: string, previous: string | null, ctx: TimeContext): string {
  switch (ctx.mode) {
    case 'epoch': return epoch;
    case 'timeOfDay': return timeOfDay(epoch, ctx.spansDays);
    case 'delta': {
      if (previous === null) return '0.000000';
      const d = secondsBetween(previous, epoch);
      return d === null ? '—' : `+${d.toFixed(6)}`;
    }
    case 'sinceStart': {
      const d = ctx.captureStart ? secondsBetween(ctx.captureStart, epoch) : null;
      return d === null ? '—' : d.toFixed(6);
    }
  }
}
