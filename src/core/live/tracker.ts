/**
 * Snapshots of an analysis while it reads, at a cost that follows what changed since the last
 * one: the live flows that got packets (the engine lists them in Analyzer.touched), the flows
 * finished meanwhile (handed over by Analyzer.onRetire), and the flows whose evidence changes
 * with time alone (Deadlines). Neither a snapshot nor the summary walks the flow table: a SYN
 * flood holds hundreds of thousands of live attempts, and the follower must not fall behind.
 *
 * A live flow's findings are what `analyze` would say were the capture to end now, except that
 * a handshake inside its first retransmission timeout is not reported (analyze calls it
 * incomplete-at-end: here it is simply pending). They are provisional while the handshake is
 * still in progress and inside its retry horizon (limits.ts retryHorizonNs: the client's or
 * server's next retransmission could still come, or an answer), and final once the flow is
 * finished or quiet past that horizon.
 */
import type { Analyzer } from '../engine/analyzer';
import { buildFlow, flowFacts, newFlowFacts, type FlowFacts } from '../engine/buildFlow';
import type { AnalysisConfig } from '../engine/config';
import { cutOffByEnd } from '../engine/cutOff';
import { findingCodes, stateFindings, type Candidate } from '../engine/flowFindings';
import { FLOOD_ABSORBED } from '../engine/findings/registry';
import type { FlowState } from '../engine/flowState';
import { retryHorizonNs } from '../engine/limits';
import { outcomeOf, type Outcome } from '../engine/outcome';
import type { FindingCode, Flow, Summary } from '../engine/result';
import { formatPoint } from '../engine/time';
import { Deadlines } from './deadlines';
import { LiveCounts } from './liveCounts';
import type { FollowEvent } from './events';
import { FindingSet } from './findingSet';

/** Seconds after a flow's last packet at which an attempt still cut off is looked at again (cutOff.ts's first retry). */
const FIRST_RETRY_SECONDS = 1;

/** Capture time as seconds + nanoseconds. */
export interface LiveClock {
  sec: number;
  ns: number;
}

export class LiveTracker {
  readonly findings: FindingSet;
  private readonly deadlines = new Deadlines();
  private readonly facts: FlowFacts = newFlowFacts();
  private readonly codes: FindingCode[] = [];
  /** The next flow id at the last snapshot. */
  private seenNextId = 1;
  /** Live flows that got packets since the last snapshot (drained from Analyzer.touched). */
  private readonly changed = new Set<FlowState>();
  /** What the live flows add to the summary, each as of its last packet. */
  private readonly counts = new LiveCounts();
  /** The flows of the last snapshot's ids, live ones by id (flowsById). */
  private lastLive = new Map<number, FlowState>();
  /**
   * `ip:port` of targets with a SYN flood so far: a flood absorbs its flows' own findings
   * (FLOOD_ABSORBED), as analyze's result does, so those are counted, not sent.
   */
  floodTargets: ReadonlySet<string> = new Set();
  /** Ids of flows finished since the last snapshot (for flow deltas). */
  private finishedIds: number[] = [];

  constructor(private readonly a: Analyzer, private readonly config: AnalysisConfig, emit: (e: FollowEvent) => void, private readonly wantFlowIds: boolean) {
    this.findings = new FindingSet(config, emit);
    a.onRetire = (f, facts, outcome, codes, n) => this.retired(f, facts, outcome, codes, n);
    a.touched = [];
  }

  /** No more live events: the analyzer is about to finish every flow at once. */
  detach(): void {
    this.a.onRetire = null;
    this.a.touched = null;
  }

  /** Takes the flows that got packets from the engine's list: each is counted again as it stands. */
  private collect(): void {
    const touched = this.a.touched;
    if (touched === null) return;
    const v = this.a.liveView();
    for (let i = 0; i < touched.length; i++) {
      const f = touched[i];
      f.touched = false;
      // Finished since (its object perhaps idle in the engine's spares): retired() saw to it.
      if (f.slot < 0) continue;
      v.awake(f);
      const k = flowFacts(f, this.facts);
      this.counts.set(f, k, outcomeOf(k));
      this.changed.add(f);
    }
    touched.length = 0;
  }

  /** A flow is finished: its findings are final now (and sent as such if they changed). */
  private retired(f: FlowState, facts: FlowFacts, outcome: Outcome, codes: readonly FindingCode[], n: number): void {
    // The engine's summary counts it from now on.
    this.counts.drop(f);
    this.changed.delete(f);
    if (this.wantFlowIds) this.finishedIds.push(f.id);
    const known = this.findings.knows(f.id);
    if (n === 0) {
      if (known) this.findings.setFlow(f.id, [], false, null, true);
      return;
    }
    const wanted = new Set<FindingCode>();
    for (let i = 0; i < n; i++) {
      if (known || this.findings.hasRoom(codes[i])) wanted.add(codes[i]);
      else this.findings.countFinal(codes[i]);
    }
    if (wanted.size === 0) {
      this.findings.setFlow(f.id, [], false, null, true);
      return;
    }
    // Sent at the next snapshot, once that snapshot knows whether the flow's target is flooded.
    const flow = buildFlow(f, this.a.liveView().options);
    this.finishedFindings.push({ id: f.id, server: `${flow.server.ip}:${flow.server.port}`, cands: stateFindings(f, flow, wanted, outcome, this.config) });
  }

  /** Final findings of flows finished since the last snapshot, with their target. */
  private finishedFindings: { id: number; server: string; cands: Candidate[] }[] = [];

  /**
   * Brings the findings up to `now` (capture time). Returns the ids of the flows that changed
   * since the last snapshot when flow ids were asked for (new, updated or finished).
   */
  snapshot(now: LiveClock): number[] {
    for (const x of this.finishedFindings) {
      const flooded = this.floodTargets.has(x.server);
      this.findings.setFlow(x.id, flooded ? x.cands.filter((c) => !FLOOD_ABSORBED.has(c.code)) : x.cands, false, null, true);
    }
    this.finishedFindings = [];
    const v = this.a.liveView();
    this.collect();
    const changed = this.changed;
    this.deadlines.due(now.sec + now.ns / 1e9, changed);
    for (const f of changed) {
      v.awake(f);
      this.evaluate(f, now);
    }
    const ids: number[] = [];
    if (this.wantFlowIds) {
      this.lastLive = new Map();
      for (const f of changed) {
        ids.push(f.id);
        this.lastLive.set(f.id, f);
      }
      for (const id of this.finishedIds) ids.push(id);
      this.finishedIds = [];
    }
    changed.clear();
    this.seenNextId = v.nextId;
    return ids;
  }

  private evaluate(f: FlowState, now: LiveClock): void {
    const facts = flowFacts(f, this.facts);
    facts.cutOff = cutOffByEnd(f, facts.client, now.sec, now.ns);
    const outcome = outcomeOf(facts);
    const n = findingCodes(facts, outcome, this.config, this.codes);
    const wanted = new Set<FindingCode>();
    for (let i = 0; i < n; i++) if (this.codes[i] !== 'incomplete-at-end') wanted.add(this.codes[i]);
    const last = f.lastSec + f.lastNs / 1e9;
    const inProgress = outcome === 'unanswered' || outcome === 'half-open';
    const settles = last + retryHorizonNs(f, f.firstSynAckSide >= 0) / 1e9;
    const nowS = now.sec + now.ns / 1e9;
    const provisional = inProgress && nowS < settles;
    if (facts.cutOff) this.deadlines.add(Math.max(last + FIRST_RETRY_SECONDS, nowS), f);
    else if (provisional) this.deadlines.add(settles, f);
    let cands: Candidate[] = [];
    if (wanted.size > 0 && (this.findings.knows(f.id) || [...wanted].some((c) => this.findings.hasRoom(c)))) {
      cands = this.candidates(f, wanted, outcome);
    }
    if (cands.length > 0 || this.findings.knows(f.id)) {
      const at = provisional ? formatPoint({ sec: Math.floor(settles), frac: Math.round((settles % 1) * 1e6), ups: 1e6 }) : null;
      this.findings.setFlow(f.id, cands, provisional, at, false);
    }
  }

  private candidates(f: FlowState, wanted: ReadonlySet<FindingCode>, outcome: Outcome): Candidate[] {
    const flow = buildFlow(f, this.a.liveView().options);
    const cands = stateFindings(f, flow, wanted, outcome, this.config);
    if (this.floodTargets.size === 0 || !this.floodTargets.has(`${flow.server.ip}:${flow.server.port}`)) return cands;
    return cands.filter((c) => !FLOOD_ABSORBED.has(c.code));
  }

  /** Flows of the last snapshot's ids as they stand: finished ones from the store, live ones from their state. */
  flowsById(ids: readonly number[], limit: number): Flow[] {
    const v = this.a.liveView();
    const out: Flow[] = [];
    for (const id of ids) {
      if (out.length >= limit) break;
      const live = this.lastLive.get(id);
      const f = live !== undefined && live.id === id && live.slot >= 0 ? live : undefined;
      if (f) v.awake(f);
      const flow = f ? buildFlow(f, v.options) : v.store.flow(id);
      if (flow) out.push(flow);
    }
    return out;
  }

  /**
   * The summary as it stands: finished flows' counts plus every live flow as if the capture
   * ended now (what `analyze` would count), findings per code as sent so far.
   */
  summary(): Summary {
    this.collect();
    const s: Summary = { ...this.a.liveView().summary, findings: this.findings.counts() };
    this.counts.addTo(s);
    return s;
  }

  /** Chunks of live-count rows held now (tests: a flood's rows go back). */
  get heldRowChunks(): number {
    return this.counts.chunkCount;
  }

  /** Next flow id at the last snapshot (flows created since are new). */
  get knownFlows(): number {
    return this.seenNextId - 1;
  }
}
