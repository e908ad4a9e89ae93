/**
 * A pair's verdict: the first thing that went wrong along the handshake, between or beyond the
 * two points (docs/correlate.md has one paragraph per code). Packet counts decide the losses —
 * a SYN sent past A but missing at B was lost between — except for the handshake ACK, which
 * the store keeps only as its first time: B's first ACK coming a retransmission timeout after
 * A's means the one A saw never arrived.
 */
import type { Attempt } from '../store/attempt';
import type { Clock } from './clock';
import type { Verdict } from './types';
import type { Vantage } from './vantage';

/** Linux's smallest retransmission timeout: an ACK later than this (plus the round trip) at B is a later ACK. */
const MIN_RTO = 0.2;

export interface Context {
  clock: Clock;
  a: Vantage;
  b: Vantage;
  /** Server addresses (as A sees them) of matched pairs: their path passes B. */
  serversBehindB: Set<string>;
  /** Client addresses (as B sees them) of matched pairs: their path passes A. */
  clientsViaA: Set<string>;
  /** TTL the server's packets usually have at A, per server address (from matched, unproxied pairs). */
  serverTtlAtA: Map<string, number>;
  /** TTL the client's packets usually have at B, per client address as B sees it. */
  clientTtlAtB: Map<string, number>;
}

export interface Judgement {
  verdict: Verdict;
  lost: { syn: number; synAck: number; ack: number };
  proxied: boolean;
  evidence: string | null;
}

function sent(n: number, dup: number): number {
  return n - dup;
}

/** The server's SYN-ACK at B came after the client's ACK at A: something between completed the handshake first. */
export function isSynProxy(x: Attempt, y: Attempt, clock: Clock): boolean {
  if (x.wire.serverIsn < 0 || y.wire.serverIsn < 0 || x.wire.serverIsn === y.wire.serverIsn) return false;
  return x.ackTime >= 0 && y.synAckTime >= 0 && clock.toA(y.synAckTime) > x.ackTime;
}

export function judge(x: Attempt | null, y: Attempt | null, ctx: Context): Judgement {
  const lost = { syn: 0, synAck: 0, ack: 0 };
  const out = (verdict: Verdict, evidence: string | null = null, proxied = false): Judgement => ({ verdict, lost, proxied, evidence });
  const known = ctx.clock.method !== 'none';
  if (x && !y) {
    if (!known) return out('only-a');
    if (!ctx.b.covers(ctx.clock.toB(x.first))) return out('outside-b');
    if (!ctx.serversBehindB.has(x.serverIp)) return out('only-a');
    lost.syn = sent(x.syn, x.wire.synDup);
    if (x.wire.rstSide === 'server') return out('reset-between', resetAtA(x, ctx));
    return out(x.syn > 0 ? 'syn-lost-between' : 'only-a');
  }
  if (y && !x) {
    if (!known) return out('only-b');
    if (!ctx.a.covers(ctx.clock.toA(y.first))) return out('outside-a');
    if (!ctx.clientsViaA.has(y.clientIp)) return out('only-b');
    if (y.wire.rstSide === 'client') return out('reset-between', resetAtB(y, ctx));
    return out('only-b');
  }
  if (!x || !y) throw new Error('a pair needs an attempt at A or at B');
  const proxied = isSynProxy(x, y, ctx.clock);
  lost.syn = Math.max(0, sent(x.syn, x.wire.synDup) - sent(y.syn, y.wire.synDup));
  lost.synAck = Math.max(0, sent(y.synAck, y.wire.synAckDup) - sent(x.synAck, x.wire.synAckDup));
  if (!proxied && x.ackTime >= 0) {
    const rtt = x.synAckTime >= 0 && x.synTime >= 0 ? x.synAckTime - x.synTime : 0;
    const guard = Math.max(MIN_RTO, rtt) + (ctx.clock.uncertainty ?? 0);
    if (!(y.ackTime >= 0) || ctx.clock.toA(y.ackTime) - x.ackTime > guard) lost.ack = 1;
  }
  const rstA = x.wire.rstSide;
  const rstB = y.wire.rstSide;
  if (rstA === 'server' && rstB === null && ctx.b.covers(ctx.clock.toB(x.rstTime))) return out('reset-between', resetAtA(x, ctx), proxied);
  if (rstB === 'client' && rstA === null && ctx.a.covers(ctx.clock.toA(y.rstTime))) return out('reset-between', resetAtB(y, ctx), proxied);
  if (lost.syn > 0) return out('syn-lost-between', null, proxied);
  if (y.syn > 0 && y.synAck === 0 && rstB === null) return out('server-silent', null, proxied);
  if (lost.synAck > 0) return out('synack-lost-between', null, proxied);
  if (rstA === 'server' && rstB === 'server' && y.synAck === 0) return out('refused', null, proxied);
  if (lost.ack > 0) return out('ack-lost-between', null, proxied);
  if (x.synAck > 0 && !(x.ackTime >= 0)) return out('client-silent', null, proxied);
  if (x.complete && y.complete) return out('complete', null, proxied);
  return out('incomplete', null, proxied);
}

/**
 * A RST seen at one point only, weighed by its TTL against the TTL the claimed sender's packets
 * usually arrive with there: a higher one started nearer, i.e. between the points.
 */
function resetEvidence(from: 'client' | 'server', at: 'A' | 'B', ttl: number, usual: number | undefined): string {
  const other = at === 'A' ? 'B' : 'A';
  const base = `RST from the ${from}'s side seen at ${at} (TTL ${ttl}) and never at ${other}`;
  if (usual === undefined) return `${base}; no packet of this ${from} reached ${at} to compare its TTL with`;
  const usualText = `the ${from}'s packets reach ${at} with TTL ${usual}`;
  if (ttl > usual) return `${base}; ${usualText}: the RST started ${ttl - usual} hop(s) nearer ${at} than the ${from} — sent by a box between A and B`;
  if (ttl === usual) return `${base}; its TTL matches: the ${from} may have sent it and ${other} missed it`;
  return `${base}; ${usualText}: the RST came from farther away`;
}

function resetAtA(x: Attempt, ctx: Context): string {
  return resetEvidence('server', 'A', x.wire.rstTtl, ctx.serverTtlAtA.get(x.serverIp));
}

function resetAtB(y: Attempt, ctx: Context): string {
  return resetEvidence('client', 'B', y.wire.rstTtl, ctx.clientTtlAtB.get(y.clientIp));
}
