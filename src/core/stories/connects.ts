/**
 * Every connect a client started (a flow that opens with the client's SYN), with how long the
 * client sat in SYN_SENT and how that ended. Shared by the storm and hanging-connect stories.
 */
import type { Endpoint, Flow } from '../engine/result';
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
 * What the connect stories read of a flow: a copy of those fields only, because a capture's
 * connects are kept together and a whole Flow is ten times larger. A finding's packet and time
 * come from the built flow (synRef).
 */
export interface ConnectFlow {
  id: number;
  client: Endpoint;
  server: Endpoint;
  exchanges: number;
  syn: number;
  synIntervals: readonly number[];
  reset: Flow['reset'];
  fin: Flow['fin'];
}

export interface Connect {
  flow: ConnectFlow;
  /** First SYN, ns on the story clock. */
  startNs: number;
  lastSynNs: number;
  /** When the client's wait in SYN_SENT ended (or the capture end for `pending`). */
  waitEndNs: number;
  /** waitEndNs − startNs: a lower bound for `gave-up` (the client quit somewhere after its last SYN). */
  waitNs: number;
  outcome: ConnectOutcome;
  /** ACK − SYN of a completed handshake, ns; null when incomplete. */
  rttNs: number | null;
  /** Flow lifetime, first to last packet, ns. */
  lifetimeNs: number;
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
export function collectConnects(flows: FlowSource, clock: Clock, captureEndNs: number, keep?: FlowFilter): Connect[] {
  const out: Connect[] = [];
  flows.forEach((flow) => {
    if (flow.syn === 0 || !flow.hasSyn || flow.simultaneousOpen) return;
    const c = classify(flow, clock, captureEndNs);
    if (c) out.push(c);
  }, keep);
  return out;
}

function slim(f: StoryFlow, synIntervals: readonly number[]): ConnectFlow {
  return {
    id: f.id, client: f.client, server: f.server, exchanges: f.exchanges,
    syn: f.syn, synIntervals, reset: f.reset, fin: f.fin,
  };
}

function classify(flow: StoryFlow, clock: Clock, captureEndNs: number): Connect | null {
  // For a flow that opens with the client's SYN, its first packet is that SYN.
  const startNs = flow.connectNs(clock);
  const endNs = flow.endNs(clock);
  if (!Number.isFinite(startNs) || !Number.isFinite(endNs)) return null;
  const synIntervals = flow.synIntervals;
  const intervals = synIntervals.length === 0 ? synIntervals : synIntervals.filter((x) => Number.isFinite(x) && x >= 0);
  const lastSynNs = startNs + intervals.reduce((sum, x) => sum + secondsToNs(x), 0);
  const rtt = flow.complete ? flow.rtt : null;
  const c: Connect = {
    flow: slim(flow, synIntervals), startNs, lastSynNs, waitEndNs: 0, waitNs: 0, outcome: 'pending',
    rttNs: rtt !== null && Number.isFinite(rtt) && rtt >= 0 ? secondsToNs(rtt) : null,
    lifetimeNs: Math.max(0, endNs - startNs),
  };
  let answeredNs = flow.synAckNs(clock);
  // The client cannot ACK a SYN-ACK before it arrives; a SYN-ACK stamped later than the ACK is a
  // bad timestamp (pcapplusplus' pcapng-example has one 47 years late), so trust the ACK.
  const ackNs = flow.ackNs(clock);
  if (Number.isFinite(ackNs) && !(answeredNs <= ackNs)) answeredNs = ackNs;
  if (Number.isFinite(answeredNs)) return ended(c, 'answered', Math.max(startNs, answeredNs));
  if (flow.reset === 'server' || flow.reset === 'both') return ended(c, 'refused', endNs);
  if (flow.reset === 'client') return ended(c, 'client-reset', endNs);
  const last = intervals.length ? secondsToNs(intervals[intervals.length - 1]) : 0;
  const nextDueNs = lastSynNs + (last > 0 ? 2 * last : FIRST_RETRY_NS);
  if (captureEndNs < nextDueNs) return ended(c, 'pending', Math.max(lastSynNs, captureEndNs));
  return ended(c, 'gave-up', lastSynNs);
}

/** A connect's first SYN as a finding cites it (packet and printed time), from the built flow. */
export function synRef(flows: FlowSource, c: ConnectFlow): { packet: number; time: string | null } {
  const f = flows.get(c.id)!;
  return { packet: f.handshake.syn?.packet ?? f.firstPacket, time: f.handshake.syn?.time ?? f.start };
}

function ended(c: Connect, outcome: ConnectOutcome, atNs: number): Connect {
  c.outcome = outcome;
  c.waitEndNs = atNs;
  c.waitNs = atNs - c.startNs;
  return c;
}

/** "10.0.0.9:443", "[2001:db8::1]:443". */
export function formatEndpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
