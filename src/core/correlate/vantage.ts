/**
 * One capture's handshake attempts (flows with a SYN or a SYN-ACK), as the few numbers matching
 * needs, in flat arrays: the full attempt is read from the analysis's store again only for the
 * pairs being described, so a capture of millions of flows costs a few dozen bytes a flow here.
 */
import { newAttempt, type Attempt, type AttemptSource } from '../store/attempt';

export interface CaptureSpan {
  path: string;
  flows: number;
  start: string | null;
  end: string | null;
}

export class Vantage {
  /** Per attempt (index i): its flow id, client ISN (-1: none), first/last packet, first SYN and handshake ACK times, server port, SYN IPv4 id. */
  readonly ids: number[] = [];
  readonly isn: number[] = [];
  readonly first: number[] = [];
  readonly last: number[] = [];
  readonly synTime: number[] = [];
  readonly ackTime: number[] = [];
  readonly serverPort: number[] = [];
  readonly ipId: number[] = [];
  readonly start: number;
  readonly end: number;
  private readonly scratch = newAttempt();

  constructor(readonly source: AttemptSource, readonly span: CaptureSpan) {
    this.start = span.start === null ? NaN : Number(span.start);
    this.end = span.end === null ? NaN : Number(span.end);
    const x = this.scratch;
    for (let id = 1; id <= source.count; id++) {
      if (!source.read(id, x) || (x.syn === 0 && x.synAck === 0)) continue;
      this.ids.push(id);
      this.isn.push(x.wire.clientIsn);
      this.first.push(x.first);
      this.last.push(x.last);
      this.synTime.push(x.synTime);
      this.ackTime.push(x.ackTime);
      this.serverPort.push(x.serverPort);
      this.ipId.push(x.wire.clientIpId);
    }
  }

  get size(): number {
    return this.ids.length;
  }

  /** Attempt i in full, into `out` (a new object unless given). */
  read(i: number, out: Attempt = newAttempt()): Attempt {
    this.source.read(this.ids[i], out);
    return out;
  }

  /** Whether capture time t (this capture's clock) lies within its first and last packet. */
  covers(t: number): boolean {
    return t >= this.start && t <= this.end;
  }
}
