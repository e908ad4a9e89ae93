/**
 * Per-target (server ip:port) aggregates, fed once per finished flow: what a SYN flood finding
 * needs (exact counts, distinct sources in a compact set, a bounded list of top sources),
 * SYN-cookie evidence, and RTT samples for per-server slow-handshake outliers.
 */
import { NONE as EMPTY, P_ACK, V_SYN_ACK_TSVAL } from './flowState';
import type { FlowState } from './flowState';
import type { Outcome } from './outcome';
import type { Endpoint } from './result';
import { addressWord, formatAddress } from '../decode/address';
import { handshakeTime } from './findings/slowHandshake';
import type { FlowFacts } from './buildFlow';
import { PER_FLOW, slabOffsets, TIME_POINT } from './slabLayout';
import { diffSeconds, readPoint, type TimePoint } from './time';
import { SetBudget, U32Set } from './u32Set';

/**
 * Servers (ip:port) with aggregates at once. A port scan makes one per probed port; past this,
 * servers whose aggregates cannot yet matter are dropped (Analyzer.pruneTargets).
 */
export const MAX_TRACKED_SERVERS = 1 << 14;
/**
 * Bytes all servers' distinct-source sets may hold together: a distributed flood (hundreds of
 * servers, each with tens of thousands of spoofed sources) must stay inside the memory ceiling.
 */
export const SOURCE_SETS_BUDGET = 16 << 20;
/** Sources tracked with their own counter (the rest are only counted). */
const MAX_SOURCE_COUNTERS = 1024;
/** RTT samples kept per server for the outlier test, and by all servers together (7 MiB). */
const MAX_RTT_SAMPLES = 4096;
export const MAX_RTT_SAMPLES_TOTAL = 1 << 17;
/**
 * Completed-handshake times kept per target to count legitimate handshakes during a flood, and
 * by all targets together (4 MiB).
 */
const MAX_COMPLETED_TIMES = 100000;
export const MAX_COMPLETED_TIMES_TOTAL = 1 << 19;
/** Flow ids kept per target for a flood finding's `flows`. */
const MAX_FLOOD_FLOW_IDS = 1000;
/**
 * Timestamp samples for the SYN-cookie test: numbers kept per target (two per sample), and
 * samples kept by all targets together (4 MiB).
 */
const MAX_TS_NUMBERS = 20000;
export const MAX_TS_SAMPLES_TOTAL = 1 << 18;

/**
 * What all servers' samples may hold together (one per analysis). Per-server caps alone grow
 * with the number of busy servers times the capture's length: a long capture of a few hundred
 * servers would fill them all. Once a budget is spent, servers keep what they have.
 */
export class TargetBudgets {
  readonly sourceSets = new SetBudget(SOURCE_SETS_BUDGET);
  rttSamples = MAX_RTT_SAMPLES_TOTAL;
  completedTimes = MAX_COMPLETED_TIMES_TOTAL;
  tsSamples = MAX_TS_SAMPLES_TOTAL;
}

/**
 * The shared frozen empty list (flowState's) a target's lists start as, replaced on the first
 * push (most never get one); a push into it by mistake throws instead of filling every target's.
 */
const NONE = EMPTY as number[];

/**
 * Per RTT sample: the RTT, the flow id and the completing ACK's time point (as in the slab;
 * formatted only if the sample becomes a finding). As objects a sample cost ~200 bytes, and a
 * long capture fills MAX_RTT_SAMPLES for every busy server.
 */
const SAMPLE = slabOffsets({ rtt: PER_FLOW, flow: PER_FLOW, ack: TIME_POINT });

export class TargetAgg {
  flows = 0;
  complete = 0;
  /** Client SYN, never completed, not refused: half-open, unanswered or abandoned with a RST. */
  failed = 0;
  halfOpen = 0;
  unanswered = 0;
  refused = 0;
  resetInHandshake = 0;
  /** Client SYNs in failed flows (retransmissions included) and their time span. */
  failedSyns = 0;
  /** First/last failed SYN: seconds as a float (for windows) and exact (sec, ns) for the span. */
  firstFailedSec = Infinity;
  lastFailedSec = -Infinity;
  private firstSec = 0;
  private firstNs = 0;
  private lastSec = 0;
  private lastNs = 0;
  firstFailedPacket = 0;
  firstFailedTime = '';
  /**
   * Distinct sources: exact up to ~1.5 million per target (8 MiB) while all servers' sets fit
   * SOURCE_SETS_BUDGET together, a HyperLogLog estimate (±1 %) beyond; the memory ceiling of a
   * 10^7-source flood has no room for a larger table.
   */
  private sources: U32Set | null = null;
  /** Per-source flow counts for the first sources seen (key: IPv4 address or IPv6 hash). */
  private sourceCounts: Map<number, { ip: string; flows: number }> | null = null;
  /** Failed flows the server answered with a SYN-ACK, and SYN-ACK retransmissions among them. */
  answeredFailed = 0;
  answeredFailedRetx = 0;
  /** Of those, flows whose SYN-ACK was retransmitted at least once. */
  answeredFailedRetxFlows = 0;
  /** SYN-ACKs without window scale and SACK although the SYN (without timestamps) offered them. */
  optionsDroppedCandidates = 0;
  optionsDropped = 0;
  /**
   * SYN-ACKs carrying timestamps, as (SYN time, 1 if the TSval's low bits encode the client's
   * window scale and SACK as Linux cookies do, else 0); judged at the end within the flood.
   */
  tsSamples: number[] = NONE;
  completedTimes: number[] = NONE;
  floodFlowIds: number[] = NONE;
  private rttBuf: Float64Array | null = null;
  /** RTT samples kept (see RTT_SLOTS). */
  rttCount = 0;

  constructor(readonly ip: string, readonly port: number, private readonly budgets: TargetBudgets) {}

  private shared: Endpoint | null = null;

  /** This server as a Flow's `server`, one frozen object for all its flows (buildFlow). */
  get endpoint(): Endpoint {
    return (this.shared ??= Object.freeze({ ip: this.ip, port: this.port }));
  }

  /** Returns what this server held to the budgets when it is dropped (Analyzer.pruneTargets). */
  dispose(): void {
    this.sources?.dispose();
    this.sources = null;
    const b = this.budgets;
    b.rttSamples += this.rttCount;
    b.completedTimes += this.completedTimes.length;
    b.tsSamples += this.tsSamples.length / 2;
    this.rttCount = 0;
    this.completedTimes = NONE;
    this.tsSamples = NONE;
  }

  /** Seconds from the first to the last failed SYN, exact. */
  failedSpan(): number {
    return this.failed > 0 ? diffSeconds(this.lastSec, this.lastNs, this.firstSec, this.firstNs) : 0;
  }

  add(f: FlowFacts, state: FlowState, outcome: Outcome): void {
    this.flows++;
    const start = state.startPoint();
    const sec = state.pointSec(start);
    const ns = state.pointNs(start);
    const synSec = sec + ns / 1e9;
    if (outcome === 'complete') {
      this.complete++;
      const b = this.budgets;
      if (this.completedTimes.length < MAX_COMPLETED_TIMES && b.completedTimes > 0 && state.firstSynSide >= 0) {
        if (this.completedTimes === NONE) this.completedTimes = [];
        this.completedTimes.push(synSec);
        b.completedTimes--;
      }
      const took = handshakeTime(f);
      if (took !== null && state.hasAck && this.rttCount < MAX_RTT_SAMPLES && b.rttSamples > 0) {
        this.addRtt(took, state);
        b.rttSamples--;
      }
    } else if (outcome === 'refused') {
      this.refused++;
    }
    // Tested for every flow, counted by 0 or 1: tests first reached by the first failed flow (late
    // on a busy capture) had no type feedback and threw this method's compiled code away.
    const halfOpen = outcome === 'half-open' ? 1 : 0;
    const unanswered = outcome === 'unanswered' ? 1 : 0;
    const reset = outcome === 'reset' ? 1 : 0;
    if (halfOpen + unanswered + reset > 0) {
      this.failed++;
      this.halfOpen += halfOpen;
      this.unanswered += unanswered;
      this.resetInHandshake += reset;
      // `| 0`: the facts' counts may arrive as heap numbers (doubles); a double sum stored here
      // turned the field into a double and replaced every target's hidden class mid-capture
      // (retire's compiled code then failed its map check on agg.add: "wrong map").
      this.failedSyns += f.syn | 0;
      if (synSec < this.firstFailedSec) {
        this.firstFailedSec = synSec;
        this.firstSec = sec;
        this.firstNs = ns;
        this.firstFailedPacket = state.pointPacket(start);
        this.firstFailedTime = state.pointTime(start);
      }
      if (synSec > this.lastFailedSec) {
        this.lastFailedSec = synSec;
        this.lastSec = sec;
        this.lastNs = ns;
      }
      this.addSource(state, f.client);
      if (this.floodFlowIds.length < MAX_FLOOD_FLOW_IDS) {
        if (this.floodFlowIds === NONE) this.floodFlowIds = [];
        this.floodFlowIds.push(state.id);
      }
      // Counted by 0 or 1, no branch: the first answered failed flow (late) threw this code away.
      const answered = f.synAck > 0 ? 1 : 0;
      const retx = f.synAckRetx | 0; // a small integer, as failedSyns
      this.answeredFailed += answered;
      this.answeredFailedRetx += answered * retx;
      this.answeredFailedRetxFlows += answered * (retx > 0 ? 1 : 0);
    }
    if (f.synAck > 0 && f.syn > 0) this.cookieEvidence(f, state.s.a[state.o + V_SYN_ACK_TSVAL + 1 - f.client], synSec);
  }

  private addRtt(rtt: number, state: FlowState): void {
    let b = this.rttBuf;
    if (!b || b.length < (this.rttCount + 1) * SAMPLE.SLOTS) {
      const next = new Float64Array(Math.min(MAX_RTT_SAMPLES, Math.max(8, this.rttCount * 2)) * SAMPLE.SLOTS);
      if (b) next.set(b);
      this.rttBuf = b = next;
    }
    const o = this.rttCount++ * SAMPLE.SLOTS;
    b[o + SAMPLE.rtt] = rtt;
    b[o + SAMPLE.flow] = state.id;
    const a = state.s.a;
    const from = state.o + P_ACK;
    for (let i = 0; i < TIME_POINT; i++) b[o + SAMPLE.ack + i] = a[from + i];
  }

  /** The i-th RTT sample (seconds), its flow, and the ACK that completed the handshake. */
  rtt(i: number): number { return this.rttBuf![i * SAMPLE.SLOTS + SAMPLE.rtt]; }
  rttFlow(i: number): number { return this.rttBuf![i * SAMPLE.SLOTS + SAMPLE.flow]; }
  rttAck(i: number): TimePoint {
    return readPoint(this.rttBuf!, i * SAMPLE.SLOTS + SAMPLE.ack);
  }

  private addSource(state: FlowState, clientSide: number): void {
    const a = state.s.addrs;
    const o = state.addrOf(clientSide);
    // Signed 32-bit keys (U32Set reads them as unsigned): an unsigned one above 2^31 was a heap
    // number per flow, and a floating-point Map key to hash.
    let key: number;
    if (state.ipVersion === 4) key = addressWord(a, o);
    else {
      key = 0x811c9dc5;
      for (let i = 0; i < 16; i++) key = Math.imul(key ^ a[o + i], 0x01000193);
    }
    // Made on the first failed flow: most servers never see one.
    const isNew = (this.sources ??= new U32Set(16, 1 << 21, this.budgets.sourceSets)).add(key);
    const counts = (this.sourceCounts ??= new Map());
    // A source the set did not hold has no counter yet: no lookup (a flood's spoofed sources are
    // nearly all new).
    const c = isNew ? undefined : counts.get(key);
    if (c !== undefined) c.flows++;
    else if (counts.size < MAX_SOURCE_COUNTERS) counts.set(key, { ip: formatAddress(state.s.addrs, state.ipVersion, o), flows: 1 });
  }

  private cookieEvidence(f: FlowFacts, tsVal: number, synSec: number): void {
    const offered = f.clientOptions;
    const answered = f.serverOptions;
    if (!offered.timestamps && (offered.windowScale !== null || offered.sackPermitted)) {
      this.optionsDroppedCandidates++;
      if (answered.windowScale === null && !answered.sackPermitted && !answered.timestamps) this.optionsDropped++;
    }
    if (offered.timestamps && answered.timestamps && tsVal >= 0 && this.tsSamples.length < MAX_TS_NUMBERS && this.budgets.tsSamples > 0) {
      this.budgets.tsSamples--;
      const ws = offered.windowScale ?? 0xf;
      const expected = (ws & 0xf) | (offered.sackPermitted ? 0x10 : 0);
      if (this.tsSamples === NONE) this.tsSamples = [];
      this.tsSamples.push(synSec, (tsVal & 0x1f) === expected ? 1 : 0);
    }
  }

  /** Distinct sources of failed flows: exact, estimated, or (memory budget spent) a lower bound. */
  distinctSources(): { count: number; exact: boolean; lowerBound: boolean } {
    const s = this.sources;
    return s ? { count: s.count(), exact: s.exact, lowerBound: s.lowerBoundOnly } : { count: 0, exact: true, lowerBound: false };
  }

  topSources(n: number): { ip: string; flows: number }[] {
    return [...(this.sourceCounts?.values() ?? [])]
      .sort((a, b) => b.flows - a.flows || (a.ip < b.ip ? -1 : 1))
      .slice(0, n)
      .map((x) => ({ ip: x.ip, flows: x.flows }));
  }

  /** Timestamp samples between two times: [total, encoding the client's options]. */
  tsBetween(from: number, to: number): [number, number] {
    let n = 0;
    let k = 0;
    for (let i = 0; i < this.tsSamples.length; i += 2) {
      const t = this.tsSamples[i];
      if (t >= from && t <= to) {
        n++;
        k += this.tsSamples[i + 1];
      }
    }
    return [n, k];
  }

  completedBetween(from: number, to: number): number {
    let n = 0;
    for (const t of this.completedTimes) if (t >= from && t <= to) n++;
    return n;
  }
}
