/**
 * When memory forces the analyzer to finish live flows (more than `maxLiveFlows` at once), the
 * answer may change: a handshake finished while still in progress loses its later packets. That
 * is never silent: this keeps count, and the result gets a `capture-limits` finding naming what
 * was dropped and the first packet affected. Also when a handshake attempt may be finished at
 * all (retryHorizonNs).
 */
import { count } from './describe';
import type { Candidate } from './flowFindings';
import type { FlowState } from './flowState';

/**
 * Linux waits 1 s before its first SYN or SYN-ACK retransmission (RFC 6298), older stacks and
 * Windows up to 3 s; then each wait doubles. An attempt quiet for twice its last backoff (or
 * 3 s before any), plus a second of slack, has nothing more to come.
 */
const FIRST_RETRY_MAX_SECONDS = 3;
const SLACK_SECONDS = 1;

/** Nanoseconds a handshake attempt must have been quiet before it may be finished. */
export function retryHorizonNs(f: FlowState): number {
  let last = 0;
  for (const list of [f.synIntervals, f.synAckIntervals]) {
    if (!list) continue;
    for (const side of list) if (side.length > 0 && side[side.length - 1] > last) last = side[side.length - 1];
  }
  return (Math.max(2 * last, FIRST_RETRY_MAX_SECONDS) + SLACK_SECONDS) * 1e9;
}

export class LiveLimit {
  private flows = 0;
  private attempts = 0;
  private firstPacket = 0;
  private firstTime: string | null = null;
  private late = 0;

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

  candidate(maxLiveFlows: number): Candidate | null {
    if (this.flows === 0) return null;
    return {
      code: 'capture-limits', flows: [], packet: this.firstPacket, time: this.firstTime,
      message: `More than ${maxLiveFlows.toLocaleString('en-US')} flows were live at once (maxLiveFlows): ` +
        `${count(this.flows, 'live flow')} (${count(this.attempts, 'handshake')} still in progress) were finished early, from packet ${this.firstPacket} on; ` +
        `${count(this.late, 'later packet')} of flows finished early counted only in the timeline, so their counts and outcomes may be incomplete. Raise maxLiveFlows (memory) for exact answers`,
      details: { liveFlowsFinished: this.flows, handshakesInProgress: this.attempts, firstPacket: this.firstPacket, laterPackets: this.late, maxLiveFlows },
    };
  }
}
