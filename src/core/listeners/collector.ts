/**
 * Listener health, gathered while the flows are read: the analyzer hands every finished flow
 * with a client SYN to `add` (the same call that feeds the per-server aggregates), so the
 * counts, distributions and time series need no second read of the capture. Bounded: at most
 * MAX_LISTENERS listeners (a port scan makes one per probed port), the series within the grid's
 * bin budget.
 */
import { formatAddress } from '../decode/address';
import type { FlowFacts } from '../engine/buildFlow';
import type { FlowState } from '../engine/flowState';
import type { Outcome } from '../engine/outcome';
import { serverKey } from '../engine/serverKey';
import { ListenerAgg } from './listener';
import { SeriesGrid } from './series';

export const MAX_LISTENERS = 1 << 13;

export interface ListenerOptions {
  /** Width of a time-series bin before the capture outgrows the grid (seconds). */
  binSeconds?: number;
  maxBins?: number;
}

export class ListenerCollector {
  readonly listeners = new Map<number | string, ListenerAgg>();
  readonly grid: SeriesGrid;
  /** Flows to listeners beyond MAX_LISTENERS (counted, not described). */
  untrackedFlows = 0;
  private startSec = 0;
  private startNs = 0;
  private started = false;

  constructor(opts: ListenerOptions = {}) {
    this.grid = new SeriesGrid(opts.binSeconds ?? 1, opts.maxBins ?? 1024);
  }

  /** The capture's first packet: bin 0 starts there. */
  setStart(sec: number, ns: number): void {
    if (this.started) return;
    this.started = true;
    this.startSec = sec;
    this.startNs = ns;
  }

  get start(): { sec: number; ns: number } {
    return { sec: this.startSec, ns: this.startNs };
  }

  add(facts: FlowFacts, f: FlowState, outcome: Outcome): void {
    if (outcome === 'other') return;
    const l = this.listener(f, 1 - facts.client);
    if (!l) {
      this.untrackedFlows++;
      return;
    }
    const start = f.startPoint();
    const t = (f.pointSec(start) - this.startSec) + (f.pointNs(start) - this.startNs) / 1e9;
    l.add(facts, outcome, this.grid.binOf(t));
  }

  private listener(f: FlowState, serverSide: number): ListenerAgg | null {
    const key = serverKey(f, serverSide);
    let l = this.listeners.get(key);
    if (!l) {
      if (this.listeners.size >= MAX_LISTENERS) return null;
      const port = serverSide === 0 ? f.port0 : f.port1;
      l = new ListenerAgg(formatAddress(f.s.addrs, f.ipVersion, f.addrOf(serverSide)), port, this.grid);
      this.listeners.set(key, l);
    }
    return l;
  }
}
