import type { FlowRows } from '../store/flowRows';
import type { FlowState } from './flowState';
import type { FlowTable } from './flowTable';
import type { OptionSets } from './optionSets';
import type { Summary } from './result';
import type { TargetAgg } from './targets';
import type { TimePoint } from './time';
import type { TimelineBuilder } from './timeline';

/** What live snapshots read of an analysis in progress (Analyzer.liveView); never written through. */
export interface LiveView {
  readonly table: FlowTable;
  readonly store: FlowRows;
  readonly options: OptionSets;
  readonly summary: Summary;
  readonly targets: ReadonlyMap<number | string, TargetAgg>;
  readonly nextId: number;
  readonly packets: number;
  readonly last: TimePoint | null;
  readonly first: TimePoint | null;
  readonly finished: boolean;
  readonly timeline: TimelineBuilder;
  /** A flow's last packet number, parked or not (parking.ts keeps quiet attempts without a slab record). */
  lastPacketOf(f: FlowState): number;
  /** Gives a parked flow its slab record back before its numbers are read (it may be parked again later). */
  awake(f: FlowState): void;
}
