/**
 * A bounded window of the most recently finished flows, for following a capture for hours
 * (AnalysisConfig.storeWindowFlows): two generations of FlowStore, the older dropped whole when
 * the newer fills half the window, so between half the window and the whole of it are kept and
 * memory stays flat. A flow outside the window is forgotten the way Zeek forgets a connection
 * once its conn.log line is written: it stays in the counts, the per-target aggregates, the
 * findings already decided and the events already sent, but no longer in the flow list or in
 * stories told later.
 */
import type { FlowFacts } from '../engine/buildFlow';
import type { FlowState } from '../engine/flowState';
import type { OptionSets } from '../engine/optionSets';
import type { Flow } from '../engine/result';
import type { StoryFlow } from '../stories/storyFlow';
import type { FlowRows } from './flowRows';
import { FlowStore } from './flowStore';

export class WindowedStore implements FlowRows {
  private current: FlowStore;
  private older: FlowStore | null = null;
  /** Flows dropped with older generations. */
  forgotten = 0;

  constructor(private readonly sets: OptionSets, private readonly window: number) {
    this.current = new FlowStore(sets);
  }

  get size(): number {
    return this.current.size + (this.older?.size ?? 0);
  }

  add(f: FlowState, facts?: FlowFacts): void {
    if (this.current.size >= Math.max(1, this.window >> 1)) {
      this.forgotten += this.older?.size ?? 0;
      this.older = this.current;
      this.current = new FlowStore(this.sets);
    }
    this.current.add(f, facts);
  }

  flow(id: number, findings?: number[]): Flow | undefined {
    return this.current.flow(id, findings) ?? this.older?.flow(id, findings);
  }

  glance(id: number): StoryFlow | undefined {
    return this.current.glance(id) ?? this.older?.glance(id);
  }

  bytes(): number {
    return this.current.bytes() + (this.older?.bytes() ?? 0);
  }
}

/** Every flow (window 0: what analyze keeps) or a window of the most recent ones. */
export function flowRows(sets: OptionSets, window: number, keepWire = false): FlowRows {
  return window > 0 ? new WindowedStore(sets, window) : new FlowStore(sets, keepWire);
}
