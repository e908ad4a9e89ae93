/**
 * When memory forces the analyzer to finish live flows (more than `maxLiveFlows` at once), the
 * answer may change: a handshake finished while still in progress loses its later packets. That
 * is never silent: this keeps count, and the result gets a `capture-limits` finding naming what
 * was dropped and the first packet affected. Also when a handshake attempt may be finished at
 * all (retryHorizonNs).
 */
import type { LiveLimitFacts } from './findings/rule';
import type { FlowState } from './flowState';

/**
 * Linux, Windows (8 and later) and macOS wait 1 s before the first SYN or SYN-ACK
 * retransmission (RFC 6298); then each wait doubles. An answered attempt (SYN-ACK sent: a
 * flood's, mostly) quiet for twice its last backoff (1 s before any) plus half a second has
 * nothing more to come: the client's ACK follows within a round trip. An unanswered SYN may
 * still get a slow server's answer, or a retry from a stack that waits 3 s (RFC 1122): 3 s plus
 * one. Should a packet still come later, it is recognised by its ISN and counted in
 * capture-limits, never made into a new flow.
 */
const FIRST_RETRY_ANSWERED_SECONDS = 1;
const SLACK_ANSWERED_SECONDS = 0.5;
const FIRST_RETRY_UNANSWERED_SECONDS = 3;
const SLACK_UNANSWERED_SECONDS = 1;

/** Mixes a client ISN into the retired-set key of an attempt finished as quiet (see Analyzer); signed, as tupleHash2. */
export function isnKey(hash2: number, isn: number): number {
  return hash2 ^ Math.imul((isn ^ 0x5bd1e995) >>> 0, 0x9e3779b1);
}

/** The least retryHorizonNs gives: a flow quiet for no longer is never finished as quiet. */
export const MIN_RETRY_HORIZON_NS = (FIRST_RETRY_ANSWERED_SECONDS + SLACK_ANSWERED_SECONDS) * 1e9;

/** Nanoseconds a handshake attempt must have been quiet before it may be finished. */
export function retryHorizonNs(f: FlowState, answered: boolean): number {
  const last = lastGap(f.synAckIntervals, lastGap(f.synIntervals, 0));
  return answered
    ? (Math.max(2 * last, FIRST_RETRY_ANSWERED_SECONDS) + SLACK_ANSWERED_SECONDS) * 1e9
    : (Math.max(2 * last, FIRST_RETRY_UNANSWERED_SECONDS) + SLACK_UNANSWERED_SECONDS) * 1e9;
}

/**
 * The largest of `last` and each side's latest backoff interval in `list`. Index loops, no array
 * of the lists: a sweep asks this of every attempt it reads, and the call must stay small enough
 * to be inlined (else each horizon returned is a heap number).
 */
function lastGap(list: number[][] | null, last: number): number {
  if (list === null) return last;
  for (let s = 0; s < list.length; s++) {
    const side = list[s];
    if (side.length > 0 && side[side.length - 1] > last) last = side[side.length - 1];
  }
  return last;
}

export class LiveLimit {
  private flows = 0;
  private attempts = 0;
  private firstPacket = 0;
  private firstTime: string | null = null;
  private late = 0;
  /** Packets of handshake attempts already finished as quiet, and the first of them. */
  private afterQuiet = 0;
  private afterQuietPacket = 0;
  private afterQuietTime: string | null = null;

  /** A packet (by its ISN) of an attempt finished after its retry horizon: a stack slower than RFC 6298. */
  lateForQuiet(packet: number, time: string): void {
    if (this.afterQuiet++ === 0) {
      this.afterQuietPacket = packet;
      this.afterQuietTime = time;
    }
  }

  /** The bound was hit at this packet: from here on, packets of live flows may be lost. */
  hit(packet: number, time: string): void {
    if (this.firstPacket === 0) {
      this.firstPacket = packet;
      this.firstTime = time;
    }
  }

  /** A live flow finished for the bound. */
  finished(f: FlowState): void {
    this.flows++;
    if (!f.hasAck) this.attempts++;
  }

  /** A packet of a flow finished early arrived (counted in the timeline only). */
  latePacket(): void {
    if (this.flows > 0) this.late++;
  }

  /** What the bound did, for the capture-limits rule (findings/captureRules.ts). */
  facts(maxLiveFlows: number): LiveLimitFacts {
    return {
      maxLiveFlows, liveFlowsFinished: this.flows, handshakesInProgress: this.attempts, firstPacket: this.firstPacket,
      firstTime: this.firstTime, laterPackets: this.late, packetsAfterQuiet: this.afterQuiet,
      afterQuietPacket: this.afterQuietPacket, afterQuietTime: this.afterQuietTime,
    };
  }
}
