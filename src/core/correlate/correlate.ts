/**
 * Two finished analyses of one path → the correlate result: match (match.ts), then, in time
 * order, one pair per attempt seen at either point, its verdict (verdict.ts) and what changed
 * in between (middleboxes.ts). Verdicts and middleboxes cover every pair; `pairs` lists up to
 * `maxPairs`, those whose verdict is not `complete` first.
 */
import { newAttempt, type Attempt } from '../store/attempt';
import { match, type Matching } from './match';
import { changesOf, MiddleboxTable } from './middleboxes';
import { buildPair, hopsOf } from './pair';
import { judge, isSynProxy, type Context } from './verdict';
import { VERDICTS, type CaptureSide, type CorrelateResult, type Pair, type Verdict } from './types';
import type { Vantage } from './vantage';

export interface CorrelateOptions {
  maxPairs: number;
}

/** Correlates a and b, or b and a when b looks like the capture nearer the clients. */
export function correlate(a: Vantage, b: Vantage, opts: CorrelateOptions): CorrelateResult {
  const m = match(a, b);
  if (m.swapLikely) {
    const back = match(b, a);
    if (!back.swapLikely) return assemble(b, a, back, true, opts);
  }
  return assemble(a, b, m, false, opts);
}

function side(v: Vantage): CaptureSide {
  return { path: v.span.path, flows: v.span.flows, attempts: v.size, start: v.span.start, end: v.span.end };
}

/** Most common value per key. */
function modes(counts: Map<string, Map<number, number>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, m] of counts) out.set(k, [...m.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0])[0][0]);
  return out;
}

function tally(counts: Map<string, Map<number, number>>, key: string, v: number): void {
  let m = counts.get(key);
  if (!m) counts.set(key, (m = new Map()));
  m.set(v, (m.get(v) ?? 0) + 1);
}

function context(a: Vantage, b: Vantage, m: Matching): Context {
  const ctx: Context = { clock: m.clock, a, b, serversBehindB: new Set(), clientsViaA: new Set(), serverTtlAtA: new Map(), clientTtlAtB: new Map() };
  const sTtl = new Map<string, Map<number, number>>();
  const cTtl = new Map<string, Map<number, number>>();
  const x = newAttempt();
  const y = newAttempt();
  for (let i = 0; i < a.size; i++) {
    if (m.bOf[i] < 0) continue;
    a.read(i, x);
    b.read(m.bOf[i], y);
    ctx.serversBehindB.add(x.serverIp);
    ctx.clientsViaA.add(y.clientIp);
    if (x.wire.serverTtl > 0 && x.wire.serverIsn === y.wire.serverIsn && !isSynProxy(x, y, m.clock)) tally(sTtl, x.serverIp, x.wire.serverTtl);
    if (y.wire.clientTtl > 0) tally(cTtl, y.clientIp, y.wire.clientTtl);
  }
  ctx.serverTtlAtA = modes(sTtl);
  ctx.clientTtlAtB = modes(cTtl);
  return ctx;
}

/** Pairs in time order: [A index or -1, B index or -1]. */
function pairOrder(a: Vantage, b: Vantage, m: Matching): { ai: Int32Array; bj: Int32Array } {
  const n = a.size + b.size - m.bOf.reduce((k, j) => k + (j >= 0 ? 1 : 0), 0);
  const ai = new Int32Array(n);
  const bj = new Int32Array(n);
  const t = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < a.size; i++, k++) {
    ai[k] = i;
    bj[k] = m.bOf[i];
    t[k] = a.first[i];
  }
  for (let j = 0; j < b.size; j++) {
    if (m.aOf[j] >= 0) continue;
    ai[k] = -1;
    bj[k] = j;
    t[k] = m.clock.toA(b.first[j]);
    k++;
  }
  const idx = Array.from({ length: n }, (_, i) => i).sort((p, q) => t[p] - t[q] || p - q);
  return { ai: Int32Array.from(idx, (i) => ai[i]), bj: Int32Array.from(idx, (i) => bj[i]) };
}

function assemble(a: Vantage, b: Vantage, m: Matching, swapped: boolean, opts: CorrelateOptions): CorrelateResult {
  const ctx = context(a, b, m);
  const { ai, bj } = pairOrder(a, b, m);
  const n = ai.length;
  const verdicts = new Uint8Array(n);
  const counts: Partial<Record<Verdict, number>> = {};
  const boxes = new MiddleboxTable();
  const x = newAttempt();
  const y = newAttempt();
  const read = (k: number): [Attempt | null, Attempt | null] => [ai[k] >= 0 ? a.read(ai[k], x) : null, bj[k] >= 0 ? b.read(bj[k], y) : null];
  let matched = 0;
  for (let k = 0; k < n; k++) {
    const [p, q] = read(k);
    const j = judge(p, q, ctx);
    verdicts[k] = VERDICTS.indexOf(j.verdict);
    counts[j.verdict] = (counts[j.verdict] ?? 0) + 1;
    if (p && q) {
      matched++;
      boxes.note(k + 1, changesOf(p, q, j.proxied, hopsOf(p, q)));
    }
  }
  const pairs: Pair[] = [];
  const complete = VERDICTS.indexOf('complete');
  const notComplete = verdicts.reduce((c, v) => c + (v !== complete ? 1 : 0), 0);
  let roomForComplete = Math.max(0, opts.maxPairs - notComplete);
  let room = opts.maxPairs;
  for (let k = 0; k < n && room > 0; k++) {
    if (verdicts[k] === complete) {
      if (roomForComplete === 0) continue;
      roomForComplete--;
    }
    room--;
    const [p, q] = read(k);
    const j = judge(p, q, ctx);
    const codes = p && q ? [...new Set(changesOf(p, q, j.proxied, hopsOf(p, q)).map((c) => c.code).filter((c) => c !== 'hops'))] : [];
    pairs.push(buildPair(k + 1, p, q, ai[k] >= 0 ? m.method[ai[k]] : null, j, codes, m.clock));
  }
  const ordered: Partial<Record<Verdict, number>> = {};
  for (const v of VERDICTS) if (counts[v]) ordered[v] = counts[v];
  return {
    schema: 'synscope-correlate/1',
    a: side(a),
    b: side(b),
    swapped,
    clock: { offset: m.clock.offset, uncertainty: m.clock.uncertainty, driftPpm: m.clock.driftPpm, method: m.clock.method, samples: m.clock.samples },
    summary: { pairs: n, matched, listed: pairs.length, verdicts: ordered, message: message(a, b, n, matched, ordered) },
    pairs,
    middleboxes: boxes.list(),
  };
}

function message(a: Vantage, b: Vantage, n: number, matched: number, v: Partial<Record<Verdict, number>>): string {
  if (n === 0) return 'no handshake attempts in either capture';
  if (matched === 0) {
    return `nothing matched: none of A's ${a.size} handshake attempts was seen at B (${b.size} attempts) — different paths or different times, or B is not on A's path`;
  }
  const lost = (v['syn-lost-between'] ?? 0) + (v['synack-lost-between'] ?? 0) + (v['ack-lost-between'] ?? 0) + (v['reset-between'] ?? 0);
  return `${matched} of ${n} handshake attempts seen at both points; ${lost} lost or reset between A and B, ${v['server-silent'] ?? 0} unanswered by the server`;
}
