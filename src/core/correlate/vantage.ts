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

/** A growing column of numbers outside the JS heap (a capture's attempts can number millions). */
class Numbers {
  private a = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }

  /** The values, trimmed to length (a view, no copy). */
  done(): Float64Array {
    return this.a.subarray(0, this.length);
  }
}

export class Vantage {
  /** Per attempt (index i): its flow id, client ISN (-1: none), first/last packet, first SYN and handshake ACK times, server port, SYN IPv4 id. */
  readonly ids: Float64Array;
  readonly isn: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly synTime: Float64Array;
  readonly ackTime: Float64Array;
  readonly serverPort: Float64Array;
  readonly ipId: Float64Array;
  readonly start: number;
  readonly end: number;
  private readonly scratch = newAttempt();

  constructor(readonly source: AttemptSource, readonly span: CaptureSpan) {
    this.start = span.start === null ? NaN : Number(span.start);
    this.end = span.end === null ? NaN : Number(span.end);
    const x = this.scratch;
    const cols = Array.from({ length: 8 }, () => new Numbers());
    const [ids, isn, first, last, syn, ack, port, ipId] = cols;
    for (let id = 1; id <= source.count; id++) {
      if (!source.read(id, x) || (x.syn === 0 && x.synAck === 0)) continue;
      ids.push(id);
      isn.push(x.wire.clientIsn);
      first.push(x.first);
      last.push(x.last);
      syn.push(x.synTime);
      ack.push(x.ackTime);
      port.push(x.serverPort);
      ipId.push(x.wire.clientIpId);
    }
    [this.ids, this.isn, this.first, this.last, this.synTime, this.ackTime, this.serverPort, this.ipId] = cols.map((c) => c.done());
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
