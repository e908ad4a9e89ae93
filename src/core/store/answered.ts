/**
 * The handshake's timing points beyond the first SYN, SYN-ACK and ACK (flowState's P_MRU_SYN,
 * P_ANSWER, P_MRU_SYNACK: the packets that answered each other), the SPAN-duplicate counts and
 * a simultaneous open's RTT, for stored flows.
 *
 * Nearly every flow has nothing to add: its SYN was not retried, so the SYN the RTT is measured
 * from is its first SYN, the SYN-ACK answering it is its first SYN-ACK, and the one its ACK
 * acknowledged is that same SYN-ACK; and no packet was captured twice. Columns for these would
 * cost every flow 32 bytes (a third of the store's budget), so only the flows that differ keep
 * an entry here, by row. A point a flow's JSON never shows (the acknowledged SYN-ACK without a
 * handshake ACK, the answer without a SYN) is not compared: a half-open flood's retransmitted
 * SYN-ACKs do not put every flood flow in this map.
 */
import { int, type FlowFacts } from '../engine/buildFlow';
import type { Handshake, PacketRef } from '../engine/result';
import { diffSeconds, formatPoint, readPoint, type TimePoint } from '../engine/time';
import { P_ANSWER, P_MRU_SYN, P_MRU_SYNACK, P_SYN, P_SYNACK, type FlowState } from '../engine/flowState';

export type StoredPoint = TimePoint;

export interface Answered {
  /** The SYN the RTT is measured from (null: none). */
  mruSyn: StoredPoint | null;
  /** The first SYN-ACK after it. */
  answer: StoredPoint | null;
  /** The SYN-ACK the handshake ACK acknowledged. */
  mruSynAck: StoredPoint | null;
  synDup: number;
  synAckDup: number;
  /** The RTT of a handshake completed without a handshake ACK (a simultaneous open), else null. */
  openRtt: number | null;
}

export class AnsweredPoints {
  private readonly rare = new Map<number, Answered>();

  get size(): number {
    return this.rare.size;
  }

  /** About 200 bytes an entry (the object, its points, the map slot). */
  bytes(): number {
    return this.rare.size * 200;
  }

  /** Keeps what `f` (stored at `row`) has beyond its first SYN / SYN-ACK / ACK, if anything. */
  note(row: number, f: FlowState, k: FlowFacts, hasSyn: boolean, hasSynAck: boolean): void {
    const syn = hasSyn ? f.pointPacket(P_SYN) : 0;
    const synAck = hasSynAck ? f.pointPacket(P_SYNACK) : 0;
    const mruSyn = hasSyn ? f.pointPacket(P_MRU_SYN) : 0;
    const answer = hasSyn && hasSynAck ? f.pointPacket(P_ANSWER) : synAck;
    const acked = hasSynAck && f.hasAck ? f.pointPacket(P_MRU_SYNACK) : synAck;
    const openRtt = f.hasAck ? null : k.rtt;
    if (mruSyn === syn && answer === synAck && acked === synAck && k.synDup === 0 && k.synAckDup === 0 && openRtt === null) return;
    this.rare.set(row, {
      mruSyn: pointOf(f, P_MRU_SYN, mruSyn),
      answer: pointOf(f, P_ANSWER, hasSyn && hasSynAck ? answer : 0),
      mruSynAck: pointOf(f, P_MRU_SYNACK, hasSynAck && f.hasAck ? acked : 0),
      synDup: k.synDup,
      synAckDup: k.synAckDup,
      openRtt,
    });
  }

  /** The row's entry, or undefined when its points are its first SYN / SYN-ACK (see above). */
  of(row: number): Answered | undefined {
    return this.rare.get(row);
  }
}

function pointOf(f: FlowState, p: number, packet: number): StoredPoint | null {
  return packet === 0 ? null : readPoint(f.s.a, f.o + p);
}

/**
 * A stored flow's `handshake` as buildFlow gives the live flow (flowFacts' rtt, serverTime,
 * clientTime, span and the packets they are measured between): from its first SYN, SYN-ACK and
 * ACK (null: not seen) and its entry here, if any. A point in the flow's first packet prints as
 * its `start`, one in its last packet as its `end` (FlowStore.flow passes both).
 */
export function storedHandshake(complete: boolean, x: Answered | undefined, syn: StoredPoint | null, synAck: StoredPoint | null, ack: StoredPoint | null,
  firstPacket: number, start: string, lastPacket: number, end: string): Handshake {
  // Each point is printed once, for its reference and the measured reference that is the same
  // point (nearly every flow's: no entry here), and only when one of them needs it.
  const synTime = syn !== null && (syn.packet !== firstPacket || x === undefined) ? formatPoint(syn) : '';
  const synAckTime = synAck !== null && (synAck.packet !== lastPacket || (x === undefined && (syn !== null || ack !== null))) ? formatPoint(synAck) : '';
  return {
    complete,
    syn: syn === null ? null : { packet: int(syn.packet), time: syn.packet === firstPacket ? start : synTime },
    synAck: synAck === null ? null : { packet: int(synAck.packet), time: synAck.packet === lastPacket ? end : synAckTime },
    ack: ack === null ? null : { packet: int(ack.packet), time: ack.packet === lastPacket ? end : formatPoint(ack) },
    rtt: handshakeSpan('rtt', x, syn, synAck, ack),
    serverRtt: handshakeSpan('serverRtt', x, syn, synAck, ack),
    clientRtt: handshakeSpan('clientRtt', x, syn, synAck, ack),
    connectTime: handshakeSpan('connectTime', x, syn, synAck, ack),
    measuredSyn: syn === null ? null : x !== undefined ? refOf(x.mruSyn) : { packet: int(syn.packet), time: synTime },
    measuredSynAck: syn === null || synAck === null ? null : x !== undefined ? refOf(x.answer) : { packet: int(synAck.packet), time: synAckTime },
    ackedSynAck: synAck === null || ack === null ? null : x !== undefined ? refOf(x.mruSynAck) : { packet: int(synAck.packet), time: synAckTime },
  };
}

/**
 * The point behind one of the handshake's measured packet references (null: the reference is null), for
 * readers that format it themselves (the Parquet export reads the store by columns).
 */
export function measuredPoint(which: 'measuredSyn' | 'measuredSynAck' | 'ackedSynAck', x: Answered | undefined,
  syn: StoredPoint | null, synAck: StoredPoint | null, ack: StoredPoint | null): StoredPoint | null {
  switch (which) {
    case 'measuredSyn': return syn ? (x ? x.mruSyn : syn) : null;
    case 'measuredSynAck': return syn && synAck ? (x ? x.answer : synAck) : null;
    case 'ackedSynAck': return synAck && ack ? (x ? x.mruSynAck : synAck) : null;
  }
}

/** One of the handshake's durations, without the packet references (the flow table sorts by these). */
export function handshakeSpan(which: 'rtt' | 'serverRtt' | 'clientRtt' | 'connectTime', x: Answered | undefined,
  syn: StoredPoint | null, synAck: StoredPoint | null, ack: StoredPoint | null): number | null {
  const mruSyn = x ? x.mruSyn : syn;
  switch (which) {
    case 'rtt': return !syn ? null : ack ? span(mruSyn, ack) : x?.openRtt ?? null;
    case 'serverRtt': return syn && synAck ? span(mruSyn, x ? x.answer : synAck) : null;
    case 'clientRtt': return synAck && ack ? span(x ? x.mruSynAck : synAck, ack) : null;
    case 'connectTime': return syn && ack ? span(syn, ack) : null;
  }
}

/** Seconds from `p` to `q` when both were seen and time did not run backwards (buildFlow's span). */
function span(p: StoredPoint | null, q: StoredPoint | null): number | null {
  if (p === null || q === null) return null;
  const d = diffSeconds(q.sec, q.ns, p.sec, p.ns);
  return d >= 0 ? d : null;
}

function refOf(p: StoredPoint | null): PacketRef | null {
  return p === null ? null : { packet: int(p.packet), time: formatPoint(p) };
}
