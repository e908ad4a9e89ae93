/** Builds the summary header's data from a finished result (pure; charts come in as a renderer). */
import type { AnalysisResult, FindingCode, Severity } from '../core/engine/result';
import { fieldsOf } from '../core/store/flowFields';
import type { FlowList } from '../core/store/flowList';
import type { Overview, StoryView } from '../protocol/messages';
import { formatOffset } from '../render/barChart';
import { formatDuration, seriesLabel } from '../render/format';
import { rebin } from './rebin';
import { stateWords } from '../protocol/stateWords';
import { verdict } from '../core/stories/verdict';

export interface ChartRenderer {
  /** `width` in px (default: the renderer's). */
  barChart(series: { label: string; values: number[]; start?: string; binSeconds?: number }, width?: number): string;
  histogram(values: number[]): string;
}

const STORY_CHART_WIDTH = 460;
const SUMMARY_CHART_BINS = 80;

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** `flows`: every flow of the capture (the engine's store), else the result's listed flows. */
export function buildOverview(result: AnalysisResult, charts: ChartRenderer, elapsedMs: number, flows: FlowList = result.flows): Overview {
  const states: Record<string, number> = {};
  const rtts: number[] = [];
  const words = new Map<string, Set<string>>();
  const vlans = new Set<number>();
  const interfaces = new Set<number>();
  // Read from the store's columns (fieldsOf): no Flow is built for a summary of every flow.
  const x = fieldsOf(flows);
  for (let i = 0; i < flows.length; i++) {
    const f = x.filterable(i);
    const state = f.state;
    states[state] = (states[state] ?? 0) + 1;
    let w = words.get(state);
    if (!w) words.set(state, (w = new Set()));
    w.add(stateWords(state, f.handshake.complete));
    for (const v of f.vlan) vlans.add(v);
    for (const n of f.interfaces) interfaces.add(n);
    const rtt = x.number(i, 'rtt');
    if (rtt === rtt) rtts.push(rtt * 1000);
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
    charts: story.series.map((s) => safe(() => charts.barChart({ label: seriesLabel(s.label, s.unit), values: s.values, start: s.start, binSeconds: s.binSeconds }, STORY_CHART_WIDTH))),
  }));
  // Bars at least ~4 px wide, so each one has a tooltip a pointer can reach.
  const synBins = tl ? rebin(tl.syn, tl.binSeconds, SUMMARY_CHART_BINS) : null;
  return {
    capture: result.capture,
    summary: result.summary,
    verdict: verdict(result, formatDuration, flows),
    stories,
    vlans: [...vlans].sort((a, b) => a - b),
    interfaces: [...interfaces].sort((a, b) => a - b),
    states,
    stateLabels: Object.fromEntries([...words].map(([code, w]) => [code, [...w].sort().join(' or ')])),
    findingCodes,
    findingsTotal: result.findings.length,
    synFlood: result.findings.some((f) => f.code === 'syn-flood') || stories.some((s) => s.story.kind === 'syn-flood'),
    charts: {
      synRate: tl && synBins && synBins.values.some((v) => v > 0)
        ? safe(() => charts.barChart({ label: `SYNs per ${formatOffset(synBins.binSeconds)} bin`, values: synBins.values, start: tl.start, binSeconds: synBins.binSeconds }))
        : '',
      rttHistogram: rtts.length > 0 ? safe(() => charts.histogram(rtts)) : '',
    },
    synRateBins: tl && synBins && synBins.values.some((v) => v > 0) ? { start: tl.start, binSeconds: synBins.binSeconds, count: synBins.values.length } : null,
    elapsedMs,
  };
}
