/**
 * The handshake engine. Feed it every packet in file order (`addPacket`), then call `finish`.
 * Per packet it decodes into one reused segment, finds the flow in an open-addressing table and
 * updates counters: no allocation unless the packet is a handshake event. Flows are finished
 * (turned into result Flows, counted, aggregated per target) when a new SYN re-opens their
 * 4-tuple, when memory needs it (closed/idle flows first), or at the end.
 */
import { P_FIRST, P_RST, P_SYN, V_BASE_SEQ, V_BASE_SET, V_DATA_SEEN, V_FIN, V_RST, V_SYN_SEQ } from './flowState';
import type { PacketRecord, ReadSummary } from '../capture/types';
import { Reassembler } from '../decode/reassembler';
import { DecodeResult, newTcpSegment, TCP_ACK, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import { tellStories, type FlowSource } from '../stories/index';
import { buildFlow, flowFacts, newFlowFacts } from './buildFlow';
import { clientSideOf } from './roles';
import { EventLog } from './eventLog';
import { resolveConfig, type AnalysisConfig } from './config';
import { assembleFindings } from './endFindings';
import { FLOOD_ABSORBED, findingCodes, flowFindings } from './flowFindings';
import { FLOW_STRIDE, FlowState, updateFlow, type PacketTime } from './flowState';
import { ZeekConn } from './zeek';
import { Slab } from './slab';
import { cutOffByEnd } from './cutOff';
import { isnKey, LiveLimit, retryHorizonNs } from './limits';
import { FlowTable, newHashSeed, segmentHash, tupleHash2 } from './flowTable';
import { outcomeOf } from './outcome';
import type { AnalysisResult, FindingCode, Flow, FlowEvent, Summary } from './result';
import type { TargetAgg } from './targets';
import { diffSeconds, formatPoint, fracToNs, type TimePoint } from './time';
import { TimelineBuilder, TL_COMPLETED, TL_RST, TL_SYN, TL_SYNACK } from './timeline';
import { PairSet } from './pairSet';
import { ServerAggregates } from './serverAggregates';
import { FlowStore } from '../store/flowStore';
import { findingsIndex } from '../store/findingsIndex';
import type { FlowList } from '../store/flowList';
import { firstFlows, storedFlowList, storedFlowSource } from '../store/flowViews';
import { Checkpoints } from '../store/checkpoints';

export interface DecodeCounts {
  tcp: number;
  notTcp: number;
  fragments: number;
  unknownLinkType: number;
  malformed: number;
}

/** Nanoseconds from the capture's first second to the flow's last packet: exact below 2^53 ns (about 104 days). */
function ageNs(f: FlowState, base: number): number {
  return (f.lastSec - base) * 1e9 + f.lastNs;
}

export class Analyzer {
  readonly config: AnalysisConfig;
  private table: FlowTable;
  /** Keys the flow-table hashes (see newHashSeed). */
  private readonly hashSeed = newHashSeed();
  private slab: Slab;
  private readonly seg: TcpSegment = newTcpSegment();
  /** One per capture: decodes from the reader's buffer (no view per packet) and rebuilds IP fragments as tshark does. */
  private readonly reassembler = new Reassembler();
  private readonly pt: PacketTime = { index: 0, sec: 0, ns: 0, frac: 0, ups: 1e6, interfaceId: 0 };
  private nextId = 1;
  private packets = 0;
  private completeLive = 0;
  readonly decoded: DecodeCounts = { tcp: 0, notTcp: 0, fragments: 0, unknownLinkType: 0, malformed: 0 };
  private first: TimePoint | null = null;
  private last: TimePoint | null = null;
  /** Where every 1024th record starts in the file, to read an unlisted flow's packets again (rereadFlow.ts). */
  readonly checkpoints = new Checkpoints();
  /** Every finished flow, compact; the listed ones become Flow objects at the end. */
  private readonly store = new FlowStore();
  /**
   * Listed flows' packets for their diagrams, as recorded: the CLI never draws one, and the
   * extension draws one at a time, so they are turned into FlowEvents only on request.
   */
  private readonly events = new EventLog();
  /** Per-server aggregates and the per-flow findings waiting for the end. */
  private readonly aggs: ServerAggregates;
  /** Per-flow findings kept with their messages so far, per code (bounded). */
  private readonly storedCandidates = new Map<FindingCode, number>();
  private readonly summary: Summary = {
    flows: 0, handshakesComplete: 0, syn: 0, synRetransmissions: 0, synAck: 0, synAckRetransmissions: 0,
    refused: 0, halfOpen: 0, reset: 0, findings: {},
  };
  private readonly timeline: TimelineBuilder;
  /**
   * 4-tuples of flows finished early for memory (their later packets are not new flows; a new
   * SYN on one is port reuse): the table hash and an independent second hash, as one pair.
   */
  private retired: PairSet | null = null;
  private finished: AnalysisResult | null = null;
  /** Zeek's state machine, bound to one of this analysis's flows at a time (FlowState.zeek). */
  private zeek = new ZeekConn();
  /** Objects of finished flows, for new flows to reuse (FlowState.open). */
  private readonly spare: FlowState[] = [];
  /** Scratch for retire(), which runs once per flow: its facts and finding codes, reused. */
  private readonly facts = newFlowFacts();
  private readonly codes: FindingCode[] = [];
  /** The table size that triggers the next sweep (see sweep: it grows with the flows that must stay). */
  private sweepAt: number;
  /** Live flows finished early because `maxLiveFlows` was reached (see limits.ts). */
  private readonly limits = new LiveLimit();

  constructor(config?: Partial<AnalysisConfig>) {
    this.config = resolveConfig(config);
    this.aggs = new ServerAggregates(this.config);
    this.table = new FlowTable(1024, this.config.vlanSeparatesFlows);
    // A new flow is created before the sweep that keeps the count at maxActiveFlows runs.
    this.slab = new Slab(FLOW_STRIDE, 1024, this.config.maxActiveFlows + 1);
    this.timeline = new TimelineBuilder(this.config.timelineMinBinSeconds, this.config.timelineMaxBins);
    this.sweepAt = this.config.maxActiveFlows;
  }

  /** Counts a packet and fills the reused time point for it (both entry points share this). */
  private stamp(index: number, sec: number, frac: number, ups: number, interfaceId: number, noTimestamp?: boolean): PacketTime {
    this.packets++;
    const pt = this.pt;
    pt.index = index;
    pt.sec = sec;
    pt.frac = frac;
    pt.ups = ups;
    pt.ns = fracToNs(frac, ups);
    pt.interfaceId = interfaceId;
    // A packet stored without a time (pcapng SPB) says nothing about when the capture ran:
    // Wireshark shows no time for it, so it must not pull the start back to the epoch.
    if (!noTimestamp) this.noteTime(pt);
    return pt;
  }

  /** Feed one packet from the reader (borrowed record: nothing of it is kept). */
  addPacket(rec: PacketRecord): void {
    const pt = this.stamp(rec.index, rec.sec, rec.frac, rec.unitsPerSecond, rec.interfaceId, rec.noTimestamp);
    this.checkpoints.note(rec);
    const r = this.reassembler.decode(rec, this.seg);
    switch (r) {
      case DecodeResult.Tcp:
        this.decoded.tcp++;
        this.segment(this.seg, pt, rec.comment);
        return;
      case DecodeResult.NotTcp: this.decoded.notTcp++; return;
      case DecodeResult.Fragment: this.decoded.fragments++; return;
      case DecodeResult.UnknownLinkType: this.decoded.unknownLinkType++; return;
      default: this.decoded.malformed++;
    }
  }

  /**
   * Feed an already decoded segment (tests, other decoders). `t.index` is the frame number;
   * packets must come in file order.
   */
  addSegment(seg: TcpSegment, t: { index: number; sec: number; frac: number; unitsPerSecond: number; interfaceId?: number }, comment?: string): void {
    const pt = this.stamp(t.index, t.sec, t.frac, t.unitsPerSecond, t.interfaceId ?? 0);
    this.decoded.tcp++;
    this.segment(seg, pt, comment);
  }

  private noteTime(pt: PacketTime): void {
    if (!this.first) {
      this.first = { packet: pt.index, sec: pt.sec, ns: pt.ns, frac: pt.frac, ups: pt.ups };
      this.timeline.setStart(this.first);
    }
    const l = this.last;
    if (!l) this.last = { packet: pt.index, sec: pt.sec, ns: pt.ns, frac: pt.frac, ups: pt.ups };
    else {
      l.packet = pt.index;
      l.sec = pt.sec;
      l.ns = pt.ns;
      l.frac = pt.frac;
      l.ups = pt.ups;
    }
  }

  private segment(seg: TcpSegment, t: PacketTime, comment: string | undefined): void {
    if (this.finished) return;
    const hash = segmentHash(seg, this.config.vlanSeparatesFlows, this.hashSeed);
    let f = this.table.find(seg, hash);
    const flags = seg.flags;
    const pureSyn = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let reuse = false;
    if (f && pureSyn) {
      const side = f.sideOf(seg);
      // Wireshark starts a new tcp.stream when a SYN carries an ISN other than the base
      // sequence number already known for its direction (tcp.analysis.reused_ports).
      if (f.s.a[f.o + V_BASE_SET + side] && seg.seq !== f.s.a[f.o + V_BASE_SEQ + side]) {
        this.retire(f, false);
        f = null;
        reuse = true;
      }
    }
    if (!f) {
      const finishedEarly = this.retired !== null &&
        this.retired.has(hash, tupleHash2(this.hashSeed, seg.src, seg.srcPort, seg.dst, seg.dstPort, seg.ipVersion));
      if (finishedEarly && this.quietAttempt(seg, hash, t)) return;
      if (finishedEarly && !pureSyn) {
        this.limits.latePacket();
        // A later packet of a flow finished early for memory: still that connection (tshark keeps
        // one tcp.stream), so no new flow — else every connection outliving the active-flow
        // limit would be counted twice. It still counts in the timeline.
        if (flags & TCP_SYN) this.timeline.add(TL_SYNACK, t.sec, t.ns);
        if (flags & TCP_RST) this.timeline.add(TL_RST, t.sec, t.ns);
        return;
      }
      f = (this.spare.pop() ?? new FlowState(this.slab, this.zeek)).open(this.nextId++, hash, seg, t);
      if (reuse || (pureSyn && finishedEarly)) f.portReuse = true;
      this.table.insert(f);
    }
    const side = f.sideOf(seg);
    // Events only for flows that will be listed (the others are counted, never drawn).
    const r = updateFlow(f, seg, side, t, comment, f.id <= this.config.maxFlows ? this.config.maxEventsPerFlow : 0, this.events);
    if (this.table.size > this.sweepAt) this.sweep(t);
    if (flags & TCP_SYN) this.timeline.add(flags & TCP_ACK ? TL_SYNACK : TL_SYN, t.sec, t.ns);
    if (flags & TCP_RST) this.timeline.add(TL_RST, t.sec, t.ns);
    if (r & 1) {
      this.completeLive++;
      this.timeline.add(TL_COMPLETED, t.sec, t.ns);
    }
  }

  /**
   * Finishes the flows nothing more can change: closed, idle past `idleTimeoutSeconds`, and
   * handshake attempts quiet past any retransmission still to come (retryHorizonNs). A live
   * flow is finished early only above `maxLiveFlows`, and the result then says so
   * (capture-limits): a SYN from the current microsecond must not become a finding.
   */
  private sweep(t: PacketTime): void {
    // Up to 2^21 slots (16 MiB): ~1.57 million flows finished early are remembered exactly.
    this.retired ??= new PairSet(1 << 16, 1 << 21);
    const flows = this.table.flows;
    const idle = this.config.idleTimeoutSeconds;
    let left = this.table.size;
    this.reserveSweepScratch(flows.length);
    const { picked, ages } = this;
    const base = this.first ? this.first.sec : 0;
    const now = (t.sec - base) * 1e9 + t.ns;
    let dead = 0;
    // Index loops over the table itself (retire() only empties slots, and nothing is inserted
    // during a sweep), so a sweep allocates nothing per flow.
    for (let i = 0; i < flows.length; i++) {
      const f = flows[i];
      if (f === null) continue;
      const a = f.s.a;
      const o = f.o;
      const closed = a[o + V_RST] || a[o + V_RST + 1] || (a[o + V_FIN] && a[o + V_FIN + 1]);
      if (closed || t.sec - f.lastSec > idle) {
        this.retire(f, true);
        left--;
      } else if (!(f.hasAck || a[o + V_DATA_SEEN] || a[o + V_DATA_SEEN + 1]) && now - ageNs(f, base) > retryHorizonNs(f)) {
        picked[dead] = i;
        ages[dead++] = ageNs(f, base);
      }
    }
    // Finished oldest first: the order findings and flood flow lists are filled in.
    this.quiet = true;
    left -= this.retireOldest(dead, dead);
    this.quiet = false;
    const max = this.config.maxLiveFlows;
    if (left > max) {
      // The bound is truly hit: the oldest handshake attempts, then the least recently active
      // flows, are finished while still live, and the result says how many (capture-limits).
      const target = Math.floor(max * 0.75);
      let m = 0;
      for (let i = 0; i < flows.length; i++) {
        const f = flows[i];
        if (f === null || f.hasAck || f.s.a[f.o + V_DATA_SEEN] || f.s.a[f.o + V_DATA_SEEN + 1]) continue;
        picked[m] = i;
        ages[m++] = ageNs(f, base);
      }
      this.forced = true;
      this.limits.hit(t.index, formatPoint(t));
      left -= this.retireOldest(left - target, m);
      if (left > target) {
        m = 0;
        for (let i = 0; i < flows.length; i++) {
          const f = flows[i];
          if (f === null) continue;
          picked[m] = i;
          ages[m++] = ageNs(f, base);
        }
        left -= this.retireOldest(left - target, m);
      }
      this.forced = false;
    }
    // The flows that must stay are not swept again until the table grows by a quarter: a sweep
    // per new flow over tens of thousands of live ones would be quadratic.
    this.sweepAt = Math.min(Math.max(this.config.maxActiveFlows, Math.ceil(left * 1.25)), max);
  }

  /** Set while sweep() finishes live flows for the `maxLiveFlows` bound. */
  private forced = false;
  /** Set while sweep() finishes handshake attempts quiet past their retry horizon. */
  private quiet = false;

  /**
   * Whether `seg` belongs to a handshake attempt finished as quiet (its client ISN is in the
   * retired set: the SYN's seq, the client's later seq − 1, the SYN-ACK's ack − 1): then it is
   * that connection's late packet, counted in capture-limits and in the timeline only. A SYN
   * with the same ISN is the same connection for tshark, not port reuse.
   */
  private quietAttempt(seg: TcpSegment, hash: number, t: PacketTime): boolean {
    const h2 = tupleHash2(this.hashSeed, seg.src, seg.srcPort, seg.dst, seg.dstPort, seg.ipVersion);
    const r = this.retired!;
    const match = r.has(hash, isnKey(h2, seg.seq)) || r.has(hash, isnKey(h2, (seg.seq - 1) >>> 0)) ||
      ((seg.flags & TCP_ACK) !== 0 && r.has(hash, isnKey(h2, (seg.ack - 1) >>> 0)));
    if (!match) return false;
    this.limits.lateForQuiet(t.index, formatPoint(t));
    if (seg.flags & TCP_SYN) this.timeline.add(seg.flags & TCP_ACK ? TL_SYNACK : TL_SYN, t.sec, t.ns);
    if (seg.flags & TCP_RST) this.timeline.add(TL_RST, t.sec, t.ns);
    return true;
  }

  /** Reused by sweeps: table slots considered, their ages, the ages sorted, the slots chosen. */
  private picked = new Int32Array(0);
  private ages = new Float64Array(0);
  private sortedAges = new Float64Array(0);
  private chosen = new Int32Array(0);

  private reserveSweepScratch(slots: number): void {
    if (this.picked.length >= slots) return;
    const cap = Math.max(1024, slots * 2);
    this.picked = new Int32Array(cap);
    this.ages = new Float64Array(cap);
    this.sortedAges = new Float64Array(cap);
    this.chosen = new Int32Array(cap);
  }

  /**
   * Finishes the `count` least recently active of the `m` flows in `picked` (table slots, in
   * table order) with their `ages`, ties in table order — what a stable sort by last activity
   * picks, but the cut-off comes from natively sorted ages. Returns how many were finished.
   */
  private retireOldest(count: number, m: number): number {
    const flows = this.table.flows;
    const { picked, ages } = this;
    const n = Math.min(Math.ceil(count), m);
    if (n <= 0) return 0;
    const sorted = this.sortedAges.subarray(0, m);
    sorted.set(ages.subarray(0, m));
    sorted.sort();
    const cut = sorted[n - 1];
    let below = 0;
    for (let i = 0; i < m; i++) if (ages[i] < cut) below++;
    let equalLeft = n - below;
    let c = 0;
    for (let i = 0; i < m; i++) {
      const k = ages[i];
      if (k < cut || (k === cut && equalLeft-- > 0)) this.chosen[c++] = i;
    }
    // Finished oldest first (the order findings and flood flow lists are filled in), ties in
    // table order.
    const chosen = this.chosen.subarray(0, c);
    const keys = this.sortedAges.subarray(0, c);
    let min = Infinity;
    let integral = true;
    for (let j = 0; j < c; j++) {
      const age = ages[chosen[j]];
      if (age < min) min = age;
      if (!Number.isInteger(age)) integral = false;
    }
    // When (age − oldest) × scale + position is an exact double (integer ages within ~2^53 /
    // scale ns of each other: days for a flood), one native numeric sort of those keys gives
    // that order without a comparator call per comparison; else the comparator sort.
    const scale = 2 ** Math.ceil(Math.log2(c + 1));
    if (integral && (cut - min + 1) * scale < Number.MAX_SAFE_INTEGER) {
      for (let j = 0; j < c; j++) keys[j] = (ages[chosen[j]] - min) * scale + j;
      keys.sort();
      for (let j = 0; j < c; j++) this.retire(flows[picked[chosen[keys[j] % scale]]]!, true);
    } else {
      chosen.sort((a, b) => ages[a] - ages[b] || a - b);
      for (let j = 0; j < c; j++) this.retire(flows[picked[chosen[j]]]!, true);
    }
    return c;
  }

  private retire(f: FlowState, early: boolean, atEnd = false): void {
    if (this.forced) this.limits.finished(f);
    if (f.slot >= 0) this.table.remove(f);
    if (early && this.retired) {
      const h2 = tupleHash2(this.hashSeed, f.s.addrs, f.port0, f.s.addrs, f.port1, f.ipVersion, f.addrAt, f.addrAt + 16);
      this.retired.add(f.hash, h2);
      // An attempt finished as quiet is also known by its client's ISN, to recognise a late retry.
      const isn = f.firstSynSide >= 0 ? f.s.a[f.o + V_SYN_SEQ + f.firstSynSide] : -1;
      if (this.quiet && isn >= 0) this.retired.add(f.hash, isnKey(h2, isn));
    }
    const facts = flowFacts(f, this.facts);
    if (atEnd && this.last) facts.cutOff = cutOffByEnd(f, facts.client, this.last.sec, this.last.ns);
    facts.forced = this.forced;
    const outcome = outcomeOf(facts);
    const s = this.summary;
    s.flows++;
    if (facts.complete) s.handshakesComplete++;
    s.syn += facts.syn;
    s.synRetransmissions += facts.synRetx;
    s.synAck += facts.synAck;
    s.synAckRetransmissions += facts.synAckRetx;
    if (outcome === 'refused') s.refused++;
    if (outcome === 'half-open') s.halfOpen++;
    if (facts.reset) s.reset++;

    let agg: TargetAgg | null = null;
    if (outcome !== 'other') {
      agg = this.aggs.target(f, 1 - facts.client);
      agg?.add(facts, f, outcome);
    }
    const codes = this.codes;
    const nCodes = findingCodes(facts, outcome, this.config, codes);
    if (nCodes > 0) {
      let wanted: Set<FindingCode> | null = null;
      for (let i = 0; i < nCodes; i++) {
        const code = codes[i];
        const b = this.aggs.pendingOf(agg, code);
        const stored = this.storedCandidates.get(code) ?? 0;
        // Only so many findings with messages are kept, overall and (for those a flood would
        // absorb) per target; the rest are counted.
        const max = this.config.maxFindingsPerCode;
        if (stored < max * 5 && (b.items.length < max || !FLOOD_ABSORBED.has(code))) {
          (wanted ??= new Set()).add(code);
          this.storedCandidates.set(code, stored + 1);
        } else b.more++;
      }
      if (wanted) {
        const flow = buildFlow(f, agg?.endpoint);
        const rst = f.firstRstSide >= 0;
        const rstDelay = rst && f.firstSynSide >= 0 ? f.pointDiff(P_RST, P_SYN) : null;
        for (const c of flowFindings(flow, wanted, outcome, this.config, rst ? f.pointPacket(P_RST) : 0, rst ? f.pointTime(P_RST) : null, rstDelay)) {
          this.aggs.pendingOf(agg, c.code).items.push(c);
        }
      }
    }
    this.store.add(f, facts);
    if (f.id <= this.config.maxFlows) {
      this.events.keep(f.id, f.eventsHead, clientSideOf(f), f.pointSec(P_FIRST), f.pointNs(P_FIRST));
    }
    this.slab.release(f.o);
    this.spare.push(f);
  }

  /** Cheap counters for progress UIs. */
  progress(): { packets: number; flows: number; handshakesComplete: number; activeFlows: number } {
    return { packets: this.packets, flows: this.nextId - 1, handshakesComplete: this.completeLive, activeFlows: this.table.size };
  }

  /** Longest flow-table probe any lookup has walked so far (tests of the hash's spread). */
  maxProbeLength(): number {
    return this.table.maxProbe;
  }

  /** Flows with id ≥ fromId as they stand now (finished ones final, active ones provisional). */
  flowsSnapshot(fromId: number, limit: number): Flow[] {
    if (this.finished) return this.finished.flows.filter((f) => f.id >= fromId).slice(0, limit);
    const active = new Map<number, FlowState>();
    for (const f of this.table.flows) if (f && f.id >= fromId) active.set(f.id, f);
    const out: Flow[] = [];
    for (let id = Math.max(1, fromId); id < this.nextId && out.length < limit; id++) {
      const done = id <= this.config.maxFlows ? this.store.flow(id) : undefined;
      if (done) out.push(done);
      else {
        const a = active.get(id);
        if (a && id <= this.config.maxFlows) out.push(buildFlow(a));
      }
    }
    return out;
  }

  /** Handshake-relevant packets of a flow (empty for unknown or unlisted flows). */
  flowEvents(flowId: number): FlowEvent[] {
    const done = this.events.kept(flowId);
    if (done) return done;
    for (const f of this.table.flows) {
      if (f && f.id === flowId) return this.events.events(f.eventsHead, clientSideOf(f), f.pointSec(P_FIRST), f.pointNs(P_FIRST));
    }
    return [];
  }

  /**
   * Close every flow, decide findings and stories, and return the result. Idempotent.
   * `listed`: how many flows the result carries as Flow objects (default maxFlows); the editor
   * asks for none and pages through flowList() instead.
   */
  finish(read: ReadSummary, path: string, listed = this.config.maxFlows): AnalysisResult {
    if (this.finished) return this.finished;
    for (const f of this.table.flows) if (f) this.retire(f, false, true);
    if (this.last) this.timeline.extendTo(this.last.sec, this.last.ns);
    const endSec = this.last ? this.last.sec + this.last.ns / 1e9 : 0;
    const findings = assembleFindings({
      config: this.config, targets: [...this.aggs.targets.values()], pending: this.aggs.pending,
      problems: read.problems, captureEndSec: endSec, flowsNotAggregated: this.aggs.flowsNotAggregated,
      liveLimit: this.limits.candidate(this.config.maxLiveFlows),
    });
    for (const fd of findings) {
      this.summary.findings[fd.code] = (this.summary.findings[fd.code] ?? 0) + 1;
    }
    const result: AnalysisResult = {
      schema: 'synscope/1',
      capture: {
        path,
        format: read.info.format,
        compressed: read.info.compressed,
        linkTypes: read.info.linkTypes.slice(),
        packets: read.packets || this.packets,
        start: this.first ? formatPoint(this.first) : null,
        end: this.last ? formatPoint(this.last) : null,
        // Damage, then frames the decoder could not read and fragments it had to drop.
        problems: [...read.problems, ...this.reassembler.problems()],
        decoded: { ...this.decoded },
      },
      summary: this.summary,
      flows: [],
      findings,
      timeline: this.timeline.result(),
      stories: [],
    };
    // Stories are told from every flow, not just the listed ones.
    const told = tellStories(result, this.config, this.allFlows());
    for (const fd of told.findings) {
      result.findings.push(fd);
      this.summary.findings[fd.code] = (this.summary.findings[fd.code] ?? 0) + 1;
    }
    result.stories = told.stories;
    this.findingsOf = findingsIndex(result.findings);
    result.flows = this.listedFlows(listed);
    this.finished = result;
    this.dropWorkingState();
    return result;
  }

  /**
   * What only the reading needed: the flow slab, the tables, the spare flow objects, the
   * per-server aggregates. The editor keeps its Analyzer (for diagram events) as long as the
   * capture is open, and these were tens of MB of it (a 22 MB slab alone); the result and the
   * event log stay.
   */
  private dropWorkingState(): void {
    this.table = new FlowTable(16, this.config.vlanSeparatesFlows);
    this.slab = new Slab(FLOW_STRIDE, 1, 1);
    this.spare.length = 0;
    this.retired = null;
    this.aggs.clear();
    // Its last flow would keep the reading's slab alive.
    this.zeek = new ZeekConn();
  }

  /** Flow id → its findings' ids, once findings are decided. */
  private findingsOf = new Map<number, number[]>();

  /** The first `n` flows, built from the store (with their findings once the analysis is finished). */
  listedFlows(n: number): Flow[] {
    return firstFlows(this.store, Math.min(n, this.nextId - 1), this.findingsOf);
  }

  /** Every flow of a finished analysis by position (id − 1), each built when asked. */
  flowList(): FlowList & { idAt(i: number): number } {
    return storedFlowList(this.store, this.finished ? this.nextId - 1 : 0, this.findingsOf);
  }

  /** Every finished flow, in id order, built from the store one at a time (for stories). */
  private allFlows(): FlowSource {
    return storedFlowSource(this.store, this.nextId - 1);
  }

  /** Seconds between the capture's first and last packet (0 before any packet). */
  duration(): number {
    return this.first && this.last ? diffSeconds(this.last.sec, this.last.ns, this.first.sec, this.first.ns) : 0;
  }
}
