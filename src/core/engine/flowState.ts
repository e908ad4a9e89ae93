/**
 * Mutable per-flow state, updated once per segment with no allocation on the common path
 * (handshake packets of listed flows go to the typed-array event log). Sides are 0 = the
 * sender of the flow's first packet and 1 = the other; client/server are decided at the end
 * (roles.ts), because the first packet is not always the client's.
 */
import { FastOpen, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import type { TcpOptionsSeen } from './result';
import { diffSeconds, formatPoint } from './time';
import { Slab } from './slab';
import { NOTE_FIRST_DATA, NOTE_HANDSHAKE_ACK, NOTE_RETRANSMISSION, type EventLog } from './eventLog';
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
export const COMPLETE_SYN = 1;
export const COMPLETE_SYNACK = 2;
export const COMPLETE_ACK = 4;
export const COMPLETE_DATA = 8;
export const COMPLETE_FIN = 16;
export const COMPLETE_RST = 32;

/** Backoff intervals kept per side (the pattern is clear after a handful). */
const MAX_INTERVALS = 16;

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

const F_PORT0 = L.port0;
const F_PORT1 = L.port1;
const F_IP_VERSION = L.ipVersion;
const F_FIRST_PACKET = L.firstPacket;
const F_LAST_PACKET = L.lastPacket;
const F_LAST_SEC = L.lastSec;
const F_LAST_NS = L.lastNs;
const F_LAST_FRAC = L.lastFrac;
const F_LAST_UPS = L.lastUps;
const F_FIRST_SYN_SIDE = L.firstSynSide;
const F_FIRST_SYNACK_SIDE = L.firstSynAckSide;
const F_FIRST_SYNACK_SEQ = L.firstSynAckSeq;
const F_FIRST_RST_SIDE = L.firstRstSide;
const F_LAST_PAYLOAD_SIDE = L.lastPayloadSide;
const F_COMPLETENESS = L.completeness;
const F_PORT_REUSE = L.portReuse;
const F_HAS_ACK = L.hasAck;
/** Time points (packet, sec, ns, frac, ups at +0 … +4). */
export const P_FIRST = L.pointFirst;
export const P_SYN = L.pointSyn;
export const P_SYNACK = L.pointSynAck;
export const P_ACK = L.pointAck;
export const P_RST = L.pointRst;
export const P_MRU_SYN = L.pointMruSyn;
export const P_ANSWER = L.pointAnswer;
export const P_MRU_SYNACK = L.pointMruSynAck;
const F_WIRESHARK_RTT = L.wiresharkRtt;
export const V_SYN_DUP = L.synDup;
export const V_SYN_ACK_DUP = L.synAckDup;
const SLOTS = L.SLOTS;

/**
 * A repeated SYN or SYN-ACK (same ISN) this soon after the last one is the same packet captured
 * twice (a SPAN port, two capture points), not a retransmission: no stack retransmits a SYN
 * within a millisecond (Linux's shortest timeout is 200 ms, its SYN timeout 1 s). Still counted
 * as a retransmission, as tshark does, but it is no retry and no backoff interval.
 */
const DUPLICATE_SECONDS = 0.001;
/** Slab stride: the flow's slots plus Zeek's. */
export const FLOW_STRIDE = SLOTS + ZEEK_SLOTS;

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
  /** VLAN ids of the first packet (outer first): part of the flow key when VLANs separate flows. */
  keyVlan: readonly number[] = NONE;
  /** Every VLAN id seen on the flow, in order of first appearance. */
  vlan: readonly number[] = NONE;
  /** pcapng interface ids the flow was seen on (almost always one). */
  interfaces: readonly number[] = IFACE0;
  /** Slot in the analyzer's flow table, or -1 once finished. */
  slot = -1;

  /** Further SYN-ACK ISNs per side, and the SYN / SYN-ACK backoff intervals (allocated on need). */
  synAckSeqs: number[][] | null = null;
  synIntervals: number[][] | null = null;
  synAckIntervals: number[][] | null = null;

  /** Options of side 0's and side 1's SYN (or SYN-ACK); shared frozen objects (see optionsOf). */
  options0: TcpOptionsSeen | null = null;
  options1: TcpOptionsSeen | null = null;

  /** Zeek's history string (its state machine's numbers are in the slab). */
  history = '';
  /** This flow's recorded packets in the event log: first, last (-1: none yet) and how many. */
  eventsHead = -1;
  eventsTail = -1;
  eventCount = 0;

  /** This flow's record in the analyzer's slab: per-side counters (V_*), numbers (F_*), time points (P_*), then Zeek's. */
  o = 0;

  /**
   * `zeek`: the Zeek state machine of the analysis this flow belongs to, shared by its flows and
   * bound to one for each use (see ZeekConn); no state is shared between analyses.
   */
  constructor(readonly s: Slab, private readonly zeekMachine: ZeekConn = new ZeekConn()) {}

  /**
   * Starts this object on a new flow. The analyzer reuses the objects of finished flows: a
   * flood finishes millions, and each new object outlived the young generation (promoted with
   * the ~25,000 active flows) to die in old space.
   */
  open(id: number, hash: number, seg: TcpSegment, t: PacketTime): this {
    const s = this.s;
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
    const o = s.alloc();
    this.o = o;
    this.addrAt = s.addrAt(o);
    const a = s.a;
    a[o + F_IP_VERSION] = seg.ipVersion;
    const n = seg.ipVersion === 6 ? 16 : 4;
    const addrs = s.addrs;
    for (let i = 0; i < n; i++) {
      addrs[this.addrAt + i] = seg.src[i];
      addrs[this.addrAt + 16 + i] = seg.dst[i];
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
  pointPacket(p: number): number { return this.s.a[this.o + p]; }
  pointSec(p: number): number { return this.s.a[this.o + p + 1]; }
  pointNs(p: number): number { return this.s.a[this.o + p + 2]; }
  /** As printed (the file's precision). */
  pointTime(p: number): string {
    const a = this.s.a;
    const at = this.o + p;
    return formatPoint({ sec: a[at + 1], frac: a[at + 3], ups: a[at + 4] });
  }
  /** Seconds from time point `q` to `p`. */
  pointDiff(p: number, q: number): number {
    return diffSeconds(this.pointSec(p), this.pointNs(p), this.pointSec(q), this.pointNs(q));
  }

  setPoint(p: number, t: PacketTime): void {
    const a = this.s.a;
    const at = this.o + p;
    a[at] = t.index;
    a[at + 1] = t.sec;
    a[at + 2] = t.ns;
    a[at + 3] = t.frac;
    a[at + 4] = t.ups;
  }

  /** Side of a segment already known to belong to this flow. */
  sideOf(seg: TcpSegment): number {
    if (seg.srcPort !== this.port0 || seg.dstPort !== this.port1) return 1;
    const n = seg.ipVersion === 6 ? 16 : 4;
    const addrs = this.s.addrs;
    for (let i = 0; i < n; i++) if (seg.src[i] !== addrs[this.addrAt + i]) return 1;
    return 0;
  }

}

/** tcp.completeness as tshark 4.0 reports it for the stream. */
export function completenessOf(f: FlowState): number {
  if (f.s.a[f.o + V_PACKETS] + f.s.a[f.o + V_PACKETS + 1] === 1 && !(f.completeness & COMPLETE_SYN)) return 0;
  return f.completeness;
}

function setOptions(f: FlowState, side: number, o: TcpOptionsSeen): void {
  if (side === 0) f.options0 = o;
  else f.options1 = o;
}

export function optionsOfSide(f: FlowState, side: number): TcpOptionsSeen | null {
  return side === 0 ? f.options0 : f.options1;
}

/**
 * Option sets are few (a handful of stacks per capture), so equal ones are shared: one frozen
 * object per distinct set instead of one per SYN, which in a flood was one per flow. Bounded so
 * a capture with every possible combination cannot grow it without limit.
 */
const optionsCache = new Map<number, TcpOptionsSeen>();
const OPTIONS_CACHE_MAX = 4096;

export function optionsOf(seg: TcpSegment): TcpOptionsSeen {
  const key = (((seg.mss + 1) * 512 + (seg.windowScale + 1)) * 16 + (seg.sackPermitted ? 8 : 0) + (seg.tsVal >= 0 ? 4 : 0)) * 4 + seg.fastOpen;
  let o = optionsCache.get(key);
  if (o === undefined) {
    o = Object.freeze(newOptions(seg));
    if (optionsCache.size < OPTIONS_CACHE_MAX) optionsCache.set(key, o);
  }
  return o;
}

function newOptions(seg: TcpSegment): TcpOptionsSeen {
  return {
    mss: seg.mss >= 0 ? seg.mss : null,
    windowScale: seg.windowScale >= 0 ? seg.windowScale : null,
    sackPermitted: seg.sackPermitted,
    timestamps: seg.tsVal >= 0,
    fastOpen: seg.fastOpen === FastOpen.CookieRequest ? 'request' : seg.fastOpen === FastOpen.Cookie ? 'cookie' : null,
  };
}

/**
 * Apply one segment from `side`. Returns bits telling the analyzer what happened (for the
 * timeline): 1 = handshake completed with this packet.
 */
export function updateFlow(f: FlowState, seg: TcpSegment, side: number, t: PacketTime, comment: string | undefined, maxEvents: number, log: EventLog): number {
  const flags = seg.flags;
  const other = 1 - side;
  const len = seg.payloadLen;
  const isSyn = (flags & TCP_SYN) !== 0;
  const isAck = (flags & TCP_ACK) !== 0;
  let result = 0;
  let eventNotes = 0;
  let wantEvent = false;
  const a = f.s.a;
  const o = f.o;

  a[o + V_PACKETS + side]++;
  a[o + V_PAYLOAD + side] += len;
  a[o + F_LAST_PACKET] = t.index;
  a[o + F_LAST_SEC] = t.sec;
  a[o + F_LAST_NS] = t.ns;
  a[o + F_LAST_FRAC] = t.frac;
  a[o + F_LAST_UPS] = t.ups;
  const ifs = f.interfaces;
  if ((ifs.length !== 1 || ifs[0] !== t.interfaceId) && ifs.indexOf(t.interfaceId) < 0) f.interfaces = [...ifs, t.interfaceId];
  for (let i = 0; i < seg.vlanCount; i++) if (f.vlan.indexOf(seg.vlan[i]) < 0) f.vlan = [...f.vlan, seg.vlan[i]];

  // A SYN-ACK whose ISN differs from the base already known for its direction: Wireshark
  // flags tcp.analysis.reused_ports on it (without starting a new stream).
  if (isSyn && isAck && a[o + V_BASE_SET + side] && seg.seq !== a[o + V_BASE_SEQ + side]) a[o + F_PORT_REUSE] = 1;

  // Wireshark's base sequence numbers (relative seq/ack in events, reuse detection).
  if (!a[o + V_BASE_SET + side]) {
    a[o + V_BASE_SET + side] = 1;
    a[o + V_BASE_SEQ + side] = isSyn ? seg.seq : (seg.seq - 1) >>> 0;
  }
  if (!a[o + V_BASE_SET + other] && isAck) {
    a[o + V_BASE_SET + other] = 1;
    a[o + V_BASE_SEQ + other] = (seg.ack - 1) >>> 0;
  }

  // Wireshark tcp.completeness (as tshark 4.0 reports it: the SYN bit only when the SYN opens
  // the stream; a lone non-SYN packet reports 0, see completenessOf()).
  if (isSyn) {
    if (isAck) a[o + F_COMPLETENESS] |= COMPLETE_SYNACK;
    else if (a[o + V_PACKETS] + a[o + V_PACKETS + 1] === 1) a[o + F_COMPLETENESS] |= COMPLETE_SYN;
  } else if (isAck && len === 0) a[o + F_COMPLETENESS] |= COMPLETE_ACK;
  if (len > 0 && !(isSyn && isAck)) a[o + F_COMPLETENESS] |= COMPLETE_DATA;
  if ((flags & (TCP_FIN | TCP_ACK)) === (TCP_FIN | TCP_ACK)) a[o + F_COMPLETENESS] |= COMPLETE_FIN;
  // tshark leaves the RST bit out for a segment with both SYN and RST (a lone SYN+RST is 1).
  if ((flags & TCP_RST) && !isSyn) a[o + F_COMPLETENESS] |= COMPLETE_RST;

  if (isSyn && !isAck) {
    wantEvent = true;
    a[o + V_SYN + side]++;
    if (a[o + V_SYN + side] === 1) {
      a[o + V_SYN_SEQ + side] = seg.seq;
      setOptions(f, side, optionsOf(seg));
      a[o + V_SYN_DATA + side] = len;
      if (f.firstSynSide < 0) {
        a[o + F_FIRST_SYN_SIDE] = side;
        f.setPoint(P_SYN, t);
      }
    } else {
      const gap = diffSeconds(t.sec, t.ns, a[o + V_LAST_SYN_SEC + side], a[o + V_LAST_SYN_NS + side]);
      const same = seg.seq === a[o + V_SYN_SEQ + side];
      if (same) {
        a[o + V_SYN_RETX + side]++;
        eventNotes = NOTE_RETRANSMISSION;
      }
      if (same && gap >= 0 && gap < DUPLICATE_SECONDS) a[o + V_SYN_DUP + side]++;
      else {
        f.synIntervals ??= [[], []];
        if (f.synIntervals[side].length < MAX_INTERVALS) f.synIntervals[side].push(gap);
      }
    }
    a[o + V_LAST_SYN_SEC + side] = t.sec;
    a[o + V_LAST_SYN_NS + side] = t.ns;
    if (a[o + F_HAS_ACK] === 0) {
      f.setPoint(P_MRU_SYN, t);
      a[o + P_ANSWER] = 0;
    }
  } else if (isSyn && isAck) {
    wantEvent = true;
    a[o + V_SYN_ACK + side]++;
    a[o + V_SYNACK_EACH_WAY + side] = 1;
    if (a[o + V_SYN_ACK + side] === 1) {
      a[o + V_SYN_ACK_SEQ + side] = seg.seq;
      a[o + V_SYN_ACK_TSVAL + side] = seg.tsVal;
      if (!optionsOfSide(f, side) || a[o + V_SYN + side] === 0) setOptions(f, side, optionsOf(seg));
      if (f.firstSynAckSide < 0) {
        a[o + F_FIRST_SYNACK_SIDE] = side;
        f.setPoint(P_SYNACK, t);
        a[o + F_FIRST_SYNACK_SEQ] = seg.seq;
      }
    } else {
      // Any ISN this side already answered with (a flow can see two: anycast, cookies).
      f.synAckSeqs ??= [[], []];
      const seen = f.synAckSeqs[side];
      const gap = diffSeconds(t.sec, t.ns, a[o + V_LAST_SYNACK_SEC + side], a[o + V_LAST_SYNACK_NS + side]);
      const same = seg.seq === a[o + V_SYN_ACK_SEQ + side] || seen.indexOf(seg.seq) >= 0;
      if (same) {
        a[o + V_SYN_ACK_RETX + side]++;
        eventNotes = NOTE_RETRANSMISSION;
      } else if (seen.length < 8) {
        seen.push(seg.seq);
      }
      if (same && gap >= 0 && gap < DUPLICATE_SECONDS) a[o + V_SYN_ACK_DUP + side]++;
      else {
        f.synAckIntervals ??= [[], []];
        if (f.synAckIntervals[side].length < MAX_INTERVALS) f.synAckIntervals[side].push(gap);
      }
    }
    a[o + V_LAST_SYNACK_SEC + side] = t.sec;
    a[o + V_LAST_SYNACK_NS + side] = t.ns;
    if (a[o + F_HAS_ACK] === 0) {
      if (a[o + P_ANSWER] === 0 && a[o + P_MRU_SYN] !== 0) f.setPoint(P_ANSWER, t);
      f.setPoint(P_MRU_SYNACK, t);
    }
  } else if (isAck && !(flags & TCP_RST) && a[o + F_HAS_ACK] === 0 && f.firstSynAckSide === other &&
    (f.firstSynSide < 0 || f.firstSynSide === side) && seg.ack === ((f.firstSynAckSeq + 1) >>> 0)) {
    a[o + F_HAS_ACK] = 1;
    f.setPoint(P_ACK, t);
    wantEvent = true;
    eventNotes = NOTE_HANDSHAKE_ACK;
    result |= 1;
  }

  if (isAck && !isSyn && a[o + F_WIRESHARK_RTT] === 0 && a[o + P_MRU_SYN] !== 0) {
    a[o + F_WIRESHARK_RTT] = diffSeconds(t.sec, t.ns, a[o + P_MRU_SYN + 1], a[o + P_MRU_SYN + 2]);
  }

  if (len > 0) {
    if (!a[o + V_DATA_SEEN + side]) {
      a[o + V_DATA_SEEN + side] = 1;
      wantEvent = true;
      eventNotes |= NOTE_FIRST_DATA;
    }
    if (f.lastPayloadSide !== side) {
      a[o + V_TURNS + side]++;
      a[o + F_LAST_PAYLOAD_SIDE] = side;
    }
  }
  if (flags & TCP_FIN) {
    if (!a[o + V_FIN + side]) wantEvent = true;
    a[o + V_FIN + side] = 1;
  }
  if (flags & TCP_RST) {
    wantEvent = true;
    a[o + V_RST + side] = 1;
    if (f.firstRstSide < 0) {
      f.setPoint(P_RST, t);
      a[o + F_FIRST_RST_SIDE] = side;
    }
  }

  f.zeek.packet(side, seg);

  if ((wantEvent || comment !== undefined) && f.eventCount < maxEvents) {
    const i = log.append(f.eventsTail, t, side, seg,
      a[o + V_BASE_SET + side] ? (seg.seq - a[o + V_BASE_SEQ + side]) >>> 0 : seg.seq,
      isAck ? (a[o + V_BASE_SET + other] ? (seg.ack - a[o + V_BASE_SEQ + other]) >>> 0 : seg.ack) : 0,
      eventNotes, comment);
    if (f.eventsHead < 0) f.eventsHead = i;
    f.eventsTail = i;
    f.eventCount++;
  }
  return result;
}
