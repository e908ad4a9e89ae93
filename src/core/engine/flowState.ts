/**
 * Mutable per-flow state and where its numbers sit in the slab; updateFlow.ts applies each
 * segment to it. Sides are 0 = the sender of the flow's first packet and 1 = the other;
 * client/server are decided at the end (roles.ts), because the first packet is not always the client's.
 */
import type { TcpSegment } from '../decode/types';
import type { TcpOptionsSeen } from './result';
import { diffSeconds, formatPoint, POINT, writePoint } from './time';
import { ADDR_BYTES, SlabChunk, type Slab } from './slab';
import { ZEEK_SLOTS, ZeekConn, zeekFlipsAtStart } from './zeek';
import { PER_FLOW, PER_SIDE, slabOffsets, TIME_POINT } from './slabLayout';

/**
 * A flow's numbers in the analyzer's slab, declared once (slabLayout.ts derives the offsets):
 * per-side pairs first, read as [X + side], then per-flow numbers, then time points.
 */
const L = slabOffsets({
  packets: PER_SIDE,
  payload: PER_SIDE,
  baseSet: PER_SIDE,
  baseSeq: PER_SIDE,
  syn: PER_SIDE,
  synRetx: PER_SIDE,
  synSeq: PER_SIDE,
  synAck: PER_SIDE,
  synAckRetx: PER_SIDE,
  synAckSeq: PER_SIDE,
  synAckTsval: PER_SIDE,
  lastSynSec: PER_SIDE,
  lastSynNs: PER_SIDE,
  lastSynAckSec: PER_SIDE,
  lastSynAckNs: PER_SIDE,
  synAckEachWay: PER_SIDE,
  synData: PER_SIDE,
  fin: PER_SIDE,
  rst: PER_SIDE,
  dataSeen: PER_SIDE,
  turns: PER_SIDE,
  port0: PER_FLOW,
  port1: PER_FLOW,
  ipVersion: PER_FLOW,
  firstPacket: PER_FLOW,
  lastPacket: PER_FLOW,
  lastSec: PER_FLOW,
  lastNs: PER_FLOW,
  lastFrac: PER_FLOW,
  lastUps: PER_FLOW,
  firstSynSide: PER_FLOW,
  firstSynAckSide: PER_FLOW,
  firstSynAckSeq: PER_FLOW,
  firstRstSide: PER_FLOW,
  lastPayloadSide: PER_FLOW,
  completeness: PER_FLOW,
  portReuse: PER_FLOW,
  hasAck: PER_FLOW,
  /** The first packet, the first pure SYN, the first SYN-ACK, the handshake-completing ACK, the first RST. */
  pointFirst: TIME_POINT,
  pointSyn: TIME_POINT,
  pointSynAck: TIME_POINT,
  pointAck: TIME_POINT,
  pointRst: TIME_POINT,
  /**
   * The packets that answered each other, frozen by the handshake ACK: the most recent pure SYN
   * (Wireshark's ts_mru_syn, from which tcp.analysis.initial_rtt is measured), the first SYN-ACK
   * after it (packet 0: none yet) and the most recent SYN-ACK (the one the ACK acknowledged).
   */
  pointMruSyn: TIME_POINT,
  pointAnswer: TIME_POINT,
  pointMruSynAck: TIME_POINT,
  /**
   * packet-tcp.c's own tcp.analysis.initial_rtt: the first segment with ACK and no SYN, in either
   * direction, minus the most recent SYN; 0 while unset, as there (a simultaneous open has no
   * handshake ACK, so its RTT is this).
   */
  wiresharkRtt: PER_FLOW,
  /** Repeats of the SYN / SYN-ACK within DUPLICATE_SECONDS (copies, not retries). */
  synDup: PER_SIDE,
  synAckDup: PER_SIDE,
  /**
   * The IP header of the side's first SYN or SYN-ACK (TTL, IPv4 id) and of the flow's first RST:
   * what correlating two captures of one path compares (hops between them, who sent a RST).
   */
  synTtl: PER_SIDE,
  synIpId: PER_SIDE,
  rstTtl: PER_FLOW,
});

export const V_PACKETS = L.packets;
export const V_PAYLOAD = L.payload;
export const V_BASE_SET = L.baseSet;
export const V_BASE_SEQ = L.baseSeq;
export const V_SYN = L.syn;
export const V_SYN_RETX = L.synRetx;
export const V_SYN_SEQ = L.synSeq;
export const V_SYN_ACK = L.synAck;
export const V_SYN_ACK_RETX = L.synAckRetx;
export const V_SYN_ACK_SEQ = L.synAckSeq;
export const V_SYN_ACK_TSVAL = L.synAckTsval;
export const V_LAST_SYN_SEC = L.lastSynSec;
export const V_LAST_SYN_NS = L.lastSynNs;
export const V_LAST_SYNACK_SEC = L.lastSynAckSec;
export const V_LAST_SYNACK_NS = L.lastSynAckNs;
export const V_SYNACK_EACH_WAY = L.synAckEachWay;
export const V_SYN_DATA = L.synData;
export const V_FIN = L.fin;
export const V_RST = L.rst;
export const V_DATA_SEEN = L.dataSeen;
export const V_TURNS = L.turns;
export const V_SYN_TTL = L.synTtl;
export const V_SYN_IPID = L.synIpId;
export const F_RST_TTL = L.rstTtl;
export const COMPLETE_SYN = 1;
export const COMPLETE_SYNACK = 2;
export const COMPLETE_ACK = 4;
export const COMPLETE_DATA = 8;
export const COMPLETE_FIN = 16;
export const COMPLETE_RST = 32;

/**
 * Shared, never mutated: most flows have no VLAN and interface 0 (saves two arrays per flow). A
 * flow's vlan and interface lists are replaced, never changed in place, so finished Flows share them.
 */
export const NONE: readonly number[] = Object.freeze([]);
const IFACE0: readonly number[] = Object.freeze([0]);

export interface PacketTime {
  index: number;
  sec: number;
  ns: number;
  frac: number;
  ups: number;
  interfaceId: number;
}

export const F_PORT0 = L.port0;
export const F_PORT1 = L.port1;
export const F_IP_VERSION = L.ipVersion;
export const F_FIRST_PACKET = L.firstPacket;
export const F_LAST_PACKET = L.lastPacket;
export const F_LAST_SEC = L.lastSec;
export const F_LAST_NS = L.lastNs;
export const F_LAST_FRAC = L.lastFrac;
export const F_LAST_UPS = L.lastUps;
export const F_FIRST_SYN_SIDE = L.firstSynSide;
export const F_FIRST_SYNACK_SIDE = L.firstSynAckSide;
export const F_FIRST_SYNACK_SEQ = L.firstSynAckSeq;
export const F_FIRST_RST_SIDE = L.firstRstSide;
export const F_LAST_PAYLOAD_SIDE = L.lastPayloadSide;
export const F_COMPLETENESS = L.completeness;
export const F_PORT_REUSE = L.portReuse;
export const F_HAS_ACK = L.hasAck;
/** Time points (packet, sec, ns, frac, ups at +0 … +4). */
export const P_FIRST = L.pointFirst;
export const P_SYN = L.pointSyn;
export const P_SYNACK = L.pointSynAck;
export const P_ACK = L.pointAck;
export const P_RST = L.pointRst;
export const P_MRU_SYN = L.pointMruSyn;
export const P_ANSWER = L.pointAnswer;
export const P_MRU_SYNACK = L.pointMruSynAck;
export const F_WIRESHARK_RTT = L.wiresharkRtt;
export const V_SYN_DUP = L.synDup;
export const V_SYN_ACK_DUP = L.synAckDup;
const SLOTS = L.SLOTS;

/** Slab stride: the flow's slots plus Zeek's. */
export const FLOW_STRIDE = SLOTS + ZEEK_SLOTS;

/** Where a flow without a slab record points (FlowState.giveBack): one record of zeros, shared. */
const DETACHED = new SlabChunk(FLOW_STRIDE, 1);

/**
 * A flow's mutable state. Its numbers live in the analyzer's slab (a Float64Array reused as
 * flows finish), and this object holds only references: every flow of a capture used to carry
 * ~600 bytes of objects that outlived the young generation and died in old space, which made
 * garbage collection a fifth of the engine's time. The accessors keep the code readable and
 * compile to plain typed-array loads.
 */
export class FlowState {
  id = 0;
  hash = 0;
  /** Byte offset of this flow's addresses in `s.addrs` (side 0 at +0, side 1 at +16). */
  addrAt = 0;
  /** The slab chunk holding this flow's numbers (`s.a` from `o`) and addresses. */
  s!: SlabChunk;
  /** This flow's record number in the analyzer's slab (to release it); −1 on a scratch record (`borrow`). */
  record = 0;
  /** Its record in the analyzer's Parking while parked (no slab record then), else −1. */
  parked = -1;
  /** VLAN ids of the first packet (outer first): part of the flow key when VLANs separate flows. */
  keyVlan: readonly number[] = NONE;
  /** Every VLAN id seen on the flow, in order of first appearance. */
  vlan: readonly number[] = NONE;
  /** pcapng interface ids the flow was seen on (almost always one). */
  interfaces: readonly number[] = IFACE0;
  /** Slot in the analyzer's flow table, or -1 once finished. */
  slot = -1;
  /** In Analyzer.touched until a live tracker drains it (an object reused for a later flow may still be there: that flow got the packet). */
  touched = false;
  /** Its row in a live tracker's running summary (src/core/live/liveCounts.ts), or −1. */
  liveRow = -1;

  /** Further SYN-ACK ISNs per side, and the SYN / SYN-ACK backoff intervals (allocated on need). */
  synAckSeqs: number[][] | null = null;
  synIntervals: number[][] | null = null;
  synAckIntervals: number[][] | null = null;

  /** Options of side 0's and side 1's SYN (or SYN-ACK); shared frozen objects (optionSets.ts). */
  options0: TcpOptionsSeen | null = null;
  options1: TcpOptionsSeen | null = null;

  /** Zeek's history string (its state machine's numbers are in the slab). */
  history = '';
  /** This flow's recorded packets in the event log: first, last (-1: none yet) and how many. */
  eventsHead = -1;
  eventsTail = -1;
  eventCount = 0;

  /** This flow's offset in `s.a`: per-side counters (V_*), numbers (F_*), time points (P_*), then Zeek's. */
  o = 0;

  /**
   * `zeek`: the Zeek state machine of the analysis this flow belongs to, shared by its flows and
   * bound to one for each use (see ZeekConn); no state is shared between analyses.
   */
  constructor(private readonly slab: Slab, private readonly zeekMachine: ZeekConn = new ZeekConn()) {}

  /**
   * Starts this object on a new flow. The analyzer reuses the objects of finished flows: a
   * flood finishes millions, and each new object outlived the young generation (promoted with
   * the ~25,000 active flows) to die in old space.
   */
  open(id: number, hash: number, seg: TcpSegment, t: PacketTime): this {
    const slab = this.slab;
    this.id = id;
    this.hash = hash;
    this.keyVlan = NONE;
    this.vlan = NONE;
    this.slot = -1;
    this.synAckSeqs = null;
    this.synIntervals = null;
    this.synAckIntervals = null;
    this.options0 = null;
    this.options1 = null;
    this.history = '';
    this.eventsHead = -1;
    this.eventsTail = -1;
    this.eventCount = 0;
    this.parked = -1;
    this.take(slab);
    const s = this.s;
    const o = this.o;
    const a = s.a;
    a[o + F_IP_VERSION] = seg.ipVersion;
    const n = seg.ipVersion === 6 ? 16 : 4;
    const addrs = s.addrs;
    for (let i = 0; i < n; i++) {
      addrs[this.addrAt + i] = seg.src[i];
      addrs[this.addrAt + ADDR_BYTES + i] = seg.dst[i];
    }
    a[o + F_PORT0] = seg.srcPort;
    a[o + F_PORT1] = seg.dstPort;
    if (seg.vlanCount > 0) {
      this.keyVlan = Array.from(seg.vlan.subarray(0, seg.vlanCount));
      this.vlan = this.keyVlan.slice();
    }
    this.interfaces = t.interfaceId === 0 ? IFACE0 : [t.interfaceId];
    a[o + F_FIRST_PACKET] = t.index;
    this.setPoint(P_FIRST, t);
    a[o + V_SYN_SEQ] = -1;
    a[o + V_SYN_SEQ + 1] = -1;
    a[o + V_SYN_ACK_SEQ] = -1;
    a[o + V_SYN_ACK_SEQ + 1] = -1;
    a[o + V_SYN_ACK_TSVAL] = -1;
    a[o + V_SYN_ACK_TSVAL + 1] = -1;
    a[o + F_LAST_SEC] = t.sec;
    a[o + F_LAST_NS] = t.ns;
    a[o + F_LAST_UPS] = 1e6;
    a[o + F_FIRST_SYN_SIDE] = -1;
    a[o + F_FIRST_SYNACK_SIDE] = -1;
    a[o + F_FIRST_RST_SIDE] = -1;
    a[o + F_LAST_PAYLOAD_SIDE] = -1;
    this.zeek.init(0, zeekFlipsAtStart(seg.flags, seg.srcPort, seg.dstPort));
    return this;
  }

  /** Takes a zeroed slab record for this flow's numbers. */
  take(slab: Slab): void {
    const r = slab.alloc();
    this.record = r;
    this.s = slab.chunk(r);
    this.o = slab.offset(r);
    this.addrAt = slab.addrAt(r);
  }

  /**
   * Gives its slab record back (parked, finished), if it holds one, and points the flow at a
   * shared record of zeros, so it keeps no slab chunk alive that the slab frees.
   */
  giveBack(slab: Slab): void {
    if (this.record >= 0) slab.release(this.record);
    this.borrow(DETACHED);
  }

  /** Points this flow at `chunk`'s only record, a scratch one that is no slab record (`record` −1). */
  borrow(chunk: SlabChunk): void {
    this.record = -1;
    this.s = chunk;
    this.o = 0;
    this.addrAt = 0;
  }

  /** The Zeek state machine, bound to this flow. */
  get zeek(): ZeekConn {
    return this.zeekMachine.bind(this);
  }
  /** Offset of this flow's Zeek slots in `s.a`. */
  get zo(): number {
    return this.o + SLOTS;
  }

  get port0(): number { return this.s.a[this.o + F_PORT0]; }
  get port1(): number { return this.s.a[this.o + F_PORT1]; }
  get ipVersion(): number { return this.s.a[this.o + F_IP_VERSION]; }
  get firstPacket(): number { return this.s.a[this.o + F_FIRST_PACKET]; }
  get lastPacket(): number { return this.s.a[this.o + F_LAST_PACKET]; }
  get lastSec(): number { return this.s.a[this.o + F_LAST_SEC]; }
  get lastNs(): number { return this.s.a[this.o + F_LAST_NS]; }
  get lastFrac(): number { return this.s.a[this.o + F_LAST_FRAC]; }
  get lastUps(): number { return this.s.a[this.o + F_LAST_UPS]; }
  /** Side that sent the first pure SYN / first SYN-ACK / first RST (−1 = none yet). */
  get firstSynSide(): number { return this.s.a[this.o + F_FIRST_SYN_SIDE]; }
  get firstSynAckSide(): number { return this.s.a[this.o + F_FIRST_SYNACK_SIDE]; }
  get firstRstSide(): number { return this.s.a[this.o + F_FIRST_RST_SIDE]; }
  get firstSynAckSeq(): number { return this.s.a[this.o + F_FIRST_SYNACK_SEQ]; }
  get lastPayloadSide(): number { return this.s.a[this.o + F_LAST_PAYLOAD_SIDE]; }
  get completeness(): number { return this.s.a[this.o + F_COMPLETENESS]; }
  /** A new SYN (different ISN) re-opened this 4-tuple, or a SYN-ACK changed its ISN. */
  get portReuse(): boolean { return this.s.a[this.o + F_PORT_REUSE] !== 0; }
  set portReuse(v: boolean) { this.s.a[this.o + F_PORT_REUSE] = v ? 1 : 0; }
  /** The handshake-completing ACK (first client ACK after the SYN-ACK acking its seq + 1) was seen. */
  get hasAck(): boolean { return this.s.a[this.o + F_HAS_ACK] !== 0; }

  get wiresharkRtt(): number { return this.s.a[this.o + F_WIRESHARK_RTT]; }

  /** Where a connect starts: its first pure SYN, else (mid-stream, backscatter) the first packet. */
  startPoint(): number {
    return this.firstSynSide >= 0 ? P_SYN : P_FIRST;
  }
  // A time point (P_*) read straight from the slab: finishing a flow must not make objects.
  /** Its packet number, seconds and nanoseconds. */
  pointPacket(p: number): number { return this.s.a[this.o + p + POINT.packet]; }
  pointSec(p: number): number { return this.s.a[this.o + p + POINT.sec]; }
  pointNs(p: number): number { return this.s.a[this.o + p + POINT.ns]; }
  /** As printed (the file's precision). */
  pointTime(p: number): string {
    const a = this.s.a;
    const at = this.o + p;
    return formatPoint({ sec: a[at + POINT.sec], frac: a[at + POINT.frac], ups: a[at + POINT.ups] });
  }
  /** Seconds from time point `q` to `p`. */
  pointDiff(p: number, q: number): number {
    return diffSeconds(this.pointSec(p), this.pointNs(p), this.pointSec(q), this.pointNs(q));
  }

  setPoint(p: number, t: PacketTime): void {
    writePoint(this.s.a, this.o + p, t);
  }

  /** Byte offset of side `side`'s address in `s.addrs`. */
  addrOf(side: number): number {
    return this.addrAt + side * ADDR_BYTES;
  }
}

/** tcp.completeness as tshark 4.0 reports it for the stream. */
export function completenessOf(f: FlowState): number {
  // Both tests made for every flow: the second behind `&&` had no type feedback until the first
  // one-packet flow without a SYN, which threw away the optimised code of every function this
  // was inlined into (the store's Shapes.of, buildFlow) and had it compiled again.
  const c = f.completeness;
  const single = f.s.a[f.o + V_PACKETS] + f.s.a[f.o + V_PACKETS + 1] === 1;
  const noSyn = (c & COMPLETE_SYN) === 0;
  return single && noSyn ? 0 : c;
}

export function optionsOfSide(f: FlowState, side: number): TcpOptionsSeen | null {
  return side === 0 ? f.options0 : f.options1;
}
