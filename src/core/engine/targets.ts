/**
 * Per-target (server ip:port) aggregates, fed once per finished flow: what a SYN flood finding
 * needs (exact counts, distinct sources in a compact set, a bounded list of top sources),
 * SYN-cookie evidence, and RTT samples for per-server slow-handshake outliers.
 */
import type { FlowState } from './flowState';
import type { Outcome } from './outcome';
import type { Flow } from './result';
import { diffSeconds } from './time';
import { U32Set } from './u32Set';

/** Sources tracked with their own counter (the rest are only counted). */
const MAX_SOURCE_COUNTERS = 1024;
/** RTT samples kept per server for the outlier test. */
export const MAX_RTT_SAMPLES = 4096;
/** Completed-handshake times kept per target to count legitimate handshakes during a flood. */
const MAX_COMPLETED_TIMES = 100000;
/** Flow ids kept per target for a flood finding's `flows`. */
const MAX_FLOOD_FLOW_IDS = 1000;

export interface RttSample {
  rtt: number;
  flow: number;
  packet: number;
  time: string;
}

export class TargetAgg {
  flows = 0;
  complete = 0;
  /** Client SYN, never completed, not refused: half-open, unanswered or abandoned with a RST. */
  failed = 0;
  halfOpen = 0;
  unanswered = 0;
  refused = 0;
  resetInHandshake = 0;
  /** Client SYNs in failed flows (retransmissions included) and their time span. */
  failedSyns = 0;
  /** First/last failed SYN: seconds as a float (for windows) and exact (sec, ns) for the span. */
  firstFailedSec = Infinity;
  lastFailedSec = -Infinity;
  private first: [number, number] = [0, 0];
  private last: [number, number] = [0, 0];
  firstFailedPacket = 0;
  firstFailedTime = '';
  sources = new U32Set(16);
  sourceCounts = new Map<string, number>();
  /** Failed flows the server answered with a SYN-ACK, and SYN-ACK retransmissions among them. */
  answeredFailed = 0;
  answeredFailedRetx = 0;
  /** SYN-ACKs without window scale and SACK although the SYN (without timestamps) offered them. */
  optionsDroppedCandidates = 0;
  optionsDropped = 0;
  /** SYN-ACK TSvals whose low 6 bits encode the client's window scale and SACK (Linux cookies). */
  tsCandidates = 0;
  tsEncoded = 0;
  completedTimes: number[] = [];
  floodFlowIds: number[] = [];
  rtts: RttSample[] = [];

  constructor(readonly ip: string, readonly port: number) {}

  /** Seconds from the first to the last failed SYN, exact. */
  failedSpan(): number {
    return this.failed > 0 ? diffSeconds(this.last[0], this.last[1], this.first[0], this.first[1]) : 0;
  }

  add(flow: Flow, state: FlowState, outcome: Outcome, clientSide: number, sec: number, ns: number): void {
    const synSec = sec + ns / 1e9;
    this.flows++;
    const serverSide = 1 - clientSide;
    if (outcome === 'complete') {
      this.complete++;
      if (this.completedTimes.length < MAX_COMPLETED_TIMES && flow.handshake.syn) this.completedTimes.push(synSec);
      if (flow.handshake.rtt !== null && flow.handshake.ack && this.rtts.length < MAX_RTT_SAMPLES) {
        this.rtts.push({ rtt: flow.handshake.rtt, flow: flow.id, packet: flow.handshake.ack.packet, time: flow.handshake.ack.time });
      }
    } else if (outcome === 'refused') {
      this.refused++;
    } else if (outcome === 'half-open' || outcome === 'unanswered' || outcome === 'reset') {
      this.failed++;
      if (outcome === 'half-open') this.halfOpen++;
      else if (outcome === 'unanswered') this.unanswered++;
      else this.resetInHandshake++;
      this.failedSyns += flow.syn;
      if (synSec < this.firstFailedSec) {
        this.firstFailedSec = synSec;
        this.first = [sec, ns];
        this.firstFailedPacket = flow.handshake.syn?.packet ?? flow.firstPacket;
        this.firstFailedTime = flow.handshake.syn?.time ?? flow.start;
      }
      if (synSec > this.lastFailedSec) {
        this.lastFailedSec = synSec;
        this.last = [sec, ns];
      }
      this.addSource(flow.client.ip, state, clientSide);
      if (this.floodFlowIds.length < MAX_FLOOD_FLOW_IDS) this.floodFlowIds.push(flow.id);
      if (flow.synAck > 0) {
        this.answeredFailed++;
        this.answeredFailedRetx += flow.synAckRetransmissions;
      }
    }
    if (flow.synAck > 0 && flow.syn > 0) this.cookieEvidence(flow, state, serverSide);
  }

  private addSource(ip: string, state: FlowState, clientSide: number): void {
    const a = clientSide === 0 ? state.addr0 : state.addr1;
    let key: number;
    if (state.ipVersion === 4) key = ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0;
    else {
      key = 0x811c9dc5;
      for (let i = 0; i < 16; i++) key = Math.imul(key ^ a[i], 0x01000193);
    }
    this.sources.add(key);
    const n = this.sourceCounts.get(ip);
    if (n !== undefined) this.sourceCounts.set(ip, n + 1);
    else if (this.sourceCounts.size < MAX_SOURCE_COUNTERS) this.sourceCounts.set(ip, 1);
  }

  private cookieEvidence(flow: Flow, state: FlowState, serverSide: number): void {
    const offered = flow.options.client;
    const answered = flow.options.server;
    if (!offered.timestamps && (offered.windowScale !== null || offered.sackPermitted)) {
      this.optionsDroppedCandidates++;
      if (answered.windowScale === null && !answered.sackPermitted && !answered.timestamps) this.optionsDropped++;
    }
    const tsVal = state.synAckTsVal[serverSide];
    if (offered.timestamps && answered.timestamps && tsVal >= 0) {
      this.tsCandidates++;
      const ws = offered.windowScale ?? 0xf;
      const expected = (ws & 0xf) | (offered.sackPermitted ? 0x10 : 0);
      if ((tsVal & 0x1f) === expected) this.tsEncoded++;
    }
  }

  topSources(n: number): { ip: string; flows: number }[] {
    return [...this.sourceCounts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map(([ip, flows]) => ({ ip, flows }));
  }

  completedBetween(from: number, to: number): number {
    let n = 0;
    for (const t of this.completedTimes) if (t >= from && t <= to) n++;
    return n;
  }
}
