/**
 * Mutable per-flow state, updated once per segment with no allocation on the common path
 * (allocations happen only for the few handshake events a flow has). Sides are 0 = the
 * sender of the flow's first packet and 1 = the other; client/server are decided at the end
 * (roles.ts), because the first packet is not always the client's.
 */
import { FastOpen, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import type { TcpOptionsSeen } from './result';
import { diffSeconds, type TimePoint } from './time';
import { ZeekConn, zeekFlipsAtStart } from './zeek';

export const COMPLETE_SYN = 1;
export const COMPLETE_SYNACK = 2;
export const COMPLETE_ACK = 4;
export const COMPLETE_DATA = 8;
export const COMPLETE_FIN = 16;
export const COMPLETE_RST = 32;

/** Backoff intervals kept per side (the pattern is clear after a handful). */
const MAX_INTERVALS = 16;

export interface PacketTime {
  index: number;
  sec: number;
  ns: number;
  frac: number;
  ups: number;
  interfaceId: number;
}

export class FlowState {
  readonly addr0 = new Uint8Array(16);
  readonly addr1 = new Uint8Array(16);
  port0 = 0;
  port1 = 0;
  ipVersion = 4;
  /** VLAN ids of the first packet (outer first): part of the flow key when VLANs separate flows. */
  keyVlan: number[] = [];
  /** Every VLAN id seen on the flow, in order of first appearance. */
  vlan: number[] = [];
  interfaces: number[] = [];
  /** Slot in the analyzer's flow table, or -1 once finished. */
  slot = -1;

  firstPacket = 0;
  lastPacket = 0;
  first: TimePoint;
  lastSec = 0;
  lastNs = 0;
  lastFrac = 0;
  lastUps = 1e6;

  packets = [0, 0];
  payload = [0, 0];

  /** Wireshark's base sequence number per side (ISN, or seq − 1 when the first packet is no SYN). */
  baseSet = [false, false];
  baseSeq = [0, 0];

  /** Pure SYNs (no ACK) per side, retransmissions included; seq of the side's first one. */
  syn = [0, 0];
  synRetx = [0, 0];
  synSeq = [-1, -1];
  synAck = [0, 0];
  synAckRetx = [0, 0];
  synAckSeq = [-1, -1];
  /** Further SYN-ACK ISNs seen per side (bounded). */
  synAckSeqs: number[][] = [[], []];
  /** TSval of each side's first SYN-ACK (−1 = none), for the SYN-cookie test. */
  synAckTsVal = [-1, -1];
  lastSynSec = [0, 0];
  lastSynNs = [0, 0];
  lastSynAckSec = [0, 0];
  lastSynAckNs = [0, 0];
  synIntervals: number[][] = [[], []];
  synAckIntervals: number[][] = [[], []];

  /** Side that sent the first pure SYN / first SYN-ACK (−1 = none yet). */
  firstSynSide = -1;
  firstSyn: TimePoint | null = null;
  firstSynAckSide = -1;
  firstSynAck: TimePoint | null = null;
  firstSynAckSeq = 0;
  /** The handshake-completing ACK (first client ACK after the SYN-ACK acking its seq + 1). */
  hsAck: TimePoint | null = null;
  /** The first SYN-ACK from each side, for simultaneous opens. */
  synAckEachWay = [false, false];

  options: [TcpOptionsSeen | null, TcpOptionsSeen | null] = [null, null];
  synData = [0, 0];

  fin = [false, false];
  rst = [false, false];
  firstRst: TimePoint | null = null;
  firstRstSide = -1;
  dataSeen = [false, false];
  /** Request/response turns per side (payload that follows the other side's payload, or is first). */
  turns = [0, 0];
  lastPayloadSide = -1;
  completeness = 0;
  /** A new SYN (different ISN) re-opened this 4-tuple, or a SYN-ACK changed its ISN. */
  portReuse = false;
  truncated = 0;

  zeek: ZeekConn;
  events: RawEvent[] = [];
  eventsDropped = 0;

  constructor(
    readonly id: number,
    readonly hash: number,
    seg: TcpSegment,
    t: PacketTime,
  ) {
    this.ipVersion = seg.ipVersion;
    this.addr0.set(seg.src.subarray(0, 16));
    this.addr1.set(seg.dst.subarray(0, 16));
    this.port0 = seg.srcPort;
    this.port1 = seg.dstPort;
    for (let i = 0; i < seg.vlanCount; i++) {
      this.keyVlan.push(seg.vlan[i]);
      this.vlan.push(seg.vlan[i]);
    }
    this.firstPacket = t.index;
    this.first = point(t);
    this.lastSec = t.sec;
    this.lastNs = t.ns;
    this.zeek = new ZeekConn(0, zeekFlipsAtStart(seg.flags, seg.srcPort, seg.dstPort));
  }

  /** Side of a segment already known to belong to this flow. */
  sideOf(seg: TcpSegment): number {
    if (seg.srcPort !== this.port0 || seg.dstPort !== this.port1) return 1;
    const n = seg.ipVersion === 6 ? 16 : 4;
    for (let i = 0; i < n; i++) if (seg.src[i] !== this.addr0[i]) return 1;
    return 0;
  }

  /** Seconds since the flow's first packet. */
  rel(t: PacketTime): number {
    return diffSeconds(t.sec, t.ns, this.first.sec, this.first.ns);
  }
}

/** tcp.completeness as tshark 4.0 reports it for the stream. */
export function completenessOf(f: FlowState): number {
  if (f.packets[0] + f.packets[1] === 1 && !(f.completeness & COMPLETE_SYN)) return 0;
  return f.completeness;
}

function point(t: PacketTime): TimePoint {
  return { packet: t.index, sec: t.sec, ns: t.ns, frac: t.frac, ups: t.ups };
}

export function optionsOf(seg: TcpSegment): TcpOptionsSeen {
  return {
    mss: seg.mss >= 0 ? seg.mss : null,
    windowScale: seg.windowScale >= 0 ? seg.windowScale : null,
    sackPermitted: seg.sackPermitted,
    timestamps: seg.tsVal >= 0,
    fastOpen: seg.fastOpen === FastOpen.CookieRequest ? 'request' : seg.fastOpen === FastOpen.Cookie ? 'cookie' : null,
  };
}

export function optionsSummary(seg: TcpSegment): string {
  const parts: string[] = [];
  if (seg.mss >= 0) parts.push(`MSS=${seg.mss}`);
  if (seg.windowScale >= 0) parts.push(`WS=${seg.windowScale}`);
  if (seg.sackPermitted) parts.push('SACK_PERM');
  if (seg.tsVal >= 0) parts.push('TS');
  if (seg.fastOpen === FastOpen.CookieRequest) parts.push('TFO-req');
  else if (seg.fastOpen === FastOpen.Cookie) parts.push(`TFO-cookie(${seg.fastOpenCookieLen})`);
  if (seg.mptcp) parts.push('MPTCP');
  return parts.join(' ');
}

/**
 * Apply one segment from `side`. Returns bits telling the analyzer what happened (for the
 * timeline): 1 = handshake completed with this packet.
 */
export function updateFlow(f: FlowState, seg: TcpSegment, side: number, t: PacketTime, comment: string | undefined, maxEvents: number): number {
  const flags = seg.flags;
  const other = 1 - side;
  const len = seg.payloadLen;
  const isSyn = (flags & TCP_SYN) !== 0;
  const isAck = (flags & TCP_ACK) !== 0;
  let result = 0;
  let eventNotes: string[] | null = null;
  let wantEvent = false;

  f.packets[side]++;
  f.payload[side] += len;
  f.lastPacket = t.index;
  f.lastSec = t.sec;
  f.lastNs = t.ns;
  f.lastFrac = t.frac;
  f.lastUps = t.ups;
  if (seg.truncated) f.truncated++;
  if (f.interfaces.indexOf(t.interfaceId) < 0) f.interfaces.push(t.interfaceId);
  for (let i = 0; i < seg.vlanCount; i++) if (f.vlan.indexOf(seg.vlan[i]) < 0) f.vlan.push(seg.vlan[i]);

  // A SYN-ACK whose ISN differs from the base already known for its direction: Wireshark
  // flags tcp.analysis.reused_ports on it (without starting a new stream).
  if (isSyn && isAck && f.baseSet[side] && seg.seq !== f.baseSeq[side]) f.portReuse = true;

  // Wireshark's base sequence numbers (relative seq/ack in events, reuse detection).
  if (!f.baseSet[side]) {
    f.baseSet[side] = true;
    f.baseSeq[side] = isSyn ? seg.seq : (seg.seq - 1) >>> 0;
  }
  if (!f.baseSet[other] && isAck) {
    f.baseSet[other] = true;
    f.baseSeq[other] = (seg.ack - 1) >>> 0;
  }

  // Wireshark tcp.completeness (as tshark 4.0 reports it: the SYN bit only when the SYN opens
  // the stream; a lone non-SYN packet reports 0, see completenessOf()).
  if (isSyn) {
    if (isAck) f.completeness |= COMPLETE_SYNACK;
    else if (f.packets[0] + f.packets[1] === 1) f.completeness |= COMPLETE_SYN;
  } else if (isAck && len === 0) f.completeness |= COMPLETE_ACK;
  if (len > 0 && !(isSyn && isAck)) f.completeness |= COMPLETE_DATA;
  if ((flags & (TCP_FIN | TCP_ACK)) === (TCP_FIN | TCP_ACK)) f.completeness |= COMPLETE_FIN;
  if (flags & TCP_RST) f.completeness |= COMPLETE_RST;

  if (isSyn && !isAck) {
    wantEvent = true;
    f.syn[side]++;
    if (f.syn[side] === 1) {
      f.synSeq[side] = seg.seq;
      f.options[side] = optionsOf(seg);
      f.synData[side] = len;
      if (f.firstSynSide < 0) {
        f.firstSynSide = side;
        f.firstSyn = point(t);
      }
    } else {
      if (seg.seq === f.synSeq[side]) {
        f.synRetx[side]++;
        eventNotes = ['retransmission'];
      }
      if (f.synIntervals[side].length < MAX_INTERVALS) {
        f.synIntervals[side].push(diffSeconds(t.sec, t.ns, f.lastSynSec[side], f.lastSynNs[side]));
      }
    }
    f.lastSynSec[side] = t.sec;
    f.lastSynNs[side] = t.ns;
  } else if (isSyn && isAck) {
    wantEvent = true;
    f.synAck[side]++;
    f.synAckEachWay[side] = true;
    if (f.synAck[side] === 1) {
      f.synAckSeq[side] = seg.seq;
      f.synAckTsVal[side] = seg.tsVal;
      if (!f.options[side] || f.syn[side] === 0) f.options[side] = optionsOf(seg);
      if (f.firstSynAckSide < 0) {
        f.firstSynAckSide = side;
        f.firstSynAck = point(t);
        f.firstSynAckSeq = seg.seq;
      }
    } else {
      // Any ISN this side already answered with (a flow can see two: anycast, cookies).
      const seen = f.synAckSeqs[side];
      if (seg.seq === f.synAckSeq[side] || seen.indexOf(seg.seq) >= 0) {
        f.synAckRetx[side]++;
        eventNotes = ['retransmission'];
      } else if (seen.length < 8) {
        seen.push(seg.seq);
      }
      if (f.synAckIntervals[side].length < MAX_INTERVALS) {
        f.synAckIntervals[side].push(diffSeconds(t.sec, t.ns, f.lastSynAckSec[side], f.lastSynAckNs[side]));
      }
    }
    f.lastSynAckSec[side] = t.sec;
    f.lastSynAckNs[side] = t.ns;
  } else if (isAck && !(flags & TCP_RST) && f.hsAck === null && f.firstSynAckSide === other &&
    (f.firstSynSide < 0 || f.firstSynSide === side) && seg.ack === ((f.firstSynAckSeq + 1) >>> 0)) {
    f.hsAck = point(t);
    wantEvent = true;
    eventNotes = ['handshake-ack'];
    result |= 1;
  }

  if (len > 0) {
    if (!f.dataSeen[side]) {
      f.dataSeen[side] = true;
      wantEvent = true;
      eventNotes = eventNotes ? [...eventNotes, 'first-data'] : ['first-data'];
    }
    if (f.lastPayloadSide !== side) {
      f.turns[side]++;
      f.lastPayloadSide = side;
    }
  }
  if (flags & TCP_FIN) {
    if (!f.fin[side]) wantEvent = true;
    f.fin[side] = true;
  }
  if (flags & TCP_RST) {
    wantEvent = true;
    f.rst[side] = true;
    if (!f.firstRst) {
      f.firstRst = point(t);
      f.firstRstSide = side;
    }
  }

  f.zeek.packet(side, flags, seg.seq, len);

  if (wantEvent || comment !== undefined) {
    if (f.events.length < maxEvents) {
      f.events.push({
        packet: t.index, sec: t.sec, ns: t.ns, frac: t.frac, ups: t.ups, side, flags,
        seq: f.baseSet[side] ? (seg.seq - f.baseSeq[side]) >>> 0 : seg.seq,
        ack: isAck ? (f.baseSet[other] ? (seg.ack - f.baseSeq[other]) >>> 0 : seg.ack) : 0,
        len, window: seg.window, options: optionsSummary(seg), notes: eventNotes ?? [], comment,
      });
    } else {
      f.eventsDropped++;
    }
  }
  return result;
}

/** An event as recorded; turned into a FlowEvent (time string, c2s/s2c) when the flow is built. */
export interface RawEvent {
  packet: number;
  sec: number;
  ns: number;
  frac: number;
  ups: number;
  side: number;
  flags: number;
  seq: number;
  ack: number;
  len: number;
  window: number;
  options: string;
  notes: string[];
  comment: string | undefined;
}
