/** Questions about a flow-table filter that need no DOM (unit-tested in test/unit/extension). */
import type { FlowFilter } from '../src/protocol/flowTable';

/**
 * True when any filter narrows the table. An empty text box, "All states" and empty RTT
 * bounds do not: an empty table then means the capture has no TCP flows at all, which the
 * table says instead of "no flows match".
 */
export function isFiltered(f: FlowFilter | undefined): boolean {
  if (!f) return false;
  const bound = (v: number | null | undefined): boolean => v !== null && v !== undefined;
  return Boolean(f.text?.trim() || f.state || f.finding || (f.flowIds && f.flowIds.length > 0)
    || bound(f.rttMinMs) || bound(f.rttMaxMs) || bound(f.startFrom) || bound(f.startTo));
}
