/** Builds the summary header's data from a finished result (pure; charts come in as a renderer). */
import type { AnalysisResult, FindingCode, Severity } from '../core/engine/result';
import type { FlowList } from '../core/store/flowList';
import type { Overview, StoryView } from '../protocol/messages';
import { seriesLabel } from '../render/format';

export interface ChartRenderer {
  barChart(series: { label: string; values: number[]; start?: string; binSeconds?: number }): string;
  histogram(values: number[]): string;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** `flows`: every flow of the capture (the engine's store), else the result's listed flows. */
export function buildOverview(result: AnalysisResult, charts: ChartRenderer, elapsedMs: number, flows: FlowList = result.flows): Overview {
  const states: Record<string, number> = {};
  const rtts: number[] = [];
  for (let i = 0; i < flows.length; i++) {
    const f = flows.at(i)!;
    states[f.state] = (states[f.state] ?? 0) + 1;
    if (f.handshake.rtt !== null) rtts.push(f.handshake.rtt * 1000);
  }
  const byCode = new Map<FindingCode, { code: FindingCode; count: number; severity: Severity }>();
  for (const fd of result.findings) {
    const e = byCode.get(fd.code);
    if (!e) byCode.set(fd.code, { code: fd.code, count: 1, severity: fd.severity });
    else {
      e.count++;
      if (RANK[fd.severity] < RANK[e.severity]) e.severity = fd.severity;
    }
  }
  const findingCodes = [...byCode.values()].sort((a, b) => RANK[a.severity] - RANK[b.severity] || b.count - a.count);
  const safe = (draw: () => string): string => {
    // A chart is decoration: a renderer bug must not cost the user the analysis.
    try {
      return draw();
    } catch {
      return '';
    }
  };
  const tl = result.timeline;
  const stories: StoryView[] = (result.stories ?? []).map((story) => ({
    story,
    charts: story.series.map((s) => safe(() => charts.barChart({ label: seriesLabel(s.label, s.unit), values: s.values, start: s.start, binSeconds: s.binSeconds }))),
  }));
  return {
    capture: result.capture,
    summary: result.summary,
    stories,
    states,
    findingCodes,
    findingsTotal: result.findings.length,
    synFlood: result.findings.some((f) => f.code === 'syn-flood') || stories.some((s) => s.story.kind === 'syn-flood'),
    charts: {
      synRate: tl && tl.syn.length > 0 ? safe(() => charts.barChart({ label: 'SYNs per bin', values: tl.syn, start: tl.start, binSeconds: tl.binSeconds })) : '',
      rttHistogram: rtts.length > 0 ? safe(() => charts.histogram(rtts)) : '',
    },
    elapsedMs,
  };
}
