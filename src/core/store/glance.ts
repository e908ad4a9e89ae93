/**
 * A stored flow seen through a filter: the few fields stories decide on (FlowGlance), each read
 * from the store's columns only when asked, one reused object for all flows.
 */
import type { Endpoint } from '../engine/result';
import { formatPoint } from '../engine/time';
import type { Clock } from '../stories/clock';
import type { FlowGlance } from '../stories/context';

/** What Glance reads of a row (FlowStore provides it). */
export interface GlanceSource {
  serverOf(row: number): Endpoint;
  connectNsOf(row: number, clock: Clock): number;
  completeOf(row: number): boolean;
}

/** One reused view of a stored flow for filters: each field read from the columns when asked. */
export class Glance implements FlowGlance {
  row = 0;
  constructor(private readonly store: GlanceSource) {}
  get server(): Endpoint { return this.store.serverOf(this.row); }
  connectNs(clock: Clock): number { return this.store.connectNsOf(this.row, clock); }
  get complete(): boolean { return this.store.completeOf(this.row); }
}

/** clock.ns(formatPoint(p)), without the string for the usual resolutions. */
export function clockNs(clock: Clock, p: { sec: number; frac: number; ups: number }): number {
  const toNs = DECIMAL_TO_NS.get(p.ups);
  if (toNs !== undefined && p.sec >= 0 && p.sec < 1e15 && Number.isInteger(p.frac) && p.frac >= 0 && p.frac < p.ups) {
    return (p.sec - clock.baseSec) * 1e9 + p.frac * toNs;
  }
  return clock.ns(formatPoint(p));
}
const DECIMAL_TO_NS = new Map<number, number>([[1, 1e9], [10, 1e8], [100, 1e7], [1e3, 1e6], [1e4, 1e5], [1e5, 1e4], [1e6, 1e3], [1e7, 100], [1e8, 10], [1e9, 1]]);
