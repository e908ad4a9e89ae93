/**
 * Every connect a client started (a flow that opens with the client's SYN), with how long the
 * client sat in SYN_SENT and how that ended. Shared by the storm and hanging-connect stories.
 */
import type { Flow } from '../engine/result';
import { Clock, NS_PER_SECOND, secondsToNs } from './clock';
import type { FlowFilter, FlowSource, StoryFlow } from './storyFlow';

export type ConnectOutcome =
  /** A SYN-ACK came back (possibly late). */
  | 'answered'
  /** The server (or a middlebox) answered the SYN with a RST. */
  | 'refused'
  /** The client aborted with a RST before any answer. */
  | 'client-reset'
  /** No answer; the capture runs on past the client's next retry, so it stopped after its last SYN. */
  | 'gave-up'
  /** No answer, and the capture ends before the next retry was due: still waiting. */
  | 'pending';

/**
 * A capture's connects as parallel columns, one index per connect: the bench mix has ~50,000 of
 * them, and an object each (with a copy of its flow's fields, and a box for every nanosecond
 * time in it: they are no small integers) survived into the old generation and cost ~100 ms of
 * garbage collection. Number columns are Float64Arrays grown by doubling (the first `size` of
 * each are connects): pushing each connect's values to sixteen plain arrays was a third of
 * classify's own time on the bench mix.
 */
export class Connects {
  private n = 0;
  id = new Float64Array(FIRST_CAPACITY);
  /** The client's address (the stories group by it; its port is never read). */
  readonly clientIp: string[] = [];
  readonly serverIp: string[] = [];
  serverPort = new Float64Array(FIRST_CAPACITY);
  exchanges = new Float64Array(FIRST_CAPACITY);
  syn = new Float64Array(FIRST_CAPACITY);
  readonly synIntervals: (readonly number[])[] = [];
  readonly reset: Flow['reset'][] = [];
  readonly fin: Flow['fin'][] = [];
  /** First SYN, ns on the story clock. */
  startNs = new Float64Array(FIRST_CAPACITY);
  lastSynNs = new Float64Array(FIRST_CAPACITY);
  /** When the client's wait in SYN_SENT ended (or the capture end for `pending`). */
  waitEndNs = new Float64Array(FIRST_CAPACITY);
  /** waitEndNs − startNs: a lower bound for `gave-up` (the client quit somewhere after its last SYN). */
  waitNs = new Float64Array(FIRST_CAPACITY);
  readonly outcome: ConnectOutcome[] = [];
  /** ACK − SYN of a completed handshake, ns; NaN when incomplete. */
  rttNs = new Float64Array(FIRST_CAPACITY);
  /** Flow lifetime, first to last packet, ns. */
  lifetimeNs = new Float64Array(FIRST_CAPACITY);

  get size(): number {
    return this.n;
  }

  /** Index of a new connect, its number columns grown to hold it. */
  next(): number {
    const i = this.n++;
    if (i === this.id.length) {
      const n = 2 * i;
      this.id = grown(this.id, n);
      this.serverPort = grown(this.serverPort, n);
      this.exchanges = grown(this.exchanges, n);
      this.syn = grown(this.syn, n);
      this.startNs = grown(this.startNs, n);
      this.lastSynNs = grown(this.lastSynNs, n);
      this.waitEndNs = grown(this.waitEndNs, n);
      this.waitNs = grown(this.waitNs, n);
      this.rttNs = grown(this.rttNs, n);
      this.lifetimeNs = grown(this.lifetimeNs, n);
    }
    return i;
  }

  /** Whether connect `i` completed its handshake with a usable RTT. */
  hasRtt(i: number): boolean {
    return !Number.isNaN(this.rttNs[i]);
  }
}

const FIRST_CAPACITY = 256;

function grown(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/**
 * Without a retry to time the backoff by, assume the next SYN is due after Linux's initial
 * RTO (RFC 6298: 1 s); with one, exponential backoff makes the next wait twice the last.
 */
const FIRST_RETRY_NS = NS_PER_SECOND;

/**
 * `keep`: which flows can matter, decided on a few fields before the rest are read and copied
 * (a SYN flood's millions of connects are the flood's story, not these).
 */
export function collectConnects(flows: FlowSource, clock: Clock, captureEndNs: number, keep?: FlowFilter): Connects {
  const out = new Connects();
  flows.forEach((flow) => {
    if (flow.syn === 0 || !flow.hasSyn || flow.simultaneousOpen) return;
    classify(out, flow, clock, captureEndNs);
  }, keep);
  return out;
}

/** Adds the flow's connect to `out`, unless its times are unknown. */
function classify(out: Connects, flow: StoryFlow, clock: Clock, captureEndNs: number): void {
  // For a flow that opens with the client's SYN, its first packet is that SYN.
  const startNs = flow.connectNs(clock);
  const endNs = flow.endNs(clock);
  if (!Number.isFinite(startNs) || !Number.isFinite(endNs)) return;
  const synIntervals = flow.synIntervals;
  // The usable intervals (finite, not negative): their sum and the last of them, in one loop
  // (no filtered copy).
  let sumNs = 0;
  let last = 0;
  for (let k = 0; k < synIntervals.length; k++) {
    const x = synIntervals[k];
    if (!(Number.isFinite(x) && x >= 0)) continue;
    sumNs += secondsToNs(x);
    last = secondsToNs(x);
  }
  const lastSynNs = startNs + sumNs;
  const rtt = flow.complete ? flow.rtt : null;
  // How the wait in SYN_SENT ended, and when.
  let outcome: ConnectOutcome = 'gave-up';
  let atNs = lastSynNs;
  let answeredNs = flow.synAckNs(clock);
  // The client cannot ACK a SYN-ACK before it arrives; a SYN-ACK stamped later than the ACK is a
  // bad timestamp (pcapplusplus' pcapng-example has one 47 years late), so trust the ACK.
  const ackNs = flow.ackNs(clock);
  if (Number.isFinite(ackNs) && !(answeredNs <= ackNs)) answeredNs = ackNs;
  const reset = flow.reset;
  // Whether an unanswered connect without a RST was still waiting at the capture's end: the
  // client's next SYN was not yet due. Worked out for every connect, although only those need it:
  // they come late in a capture (the pending ones at its very end), and an operation first run
  // after classify was compiled has no type feedback: it threw the compiled classify away.
  const nextDueNs = lastSynNs + (last > 0 ? 2 * last : FIRST_RETRY_NS);
  const pendingAtEnd = captureEndNs < nextDueNs;
  const pendingNs = Math.max(lastSynNs, captureEndNs);
  if (Number.isFinite(answeredNs)) {
    outcome = 'answered';
    atNs = Math.max(startNs, answeredNs);
  } else if (reset !== null) {
    // By the server (or both): refused. Compared once it is known to be a string: a compare that
    // had seen only strings was compiled for strings, and the first null threw classify away.
    outcome = reset === 'client' ? 'client-reset' : 'refused';
    atNs = endNs;
  } else if (pendingAtEnd) {
    outcome = 'pending';
    atNs = pendingNs;
  }
  const i = out.next();
  out.id[i] = flow.id;
  out.clientIp.push(flow.clientIp);
  out.serverIp.push(flow.serverIp);
  out.serverPort[i] = flow.serverPort;
  out.exchanges[i] = flow.exchanges;
  out.syn[i] = flow.syn;
  out.synIntervals.push(synIntervals);
  out.reset.push(reset);
  out.fin.push(flow.fin);
  out.startNs[i] = startNs;
  out.lastSynNs[i] = lastSynNs;
  out.waitEndNs[i] = atNs;
  out.waitNs[i] = atNs - startNs;
  out.outcome.push(outcome);
  out.rttNs[i] = rtt !== null && Number.isFinite(rtt) && rtt >= 0 ? secondsToNs(rtt) : NaN;
  out.lifetimeNs[i] = Math.max(0, endNs - startNs);
}

/** A connect's first SYN as a finding cites it (packet and printed time), from the built flow. */
export function synRef(flows: FlowSource, id: number): { packet: number; time: string | null } {
  const f = flows.get(id)!;
  return { packet: f.handshake.syn?.packet ?? f.firstPacket, time: f.handshake.syn?.time ?? f.start };
}

/** "10.0.0.9:443", "[2001:db8::1]:443". */
export function formatEndpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
