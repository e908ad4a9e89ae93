/**
 * The per-packet step: one TCP segment applied to its flow's state (counters, handshake points,
 * retransmissions and backoff intervals, options, Zeek's state machine, diagram events), with no
 * allocation on the common path. The flow lookup and port reuse are the analyzer's; this is
 * what happens once the flow is known.
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import { readOptions } from '../decode/tcp';
import type { OptionSets } from './optionSets';
import { diffSeconds, POINT } from './time';
import { NOTE_FIRST_DATA, NOTE_HANDSHAKE_ACK, type EventLog } from './eventLog';
import { synSegment } from './synSegment';
import {
  COMPLETE_ACK, COMPLETE_DATA, COMPLETE_FIN, COMPLETE_RST, COMPLETE_SYN, COMPLETE_SYNACK, F_COMPLETENESS, F_FIRST_RST_SIDE, F_HAS_ACK, F_LAST_FRAC, F_LAST_NS, F_LAST_PACKET, F_LAST_PAYLOAD_SIDE, F_LAST_SEC, F_LAST_UPS, F_WIRESHARK_RTT, P_ACK, P_MRU_SYN, P_RST, V_BASE_SEQ, V_BASE_SET, V_DATA_SEEN, V_FIN, V_PACKETS, V_PAYLOAD, V_RST, V_TURNS, F_RST_TTL,
  type FlowState, type PacketTime,
} from './flowState';

/**
 * Apply one segment from `side`. Returns bits telling the analyzer what happened (for the
 * timeline): 1 = handshake completed with this packet.
 */
export function updateFlow(f: FlowState, seg: TcpSegment, side: number, t: PacketTime, comment: string | undefined, maxEvents: number, log: EventLog, options: OptionSets): number {
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

  if (isSyn) {
    wantEvent = true;
    eventNotes = synSegment(f, seg, side, t, isAck, len, options);
  } else if (isAck && !(flags & TCP_RST) && a[o + F_HAS_ACK] === 0 && f.firstSynAckSide === other &&
    (f.firstSynSide < 0 || f.firstSynSide === side) && seg.ack === ((f.firstSynAckSeq + 1) >>> 0)) {
    a[o + F_HAS_ACK] = 1;
    f.setPoint(P_ACK, t);
    wantEvent = true;
    eventNotes = NOTE_HANDSHAKE_ACK;
    result |= 1;
  }

  if (isAck && !isSyn && a[o + F_WIRESHARK_RTT] === 0 && a[o + P_MRU_SYN] !== 0) {
    a[o + F_WIRESHARK_RTT] = diffSeconds(t.sec, t.ns, a[o + P_MRU_SYN + POINT.sec], a[o + P_MRU_SYN + POINT.ns]);
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
      a[o + F_RST_TTL] = seg.ttl;
    }
  }

  f.zeek.packet(side, seg);

  if ((wantEvent || comment !== undefined) && f.eventCount < maxEvents) {
    readOptions(seg);
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
