/**
 * A SYN's or SYN-ACK's bookkeeping (updateFlow's handshake part): its count, ISN, IP header and
 * options, retransmissions, copies and backoff intervals, and the handshake's time points.
 *
 * Its own function, and one too big for V8 to inline into updateFlow (over 460 bytes of
 * bytecode): the first retransmission, the first copy or the first SYN-ACK with a second ISN
 * runs code that had no type feedback when the optimizing compiler last compiled it, which
 * throws that code away. Inlined, that was updateFlow's code (every packet's path) each time,
 * compiled again up to five times in a run; now only this function's.
 */
import type { TcpSegment } from '../decode/types';
import type { TcpOptionsSeen } from './result';
import type { OptionSets } from './optionSets';
import { diffSeconds } from './time';
import { NOTE_RETRANSMISSION } from './eventLog';
import {
  F_FIRST_SYNACK_SEQ, F_FIRST_SYNACK_SIDE, F_FIRST_SYN_SIDE, F_HAS_ACK, F_PORT_REUSE, P_ANSWER, P_MRU_SYN, P_MRU_SYNACK, P_SYN, P_SYNACK,
  V_BASE_SEQ, V_BASE_SET, V_LAST_SYNACK_NS, V_LAST_SYNACK_SEC, V_LAST_SYN_NS, V_LAST_SYN_SEC, V_SYN, V_SYNACK_EACH_WAY, V_SYN_ACK,
  V_SYN_ACK_DUP, V_SYN_ACK_RETX, V_SYN_ACK_SEQ, V_SYN_ACK_TSVAL, V_SYN_DATA, V_SYN_DUP, V_SYN_IPID, V_SYN_RETX, V_SYN_SEQ, V_SYN_TTL,
  optionsOfSide, type FlowState, type PacketTime,
} from './flowState';

/** Backoff intervals kept per side (the pattern is clear after a handful). */
const MAX_INTERVALS = 16;

/**
 * A repeated SYN or SYN-ACK (same ISN) this soon after the last one is the same packet captured
 * twice (a SPAN port, two capture points), not a retransmission: no stack retransmits a SYN
 * within a millisecond (Linux's shortest timeout is 200 ms, its SYN timeout 1 s). Still counted
 * as a retransmission, as tshark does, but it is no retry and no backoff interval.
 */
const DUPLICATE_SECONDS = 0.001;

/** TTL and IPv4 id of the side's first SYN (or SYN-ACK); the id is stored + 1 so 0 means none. */
function noteIpHeader(f: FlowState, side: number, seg: TcpSegment): void {
  f.s.a[f.o + V_SYN_TTL + side] = seg.ttl;
  f.s.a[f.o + V_SYN_IPID + side] = seg.ipId + 1;
}

function setOptions(f: FlowState, side: number, o: TcpOptionsSeen): void {
  if (side === 0) f.options0 = o;
  else f.options1 = o;
}

/**
 * A new empty list of numbers per side (backoff intervals, further ISNs), made as arrays of
 * doubles: `[]` starts as an array of small integers and changes its hidden class at its first
 * fraction or ISN ≥ 2^30, which threw away this function's optimised code twice over (the
 * literal's allocation site changed, then the next flow's arrays had another map).
 */
function perSide(): number[][] {
  const a = [0.5];
  const b = [0.5];
  a.pop();
  b.pop();
  return [a, b];
}

/**
 * Apply a segment with SYN (`isAck`: a SYN-ACK) from `side`, after updateFlow's counters and
 * base sequence numbers. Returns the event notes it adds (NOTE_RETRANSMISSION or 0).
 */
export function synSegment(f: FlowState, seg: TcpSegment, side: number, t: PacketTime, isAck: boolean, len: number, options: OptionSets): number {
  const a = f.s.a;
  const o = f.o;
  let eventNotes = 0;
  if (!isAck) {
    a[o + V_SYN + side]++;
    if (a[o + V_SYN + side] === 1) {
      a[o + V_SYN_SEQ + side] = seg.seq;
      noteIpHeader(f, side, seg);
      setOptions(f, side, options.of(seg));
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
        f.synIntervals ??= perSide();
        if (f.synIntervals[side].length < MAX_INTERVALS) f.synIntervals[side].push(gap);
      }
    }
    a[o + V_LAST_SYN_SEC + side] = t.sec;
    a[o + V_LAST_SYN_NS + side] = t.ns;
    if (a[o + F_HAS_ACK] === 0) {
      f.setPoint(P_MRU_SYN, t);
      a[o + P_ANSWER] = 0;
    }
  } else {
    // A SYN-ACK whose ISN differs from the base already known for its direction: Wireshark
    // flags tcp.analysis.reused_ports on it (without starting a new stream).
    if (a[o + V_BASE_SET + side] && seg.seq !== a[o + V_BASE_SEQ + side]) a[o + F_PORT_REUSE] = 1;
    a[o + V_SYN_ACK + side]++;
    a[o + V_SYNACK_EACH_WAY + side] = 1;
    if (a[o + V_SYN_ACK + side] === 1) {
      a[o + V_SYN_ACK_SEQ + side] = seg.seq;
      if (a[o + V_SYN + side] === 0) noteIpHeader(f, side, seg);
      a[o + V_SYN_ACK_TSVAL + side] = seg.tsVal;
      if (!optionsOfSide(f, side) || a[o + V_SYN + side] === 0) setOptions(f, side, options.of(seg));
      if (f.firstSynAckSide < 0) {
        a[o + F_FIRST_SYNACK_SIDE] = side;
        f.setPoint(P_SYNACK, t);
        a[o + F_FIRST_SYNACK_SEQ] = seg.seq;
      }
    } else {
      // Any ISN this side already answered with (a flow can see two: anycast, cookies).
      f.synAckSeqs ??= perSide();
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
        f.synAckIntervals ??= perSide();
        if (f.synAckIntervals[side].length < MAX_INTERVALS) f.synAckIntervals[side].push(gap);
      }
    }
    a[o + V_LAST_SYNACK_SEC + side] = t.sec;
    a[o + V_LAST_SYNACK_NS + side] = t.ns;
    if (a[o + F_HAS_ACK] === 0) {
      if (a[o + P_ANSWER] === 0 && a[o + P_MRU_SYN] !== 0) f.setPoint(P_ANSWER, t);
      f.setPoint(P_MRU_SYNACK, t);
    }
  }
  return eventNotes;
}
