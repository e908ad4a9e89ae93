/** What every story builder gets: the finished result, thresholds, a clock, and a finding sink. */
import type { AnalysisResult, Finding, FindingCode, Severity } from '../engine/result';
import { Clock } from './clock';
import { STORY_FLOW_CAP, StoryConfig } from './config';
import type { FlowSource } from './storyFlow';

export interface StoryContext {
  readonly result: AnalysisResult;
  readonly flows: FlowSource;
  readonly config: StoryConfig;
  readonly clock: Clock;
  readonly captureStartNs: number;
  readonly captureEndNs: number;
  /** Adds a finding with the next free id (after the engine's) and its code's severity, and returns it. */
  addFinding(f: Omit<Finding, 'id' | 'severity'>): Finding;
  readonly findings: Finding[];
}

/** Findings of one code listed one by one before the rest fold into one summary (the engine's default). */
export const DEFAULT_MAX_FINDINGS_PER_CODE = 200;

export function createContext(
  result: AnalysisResult, flows: FlowSource, config: StoryConfig, severities: Readonly<Record<FindingCode, Severity>>,
  maxPerCode = DEFAULT_MAX_FINDINGS_PER_CODE,
): StoryContext {
  const clock = new Clock(result.capture.start ?? flows.get(1)?.start ?? result.flows[0]?.start ?? result.timeline.start);
  let startNs = clock.ns(result.capture.start);
  let endNs = clock.ns(result.capture.end);
  if (!Number.isFinite(startNs) || !Number.isFinite(endNs)) {
    // A result without capture times: fall back to the span of its flows.
    startNs = Infinity; endNs = -Infinity;
    flows.forEach((f) => {
      startNs = Math.min(startNs, f.startNs(clock));
      endNs = Math.max(endNs, f.endNs(clock));
    });
    if (!Number.isFinite(startNs)) { startNs = 0; endNs = 0; }
  }
  let nextId = result.findings.reduce((max, f) => Math.max(max, f.id), 0) + 1;
  const findings: Finding[] = [];
  const perCode = new Map<FindingCode, number>();
  const summaries = new Map<FindingCode, Finding>();
  return {
    result, flows, config, clock, findings,
    captureStartNs: startNs,
    captureEndNs: endNs,
    addFinding(f) {
      const n = perCode.get(f.code) ?? 0;
      perCode.set(f.code, n + 1);
      if (n >= maxPerCode) {
        // Past the limit (thousands of clients failing to one target): one summary, as the engine does.
        let sum = summaries.get(f.code);
        if (!sum) {
          sum = {
            id: nextId++, code: f.code, severity: severities[f.code], message: '',
            flows: [], packet: 0, time: null, details: { more: 0, summary: true },
          };
          summaries.set(f.code, sum);
          findings.push(sum);
        }
        const more = (sum.details.more as number) + 1;
        sum.details.more = more;
        sum.message = `${more} more ${f.code} finding${more === 1 ? '' : 's'} (not listed one by one; the limit is ${maxPerCode})`;
        for (const id of f.flows) if (sum.flows.length < STORY_FLOW_CAP) sum.flows.push(id);
        return sum;
      }
      const finding: Finding = {
        id: nextId++, code: f.code, severity: severities[f.code], message: f.message,
        flows: f.flows, packet: f.packet, time: f.time, details: f.details,
      };
      findings.push(finding);
      return finding;
    },
  };
}

/** First `STORY_FLOW_CAP` ids, for stories and findings that may cover millions of flows. */
export function capFlows(ids: readonly number[]): number[] {
  return ids.length > STORY_FLOW_CAP ? ids.slice(0, STORY_FLOW_CAP) : ids.slice();
}
