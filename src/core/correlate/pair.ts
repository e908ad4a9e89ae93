/** One pair as the JSON contract has it, from its attempts at A and B and its judgement. */
import type { Attempt } from '../store/attempt';
import type { Clock } from './clock';
import { round } from './clock';
import type { Judgement } from './verdict';
import type { MatchMethod, MiddleboxCode, PacketKind, Pair, ResetSeen, SeenAt } from './types';

function time(t: number): string | null {
  return t >= 0 ? t.toFixed(6) : null;
}

function seen(count: number, t: number): SeenAt {
  return { count, time: count > 0 ? time(t) : null };
}

export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function hopsOf(x: Attempt | null, y: Attempt | null): { toServer: number | null; toClient: number | null } {
  if (!x || !y) return { toServer: null, toClient: null };
  const c = x.wire.clientTtl > 0 && y.wire.clientTtl > 0 ? x.wire.clientTtl - y.wire.clientTtl : null;
  const s = x.wire.serverTtl > 0 && y.wire.serverTtl > 0 ? y.wire.serverTtl - x.wire.serverTtl : null;
  return { toServer: c, toClient: s };
}

function reset(a: Attempt | null): ResetSeen | null {
  if (!a || a.wire.rstSide === null) return null;
  return { from: a.wire.rstSide, ttl: a.wire.rstTtl, time: time(a.rstTime) ?? '' };
}

export function buildPair(id: number, x: Attempt | null, y: Attempt | null, method: MatchMethod | null, j: Judgement, codes: MiddleboxCode[], clock: Clock): Pair {
  const twoWay = clock.method === 'round-trip';
  const delay = (ok: boolean, from: number, to: number): number | null => (twoWay && ok && from >= 0 && to >= 0 ? round(to - from) : null);
  const main = x ?? y!;
  const sameServer = !!x && !!y && x.wire.serverIsn === y.wire.serverIsn;
  const syn: PacketKind = {
    a: seen(x?.syn ?? 0, x?.synTime ?? NaN), b: seen(y?.syn ?? 0, y?.synTime ?? NaN), lost: j.lost.syn,
    // Behind a proxy B's SYN is the proxy's own, not the client's: no delay between them.
    delay: x && y ? delay(j.lost.syn === 0 && !j.proxied, x.synTime, clock.toA(y.synTime)) : null,
  };
  const synAck: PacketKind = {
    a: seen(x?.synAck ?? 0, x?.synAckTime ?? NaN), b: seen(y?.synAck ?? 0, y?.synAckTime ?? NaN), lost: j.lost.synAck,
    delay: x && y ? delay(j.lost.synAck === 0 && sameServer, clock.toA(y.synAckTime), x.synAckTime) : null,
  };
  const ackA = x && x.ackTime >= 0 ? 1 : 0;
  const ackB = y && y.ackTime >= 0 ? 1 : 0;
  const ack: PacketKind = {
    a: seen(ackA, x?.ackTime ?? NaN), b: seen(ackB, y?.ackTime ?? NaN), lost: j.lost.ack,
    delay: x && y ? delay(j.lost.ack === 0 && !j.proxied, x.ackTime, clock.toA(y.ackTime)) : null,
  };
  return {
    id,
    a: x?.id ?? null,
    b: y?.id ?? null,
    match: method,
    verdict: j.verdict,
    completeAt: { a: x ? x.complete : null, b: y ? y.complete : null },
    client: endpointText(main.clientIp, main.clientPort),
    server: endpointText(main.serverIp, main.serverPort),
    clientAtB: y ? endpointText(y.clientIp, y.clientPort) : null,
    serverAtB: y ? endpointText(y.serverIp, y.serverPort) : null,
    packets: { syn, synAck, ack, rst: { a: reset(x), b: reset(y) } },
    hops: hopsOf(x, y),
    middleboxes: codes,
    evidence: j.evidence,
  };
}
