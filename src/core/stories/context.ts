/** What every story builder gets: the finished result, thresholds, a clock, and a finding sink. */
import type { AnalysisResult, Endpoint, Finding, FindingCode, Flow, Severity } from '../engine/result';
import { Clock } from './clock';
import { STORY_FLOW_CAP, StoryConfig } from './config';

/**
 * The flows stories are told from: every flow of the capture when the engine has them (its
 * store builds each on request), else the result's listed flows.
 */
export interface FlowSource {
  readonly size: number;
  /** Each flow in id order; with `keep`, only those it keeps (asked before the flow is built). */
  forEach(fn: (f: Flow) => void, keep?: FlowFilter): void;
  get(id: number): Flow | undefined;
}

/** What a FlowFilter decides on: a few fields, cheap to read without building the flow. */
export interface FlowGlance {
  readonly server: Endpoint;
  /** When the connect started as collectConnects times it (its first packet or its SYN, the earlier), on `clock`. */
  connectNs(clock: Clock): number;
  readonly complete: boolean;
}
export type FlowFilter = (f: FlowGlance) => boolean;

export function connectStartNs(clock: Clock, start: string, synTime: string | null): number {
  return synTime === null || synTime === start ? clock.ns(start) : Math.min(clock.ns(start), clock.ns(synTime));
}

export function listedFlows(flows: readonly Flow[]): FlowSource {
  let byId: Map<number, Flow> | null = null;
  return {
    size: flows.length,
    forEach: (fn, keep) => {
      for (const f of flows) {
        if (!keep || keep({ server: f.server, connectNs: (clock) => connectStartNs(clock, f.start, f.handshake.syn?.time ?? null), complete: f.handshake.complete })) fn(f);
      }
    },
    get: (id) => (byId ??= new Map(flows.map((f) => [f.id, f]))).get(id),
  };
}

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
      startNs = Math.min(startNs, clock.ns(f.start));
      endNs = Math.max(endNs, clock.ns(f.end));
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
