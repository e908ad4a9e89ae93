/**
 * Which attempt at A is which at B. First by the client's ISN, which NATs and load balancers
 * pass through: 32 random bits, so a shared ISN is the same SYN (the same 4-tuple too makes it
 * certain). Those pairs set the clock; then each A attempt takes its ISN twin whose time fits,
 * and attempts left over are paired by time and server port, the IPv4 id deciding between
 * several (a box that rewrites the client's ISN, or a proxy opening its own connection). Never
 * more than one partner each.
 */
import { newAttempt, type Attempt } from '../store/attempt';
import { clockSample, estimateClock, type Clock, type ClockSample } from './clock';
import type { MatchMethod } from './types';
import type { Vantage } from './vantage';

export interface Matching {
  /** Per A attempt: its B attempt (index) or -1, and how. */
  bOf: Int32Array;
  method: (MatchMethod | null)[];
  /** Per B attempt: its A attempt or -1. */
  aOf: Int32Array;
  clock: Clock;
  /** B seems nearer the clients than A (TTLs, or handshakes that look shorter at A). */
  swapLikely: boolean;
}

/** A attempt index → B attempt indexes sharing its client ISN. */
function isnTwins(a: Vantage, b: Vantage): Map<number, number[]> {
  const byIsn = new Map<number, number[]>();
  for (let j = 0; j < b.size; j++) {
    const isn = b.isn[j];
    if (isn < 0) continue;
    const l = byIsn.get(isn);
    if (l) l.push(j);
    else byIsn.set(isn, [j]);
  }
  const twins = new Map<number, number[]>();
  for (let i = 0; i < a.size; i++) {
    const l = a.isn[i] >= 0 ? byIsn.get(a.isn[i]) : undefined;
    if (l) twins.set(i, l);
  }
  return twins;
}

function sameTuple(x: Attempt, y: Attempt): boolean {
  return x.clientPort === y.clientPort && x.serverPort === y.serverPort && x.clientIp === y.clientIp && x.serverIp === y.serverIp;
}

export function match(a: Vantage, b: Vantage): Matching {
  const twins = isnTwins(a, b);
  const xa = newAttempt();
  const xb = newAttempt();
  // The clock, from ISN twins that are unique both ways (an ISN shared by chance is no evidence).
  const samples: ClockSample[] = [];
  const oneWay: number[] = [];
  let ttlVotes = 0;
  const strong = new Set<number>();
  for (const [i, l] of twins) {
    if (l.length !== 1) continue;
    a.read(i, xa);
    b.read(l[0], xb);
    if (sameTuple(xa, xb)) strong.add(i);
    const s = clockSample(xa, xb);
    if (s) samples.push(s);
    else if (xa.synTime >= 0 && xb.synTime >= 0 && xa.syn === xb.syn) oneWay.push(xb.synTime - xa.synTime);
    if (xa.wire.clientTtl > 0 && xb.wire.clientTtl > 0) ttlVotes += Math.sign(xa.wire.clientTtl - xb.wire.clientTtl);
    if (xa.wire.serverTtl > 0 && xb.wire.serverTtl > 0 && xa.wire.serverIsn === xb.wire.serverIsn) ttlVotes += Math.sign(xb.wire.serverTtl - xa.wire.serverTtl);
  }
  const clock = estimateClock(samples, oneWay);
  const deltas = samples.map((s) => s.delta).sort((x, y) => x - y);
  const swapLikely = ttlVotes !== 0 ? ttlVotes < 0 : deltas.length > 0 && deltas[deltas.length >> 1] < 0;

  const bOf = new Int32Array(a.size).fill(-1);
  const aOf = new Int32Array(b.size).fill(-1);
  const method: (MatchMethod | null)[] = new Array<MatchMethod | null>(a.size).fill(null);
  const slack = 2 + (clock.uncertainty ?? 0);
  const order = [...twins.keys()].sort((x, y) => a.first[x] - a.first[y]);
  for (const i of order) {
    let best = -1;
    let bestScore = Infinity;
    if (clock.method === 'none') continue;
    for (const j of twins.get(i)!) {
      if (aOf[j] >= 0) continue;
      const tb = clock.toA(b.first[j]);
      if (tb < a.first[i] - slack || tb > a.last[i] + slack) continue;
      const score = Math.abs(tb - a.first[i]) - (strong.has(i) ? 1e9 : 0);
      if (score < bestScore) {
        bestScore = score;
        best = j;
      }
    }
    if (best < 0) continue;
    bOf[i] = best;
    aOf[best] = i;
    a.read(i, xa);
    b.read(best, xb);
    method[i] = sameTuple(xa, xb) ? 'tuple+isn' : 'isn';
  }
  if (clock.method !== 'none') byTiming(a, b, clock, bOf, aOf, method);
  return { bOf, aOf, method, clock, swapLikely };
}

/** How close (seconds) a SYN at B must follow its A twin to be paired by time alone. */
function timingWindow(clock: Clock): number {
  return 0.01 + 4 * (clock.uncertainty ?? 0.01);
}

/** How long after the client's ACK at A a proxy may open its own connection to the server. */
const PROXY_WAIT = 0.5;

function byTiming(a: Vantage, b: Vantage, clock: Clock, bOf: Int32Array, aOf: Int32Array, method: (MatchMethod | null)[]): void {
  const free: number[] = [];
  for (let j = 0; j < b.size; j++) if (aOf[j] < 0 && b.synTime[j] >= 0) free.push(j);
  if (free.length === 0) return;
  const at = free.map((j) => clock.toA(b.synTime[j]));
  const idx = free.map((_, k) => k).sort((x, y) => at[x] - at[y]);
  const sortedT = idx.map((k) => at[k]);
  const win = timingWindow(clock);
  // Each unmatched A attempt's candidates: SYNs at B to its server port from just before its SYN
  // to a proxy's wait after its ACK; the same IPv4 id (a NAT keeps it) narrows them down.
  const choice = new Map<number, { j: number; ipid: boolean }>();
  const claims = new Map<number, number>();
  for (let i = 0; i < a.size; i++) {
    if (bOf[i] >= 0 || !(a.synTime[i] >= 0)) continue;
    const t = a.synTime[i];
    const until = Math.max(t, a.ackTime[i] >= 0 ? a.ackTime[i] + PROXY_WAIT : t) + win;
    const found: number[] = [];
    for (let k = lowerBound(sortedT, t - win); k < sortedT.length && sortedT[k] <= until; k++) {
      const j = free[idx[k]];
      if (b.serverPort[j] === a.serverPort[i]) found.push(j);
    }
    for (const j of found) claims.set(j, (claims.get(j) ?? 0) + 1);
    const sameId = found.filter((j) => a.ipId[i] >= 0 && a.ipId[i] === b.ipId[j]);
    if (sameId.length === 1) choice.set(i, { j: sameId[0], ipid: true });
    else if (found.length === 1) choice.set(i, { j: found[0], ipid: false });
  }
  // Only pairs unambiguous both ways: two SYNs to one port close together could be either.
  for (const [i, c] of choice) {
    if (!c.ipid && claims.get(c.j) !== 1) continue;
    if (aOf[c.j] >= 0) continue;
    bOf[i] = c.j;
    aOf[c.j] = i;
    method[i] = c.ipid ? 'timing+ipid' : 'timing';
  }
}

function lowerBound(s: number[], x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (s[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}
