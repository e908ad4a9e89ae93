/**
 * Findings about many flows while following: SYN floods per target (from the per-server
 * aggregates of the flows finished so far) and the stories, told as `analyze` tells them at the
 * end but from about the most recent LIVE_STORY_FLOWS finished flows. Stories read each of those
 * flows, so the follower runs this on a slower cadence than the per-flow snapshots (follow.ts).
 */
import type { Analyzer } from '../engine/analyzer';
import type { AnalysisConfig } from '../engine/config';
import { floodFinding, floodFindingKey } from '../engine/findings/synFlood';
import type { TargetAgg } from '../engine/targets';
import type { Candidate } from '../engine/flowFindings';
import { severityOf } from '../engine/config';
import type { AnalysisResult, Finding, Story } from '../engine/result';
import { formatPoint } from '../engine/time';
import { storedFlowSource } from '../store/flowViews';
import { tellStories } from '../stories/index';

/**
 * While following, the connect stories are told from this many of the most recent flows: a
 * pass reads each of them (~1 µs a flow) and holds up the reading meanwhile, so over a long
 * capture's million kept flows it would fall behind the writer by more than a second. A flood
 * story's counts come from its target's aggregate, which covers every flow.
 */
export const LIVE_STORY_FLOWS = 100_000;

export interface SharedFindings {
  floods: { key: string; candidate: Candidate }[];
  stories: { key: string; story: Story }[];
  storyFindings: { key: string; candidate: Candidate }[];
}

/** A target's flood finding as last decided, and the floodFindingKey it was decided at. */
export type FloodMemo = WeakMap<TargetAgg, { key: number; candidate: Candidate | null }>;

/**
 * SYN floods per target as the flows finished so far show them. A target is decided again only
 * when its key moved (a flood's finding lists its top sources: describing it at every snapshot
 * was most of a follower's time during a flood).
 */
export function liveFloods(a: Analyzer, config: AnalysisConfig, memo: FloodMemo = new WeakMap()): SharedFindings['floods'] {
  const v = a.liveView();
  const end = v.last ? v.last.sec + v.last.ns / 1e9 : 0;
  const floods: SharedFindings['floods'] = [];
  for (const t of v.targets.values()) {
    const key = floodFindingKey(t, end);
    let m = memo.get(t);
    if (m === undefined || m.key !== key) memo.set(t, (m = { key, candidate: floodFinding(t, config, end) }));
    if (m.candidate) floods.push({ key: `syn-flood:${t.ip}:${t.port}`, candidate: m.candidate });
  }
  return floods;
}

export function sharedFindings(a: Analyzer, config: AnalysisConfig, path: string, memo?: FloodMemo, storyFlows = LIVE_STORY_FLOWS): SharedFindings {
  const v = a.liveView();
  const floods = liveFloods(a, config, memo);
  const findings: Finding[] = floods.map((f, i) => ({ ...f.candidate, id: i + 1, severity: severityOf(config, f.candidate.code) }));
  const partial: AnalysisResult = {
    schema: 'synscope/1',
    capture: {
      path, format: 'pcap', compressed: false, linkTypes: [], packets: v.packets,
      start: v.first ? formatPoint(v.first) : null, end: v.last ? formatPoint(v.last) : null, problems: [],
    } as AnalysisResult['capture'],
    summary: { ...v.summary },
    flows: [],
    findings,
    timeline: v.timeline.result(),
    stories: [],
  };
  const n = v.nextId - 1;
  // The newest ids are mostly flows still live (not in the store yet): reach past them.
  const from = Math.max(1, n - storyFlows - v.table.size + 1);
  const note = from > 1
    ? `about the most recent ${storyFlows.toLocaleString('en-US')} finished of ${n.toLocaleString('en-US')} flows so far (while following; the final report reads every flow kept)`
    : undefined;
  const told = tellStories(partial, config, storedFlowSource(v.store, n, from, note));
  const storyFindings = told.findings.map((f) => ({ key: `story:${f.code}:${f.message.split(':')[0]}`, candidate: f }));
  return {
    floods,
    stories: told.stories.map((s) => ({ key: `${s.kind}:${s.title}`, story: s })),
    storyFindings,
  };
}
