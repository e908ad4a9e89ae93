/**
 * The shape of a finding rule: when a code applies and how it is described, side by side, so a
 * finding is decided and worded in one place. A code is decided at one or more of three
 * moments: when a flow is finished (per flow), at the end of the capture (per server or per
 * capture), or while the stories are told. registry.ts lists every code with its rules.
 */
import type { CaptureProblem } from '../../capture/types';
import type { AnalysisConfig } from '../config';
import type { FlowFacts } from '../buildFlow';
import type { Outcome } from '../outcome';
import type { FindingCode, Flow } from '../result';
import type { TargetAgg } from '../targets';

/** Where a finding points: the packet it is about and its printed time. */
export interface Point {
  packet: number;
  time: string | null;
}

/** A finding's sentence and its figures. */
export interface Words {
  message: string;
  details: Record<string, unknown>;
}

/** What a rule says about one finding: where it points, its sentence and its figures. */
export interface Described extends Point, Words {}

/** A finding before it gets an id and severity. */
export interface Candidate extends Described {
  code: FindingCode;
  flows: number[];
}

/**
 * A finding kept for the end of the capture: where it points is known (the end orders and
 * picks by it), its words are written by `describe` only if it is listed. Of the ~5,000
 * per-flow candidates the 1 GiB bench mix keeps, ~1,000 are.
 */
export interface Pending extends Point {
  code: FindingCode;
  describe(): Candidate;
}

/** What a per-flow rule's description may use beyond the flow itself. */
export interface FlowRuleContext {
  config: AnalysisConfig;
  outcome: Outcome;
  /** The first RST of the flow: its frame (0 without one), time, and seconds after the first SYN. */
  rstPacket: number;
  rstTime: string | null;
  rstDelay: number | null;
}

/** Decided when a flow is finished. */
export interface PerFlowRule {
  /** Runs for every flow: cheap, no strings. */
  applies(f: FlowFacts, outcome: Outcome, config: AnalysisConfig): boolean;
  /**
   * Where the finding points; null: nothing to say after all. Runs for the candidates kept
   * until the end (bounded per code), so the end can order and pick them before any is worded.
   */
  point(flow: Flow, x: FlowRuleContext): Point | null;
  /** Its words: runs only for the findings listed (the point was not null). */
  describe(flow: Flow, x: FlowRuleContext): Words;
}

/** What the end-of-capture rules see. */
export interface EndInput {
  config: AnalysisConfig;
  targets: TargetAgg[];
  problems: CaptureProblem[];
  captureEndSec: number;
  /** Flows left out of per-server aggregates because the capture has too many servers. */
  flowsNotAggregated: number;
  /** Live flows finished early for the memory bound (limits.ts), if any. */
  liveLimit?: LiveLimitFacts | null;
}

/** What the memory bound on live flows did (limits.ts counts it). */
export interface LiveLimitFacts {
  maxLiveFlows: number;
  liveFlowsFinished: number;
  handshakesInProgress: number;
  firstPacket: number;
  firstTime: string | null;
  laterPackets: number;
  packetsAfterQuiet: number;
  afterQuietPacket: number;
  afterQuietTime: string | null;
}

/** Decided at the end of the capture: `decide` finds the facts of each finding, `describe` words one. */
export interface EndRule<F> {
  decide(input: EndInput): F[];
  describe(facts: F, config: AnalysisConfig): Candidate;
}

/**
 * Decided while the stories are told (src/core/stories), from every flow: `decide` is the story
 * builder that finds it, `describe` the sentence it gives the finding.
 */
export interface StoryRule<F> {
  decide: (...args: never[]) => unknown;
  describe(facts: F): string;
}

/** Where a per-flow finding points: the handshake packet it is about, else the flow's first. */
export function pointOf(flow: Flow, which: 'syn' | 'synAck' | 'ack'): Point {
  const r = flow.handshake[which];
  return r ? { packet: r.packet, time: r.time } : { packet: flow.firstPacket, time: flow.start };
}
