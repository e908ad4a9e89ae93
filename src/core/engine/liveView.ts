import type { FlowRows } from '../store/flowRows';
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
}
