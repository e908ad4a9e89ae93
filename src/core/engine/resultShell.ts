/**
 * Result assembly pieces that need no per-packet state: the result's frame around the findings
 * (Analyzer.finish fills in stories and listed flows), and the flows of an analysis in
 * progress as they stand (the editor's first rows while reading).
 */
import type { DecodeCounts } from './analyzer';
import { buildFlow } from './buildFlow';
import type { FlowState } from './flowState';
import type { LiveView } from './liveView';
import type { CaptureProblem, ReadSummary } from '../capture/types';
import type { AnalysisResult, Finding, Flow, Summary, Timeline } from './result';
import { formatPoint, type TimePoint } from './time';

export interface ShellParts {
  packets: number;
  first: TimePoint | null;
  last: TimePoint | null;
  summary: Summary;
  findings: Finding[];
  /** Frames the decoder could not read and fragments it had to drop (after the file's damage). */
  problems: CaptureProblem[];
  decoded: DecodeCounts;
  timeline: Timeline;
}

export function resultShell(read: ReadSummary, path: string, p: ShellParts): AnalysisResult {
  return {
    schema: 'synscope/1',
    capture: {
      path,
      format: read.info.format,
      compressed: read.info.compressed,
      linkTypes: read.info.linkTypes.slice(),
      packets: read.packets || p.packets,
      start: p.first ? formatPoint(p.first) : null,
      end: p.last ? formatPoint(p.last) : null,
      problems: [...read.problems, ...p.problems],
      decoded: { ...p.decoded },
    },
    summary: p.summary,
    flows: [],
    findings: p.findings,
    timeline: p.timeline,
    stories: [],
  };
}

/** Flows with id ≥ fromId (up to the listed `maxFlows`) as they stand: finished ones final, active ones provisional. */
export function snapshotFlows(v: LiveView, fromId: number, limit: number, maxFlows: number): Flow[] {
  const active = new Map<number, FlowState>();
  for (const f of v.table.flows) if (f && f.id >= fromId) active.set(f.id, f);
  const out: Flow[] = [];
  for (let id = Math.max(1, fromId); id < v.nextId && out.length < limit; id++) {
    if (id > maxFlows) break;
    const done = v.store.flow(id);
    if (done) out.push(done);
    else {
      const a = active.get(id);
      if (a) {
        v.awake(a); // only those built: waking all would undo parking
        out.push(buildFlow(a, v.options));
      }
    }
  }
  return out;
}
