/**
 * The handshake engine. Feed it every packet in file order (`addPacket`), then call `finish`.
 * Per packet it decodes into one reused segment, finds the flow in an open-addressing table and
 * updates counters: no allocation unless the packet is a handshake event. Flows are finished
 * (turned into result Flows, counted, aggregated per target) when a new SYN re-opens their
 * 4-tuple, when memory needs it (closed/idle flows first), or at the end.
 */
import { P_FIRST, V_BASE_SEQ, V_BASE_SET } from './flowState';
import type { PacketRecord, ReadSummary } from '../capture/types';
import { Reassembler } from '../decode/reassembler';
import { DecodeResult, newTcpSegment, TCP_ACK, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import { tellStories } from '../stories/index';
import { buildFlow, flowFacts, newFlowFacts, type FlowFacts } from './buildFlow';
import { clientSideOf } from './roles';
import { EventLog } from './eventLog';
import { resolveConfig, type AnalysisConfig } from './config';
import { assembleFindings } from './endFindings';
import { findingCodes, pendingFindings, ruleContext } from './flowFindings';
import { FLOOD_ABSORBED } from './findings/registry';
import { F_LAST_PACKET, FLOW_STRIDE, FlowState, type PacketTime } from './flowState';
import { updateFlow } from './updateFlow';
import { primeFeedback } from './primeFeedback';
import { OptionSets } from './optionSets';
import { ZeekConn } from './zeek';
import { Slab } from './slab';
import { Parking } from './parking';
import { cutOffByEnd } from './cutOff';
import { LATE_PACKET, REUSED_TUPLE, Sweeper } from './sweep';
import { FlowTable, newHashSeed, segmentHash } from './flowTable';
import { countFlow, outcomeOf, type Outcome } from './outcome';
import type { AnalysisResult, FindingCode, Flow, FlowEvent, Summary } from './result';
import type { TargetAgg } from './targets';
import { diffSeconds, fracToNs, type TimePoint } from './time';
import { TimelineBuilder, TL_COMPLETED, TL_RST, TL_SYN, TL_SYNACK } from './timeline';
import { ServerAggregates } from './serverAggregates';
import { FlowStore } from '../store/flowStore';
import { readAttempt, type AttemptSource } from '../store/attempt';
import type { FlowRows } from '../store/flowRows';
import { flowRows } from '../store/windowedStore';
import { findingsIndex } from '../store/findingsIndex';
import type { FlowList } from '../store/flowList';
import { allStoredFlows, firstFlows, storedFlowList } from '../store/flowViews';
import { Checkpoints } from '../store/checkpoints';
import { ListenerCollector, type ListenerOptions } from '../listeners/collector';
import { serversReport } from '../listeners/report';
import type { LiveView } from './liveView';
import { resultShell, snapshotFlows } from './resultShell';

export interface DecodeCounts {
  tcp: number;
  notTcp: number;
  fragments: number;
  unknownLinkType: number;
  malformed: number;
}

export class Analyzer {
  readonly config: AnalysisConfig;
  private table: FlowTable;
  /** Keys the flow-table hashes (see newHashSeed). */
  private readonly hashSeed = newHashSeed();
  private slab: Slab;
  /** Quiet half-open attempts without a slab record (parking.ts). */
  private parking: Parking;
  private readonly seg: TcpSegment = newTcpSegment();
  /** Option sets and pairs of them, shared between this analysis's flows. */
  private readonly options = new OptionSets();
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
  private readonly store: FlowRows;
  /** Listed flows' packets as recorded: FlowEvents only on request (the CLI draws none, the editor one at a time). */
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
  private finished: AnalysisResult | null = null;
  /** Zeek's state machine, bound to one of this analysis's flows at a time (FlowState.zeek). */
  private zeek = new ZeekConn();
  /** Objects of finished flows, for new flows to reuse (FlowState.open). */
  private readonly spare: FlowState[] = [];
  /** Scratch for retire(), which runs once per flow: its facts and finding codes, reused. */
  private readonly facts = newFlowFacts();
  private readonly codes: FindingCode[] = [];
  /** Eviction: which live flows are finished before the end, and their late packets (sweep.ts). */
  private readonly sweeper: Sweeper;
  /** Listener health (docs/servers.md), gathered only when asked for: it adds `servers` to the result. */
  readonly listeners: ListenerCollector | null;

  constructor(config?: Partial<AnalysisConfig>, opts?: { listeners?: ListenerOptions | boolean }) {
    this.config = resolveConfig(config);
    this.store = flowRows(this.options, this.config.storeWindowFlows, this.config.keepWireFacts);
    this.listeners = opts?.listeners ? new ListenerCollector(opts.listeners === true ? {} : opts.listeners) : null;
    this.aggs = new ServerAggregates(this.config);
    this.slab = new Slab(FLOW_STRIDE);
    this.parking = new Parking(this.slab);
    this.table = new FlowTable(1024, this.config.vlanSeparatesFlows, (f) => this.wake(f));
    this.timeline = new TimelineBuilder(this.config.timelineMinBinSeconds, this.config.timelineMaxBins);
    this.sweeper = new Sweeper(this.config, this.hashSeed, this.timeline, (f) => this.retire(f, true));
  }

  /** Counts a packet and fills the reused time point for it (both entry points share this). */
  private stamp(index: number, sec: number, frac: number, ups: number, interfaceId: number, noTimestamp?: boolean): PacketTime {
    if (this.packets++ === 0) primeFeedback();
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

  /** Feed an already decoded segment (tests, other decoders): `t.index` is the frame number, packets in file order. */
  addSegment(seg: TcpSegment, t: { index: number; sec: number; frac: number; unitsPerSecond: number; interfaceId?: number }, comment?: string): void {
    const pt = this.stamp(t.index, t.sec, t.frac, t.unitsPerSecond, t.interfaceId ?? 0);
    this.decoded.tcp++;
    this.segment(seg, pt, comment);
  }

  private noteTime(pt: PacketTime): void {
    if (!this.first) {
      this.first = { packet: pt.index, sec: pt.sec, ns: pt.ns, frac: pt.frac, ups: pt.ups };
      this.timeline.setStart(this.first);
      this.listeners?.setStart(pt.sec, pt.ns);
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
    let side = this.table.side; // who sent it, as the lookup found (a new flow's first packet is its side 0)
    const flags = seg.flags;
    const pureSyn = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let reuse = false;
    if (f) {
      // Wireshark starts a new tcp.stream when a SYN carries an ISN other than the base sequence
      // number known for its direction (tcp.analysis.reused_ports). Read for every packet: read
      // first at a SYN retransmission, it had no type feedback and threw segment's code away.
      const newIsn = f.s.a[f.o + V_BASE_SET + side] !== 0 && seg.seq !== f.s.a[f.o + V_BASE_SEQ + side];
      if (pureSyn && newIsn) {
        this.retire(f, false);
        f = null;
        reuse = true;
      }
    }
    if (!f) {
      const retired = this.sweeper.lookupRetired(seg, hash, t, pureSyn);
      if (retired === LATE_PACKET) return;
      f = (this.spare.pop() ?? new FlowState(this.slab, this.zeek)).open(this.nextId++, hash, seg, t);
      if (reuse || retired === REUSED_TUPLE) f.portReuse = true;
      this.table.insert(f);
      this.parking.opened(f);
      side = 0;
    }
    // Events only for flows that will be listed (the others are counted, never drawn).
    const r = updateFlow(f, seg, side, t, comment, f.id <= this.config.maxFlows ? this.config.maxEventsPerFlow : 0, this.events, this.options);
    if (this.touched !== null && !f.touched) {
      f.touched = true;
      this.touched.push(f);
    }
    this.sweeper.afterPacket(f, this.table, t, this.first ? this.first.sec : 0, this.parking);
    if (flags & TCP_SYN) this.timeline.add(flags & TCP_ACK ? TL_SYNACK : TL_SYN, t.sec, t.ns);
    if (flags & TCP_RST) this.timeline.add(TL_RST, t.sec, t.ns);
    if (r & 1) {
      this.completeLive++;
      this.timeline.add(TL_COMPLETED, t.sec, t.ns);
    }
  }

  /** A packet came for a parked flow: it takes a slab record again, and may be parked again later. */
  private wake(f: FlowState): void {
    this.parking.unpark(f);
    this.parking.opened(f);
  }

  /** A flow live at the end, cut off or not (decided here: code retire first ran at the end threw its compiled code away). */
  private retireAtEnd(f: FlowState, end: TimePoint | null): void {
    if (f.parked >= 0) this.parking.lend(f);
    this.retire(f, false, end !== null && cutOffByEnd(f, clientSideOf(f), end.sec, end.ns));
  }

  private retire(f: FlowState, early: boolean, cutOff = false): void {
    if (f.parked >= 0) this.parking.lend(f);
    this.sweeper.noteFinished(f, early);
    if (f.slot >= 0) this.table.remove(f);
    const facts = flowFacts(f, this.facts);
    facts.cutOff = cutOff;
    facts.forced = this.sweeper.forced;
    const outcome = outcomeOf(facts);
    countFlow(this.summary, facts, outcome);
    let agg: TargetAgg | null = null;
    if (outcome !== 'other') {
      agg = this.aggs.target(f, 1 - facts.client);
      agg?.add(facts, f, outcome);
      this.listeners?.add(facts, f, outcome);
    }
    const codes = this.codes;
    const nCodes = findingCodes(facts, outcome, this.config, codes);
    if (nCodes > 0) {
      let wanted: Set<FindingCode> | null = null;
      for (let i = 0; i < nCodes; i++) {
        const code = codes[i];
        const b = this.aggs.pendingOf(agg, code);
        const stored = this.storedCandidates.get(code) ?? 0;
        // Only so many findings with messages are kept, overall and (for those a flood would absorb) per
        // target; the rest are counted. Both run every time (a bucket filling up threw retire's code away).
        const max = this.config.maxFindingsPerCode;
        const absorbed = FLOOD_ABSORBED.has(code);
        const keep = stored < max * 5 && (b.items.length < max || !absorbed);
        if (keep) {
          (wanted ??= new Set()).add(code);
          this.storedCandidates.set(code, stored + 1);
        }
        b.more += keep ? 0 : 1;
      }
      if (wanted) {
        const flow = buildFlow(f, this.options, agg?.endpoint);
        for (const c of pendingFindings(flow, wanted, ruleContext(f, outcome, this.config))) this.aggs.pendingOf(agg, c.code).items.push(c);
      }
    }
    this.onRetire?.(f, facts, outcome, codes, nCodes);
    this.store.add(f, facts);
    if (f.id <= this.config.maxFlows) this.events.keep(f.id, f.eventsHead, clientSideOf(f), f.pointSec(P_FIRST), f.pointNs(P_FIRST));
    f.giveBack(this.slab);
    // Past a burst (a flood's live attempts) the pool shrinks back with the table.
    if (this.spare.length < Math.max(4096, this.table.size)) this.spare.push(f);
  }

  /** Flows that got a packet since a live tracker last drained this (null unless one asked): snapshots cost what changed. */
  touched: FlowState[] | null = null;
  /** Each flow as it is finished, before its state is reused (src/core/live); `codes[0..n)`: its finding codes. */
  onRetire: ((f: FlowState, facts: FlowFacts, outcome: Outcome, codes: readonly FindingCode[], n: number) => void) | null = null;

  /** The reading's state, read-only, for live snapshots (src/core/live/tracker.ts). */
  liveView(): LiveView {
    return { table: this.table, store: this.store, options: this.options, summary: this.summary, targets: this.aggs.targets, nextId: this.nextId,
      packets: this.packets, last: this.last, first: this.first, finished: this.finished !== null, timeline: this.timeline,
      lastPacketOf: (f) => (f.parked >= 0 ? this.parking.get(f, F_LAST_PACKET) : f.lastPacket),
      awake: (f) => {
        if (f.parked >= 0) this.wake(f);
      } };
  }

  /** Finishes now what a sweep would (closed, idle, quiet attempts): following does as capture time passes. */
  sweepNow(): void {
    if (!this.finished && this.first) this.sweeper.sweep(this.table, this.pt, this.first.sec, this.parking);
  }

  /** Cheap counters for progress UIs. */
  progress(): { packets: number; flows: number; handshakesComplete: number; activeFlows: number } {
    return { packets: this.packets, flows: this.nextId - 1, handshakesComplete: this.completeLive, activeFlows: this.table.size };
  }

  /** The reading's structures now (tests): the longest table probe walked (the hash's spread), and what a flood's attempts held. */
  internals = (): { maxProbe: number; slabChunks: number; parkedChunks: number; tableCells: number } =>
    ({ maxProbe: this.table.maxProbe, slabChunks: this.slab.chunkCount, parkedChunks: this.parking.chunkCount, tableCells: this.table.capacity });

  /** Flows with id ≥ fromId as they stand now (finished ones final, active ones provisional). */
  flowsSnapshot(fromId: number, limit: number): Flow[] {
    if (this.finished) return this.finished.flows.filter((f) => f.id >= fromId).slice(0, limit);
    return snapshotFlows(this.liveView(), fromId, limit, this.config.maxFlows);
  }

  /** Handshake-relevant packets of a flow (empty for unknown or unlisted flows). */
  flowEvents(flowId: number): FlowEvent[] {
    const done = this.events.kept(flowId);
    if (done) return done;
    for (const f of this.table.flows) {
      if (f && f.id === flowId && f.parked >= 0) this.wake(f);
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
    for (const f of this.table.flows) if (f) this.retireAtEnd(f, this.last);
    if (this.last) this.timeline.extendTo(this.last.sec, this.last.ns);
    const endSec = this.last ? this.last.sec + this.last.ns / 1e9 : 0;
    const findings = assembleFindings({
      config: this.config, targets: [...this.aggs.targets.values()], pending: this.aggs.pending,
      problems: read.problems, captureEndSec: endSec, flowsNotAggregated: this.aggs.flowsNotAggregated,
      liveLimit: this.sweeper.limits.facts(this.config.maxLiveFlows),
    });
    // The reading's tables and slab (tens of MB) go before stories and listed flows take their share.
    this.dropWorkingState();
    for (const fd of findings) {
      this.summary.findings[fd.code] = (this.summary.findings[fd.code] ?? 0) + 1;
    }
    const result = resultShell(read, path, {
      packets: this.packets, first: this.first, last: this.last, summary: this.summary, findings,
      problems: this.reassembler.problems(), decoded: this.decoded, timeline: this.timeline.result(),
    });
    // Stories are told from every flow, not just the listed ones.
    const told = tellStories(result, this.config, allStoredFlows(this.store, this.nextId - 1, this.config.storeWindowFlows));
    for (const fd of told.findings) {
      result.findings.push(fd);
      this.summary.findings[fd.code] = (this.summary.findings[fd.code] ?? 0) + 1;
    }
    result.stories = told.stories;
    if (this.listeners) result.servers = serversReport(this.listeners, result);
    this.findingsOf = findingsIndex(result.findings);
    result.flows = this.listedFlows(listed);
    this.finished = result;
    return result;
  }

  /** What only the reading needed (tens of MB): the editor keeps its Analyzer while the capture is open; the result and event log stay. */
  private dropWorkingState(): void {
    this.slab = new Slab(FLOW_STRIDE);
    this.parking = new Parking(this.slab);
    this.table = new FlowTable(16, this.config.vlanSeparatesFlows);
    this.spare.length = 0;
    this.sweeper.clear();
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

  /** The store's handshake attempts for correlation (src/core/correlate); wire facts only with keepWireFacts. */
  attempts(): AttemptSource {
    const store = this.store;
    // Correlation reads a whole analysis; a follow-mode window (WindowedStore) is never correlated.
    if (!(store instanceof FlowStore)) throw new Error('attempts() needs every flow (storeWindowFlows 0)');
    return { count: this.nextId - 1, read: (id, out) => readAttempt(store, id, out) };
  }

  /** Seconds between the capture's first and last packet (0 before any packet). */
  duration(): number {
    return this.first && this.last ? diffSeconds(this.last.sec, this.last.ns, this.first.sec, this.first.ns) : 0;
  }
}
