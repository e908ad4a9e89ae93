/**
 * What changed between A and B on a matched pair, and the changes gathered into one entry per
 * kind and values (one NAT mapping, one MSS clamp from 1460 to 1200 …) with the pairs it concerns.
 */
import type { TcpOptionsSeen } from '../engine/result';
import type { Attempt } from '../store/attempt';
import type { Middlebox, MiddleboxCode } from './types';
import { endpointText } from './pair';

export interface Change {
  code: MiddleboxCode;
  /** Groups changes into one entry: the same code and the same values. */
  key: string;
  message: string;
  details: Record<string, string | number>;
  /** NAT: this pair's mapping, listed in the entry. */
  mapping?: string;
}

const MAX_MAPPINGS = 100;
const MAX_PAIR_IDS = 1000;


/** The changes of a pair seen at both points. `proxied`: a SYN proxy answered at A (verdict.ts). */
export function changesOf(x: Attempt, y: Attempt, proxied: boolean, hops: { toServer: number | null; toClient: number | null }): Change[] {
  const out: Change[] = [];
  const clientMoved = x.clientIp !== y.clientIp || x.clientPort !== y.clientPort;
  const serverMoved = x.serverIp !== y.serverIp || x.serverPort !== y.serverPort;
  if (clientMoved || serverMoved) {
    const what = [clientMoved ? `client ${x.clientIp} → ${y.clientIp}` : '', serverMoved ? `server ${x.serverIp} → ${y.serverIp}` : ''].filter(Boolean).join(', ');
    out.push({
      code: 'nat', key: `nat ${x.clientIp}>${y.clientIp} ${x.serverIp}>${y.serverIp}`,
      message: `NAT between A and B: ${what}`,
      details: { clientAtA: x.clientIp, clientAtB: y.clientIp, serverAtA: x.serverIp, serverAtB: y.serverIp },
      mapping: `${endpointText(x.clientIp, x.clientPort)} → ${endpointText(y.clientIp, y.clientPort)}, ${endpointText(x.serverIp, x.serverPort)} → ${endpointText(y.serverIp, y.serverPort)}`,
    });
  }
  if (x.syn > 0 && y.syn > 0) optionChanges(x.options.client, y.options.client, 'client\'s SYN', 'to-server', out);
  if (x.synAck > 0 && y.synAck > 0) optionChanges(y.options.server, x.options.server, 'server\'s SYN-ACK', 'to-client', out);
  const ci = [x.wire.clientIsn, y.wire.clientIsn];
  const si = [x.wire.serverIsn, y.wire.serverIsn];
  if (ci[0] >= 0 && ci[1] >= 0 && ci[0] !== ci[1]) {
    out.push({ code: 'isn-rewritten', key: 'isn client', message: 'the client\'s ISN differs at A and B (a sequence-number randomiser, or a proxy\'s own connection to the server)', details: { side: 'client' } });
  }
  if (si[0] >= 0 && si[1] >= 0 && si[0] !== si[1]) {
    out.push({ code: 'isn-rewritten', key: 'isn server', message: 'the server\'s ISN differs at A and B (a SYN proxy or a sequence-number randomiser answers in its place)', details: { side: 'server' } });
  }
  if (proxied) {
    out.push({ code: 'syn-proxy', key: 'syn-proxy', message: 'SYN proxy between A and B: the handshake completed at A before the server answered at B', details: {} });
  }
  for (const [dir, n] of [['to-server', hops.toServer], ['to-client', hops.toClient]] as const) {
    if (n === null) continue;
    out.push({ code: 'hops', key: `hops ${dir} ${n}`, message: `packets ${dir === 'to-server' ? 'to the server' : 'to the client'} lose ${n} hop${n === 1 ? '' : 's'} of TTL between A and B`, details: { direction: dir, hops: n } });
  }
  return out;
}

function optionChanges(from: TcpOptionsSeen, to: TcpOptionsSeen, what: string, direction: string, out: Change[]): void {
  const add = (code: MiddleboxCode, text: string, f: string | number, t: string | number): void => {
    out.push({ code, key: `${code} ${direction} ${f} ${t}`, message: `${text} in the ${what} between ${direction === 'to-server' ? 'A and B' : 'B and A'}`, details: { direction, from: f, to: t } });
  };
  if (from.mss !== null && to.mss !== null && to.mss < from.mss) add('mss-clamped', `MSS lowered from ${from.mss} to ${to.mss}`, from.mss, to.mss);
  else if (from.mss !== to.mss) add('mss-changed', `MSS changed from ${from.mss ?? 'none'} to ${to.mss ?? 'none'}`, from.mss ?? 'none', to.mss ?? 'none');
  if (from.windowScale !== null && to.windowScale === null) add('wscale-removed', `window scale (${from.windowScale}) removed`, from.windowScale, 'none');
  else if (from.windowScale !== null && to.windowScale !== from.windowScale) add('wscale-changed', `window scale changed from ${from.windowScale} to ${to.windowScale}`, from.windowScale, to.windowScale ?? 'none');
  if (from.sackPermitted && !to.sackPermitted) add('sack-removed', 'SACK-permitted removed', 'sack', 'none');
  if (from.timestamps && !to.timestamps) add('timestamps-removed', 'timestamps removed', 'timestamps', 'none');
  if (from.fastOpen !== null && to.fastOpen === null) add('tfo-removed', `TCP Fast Open (${from.fastOpen}) removed`, from.fastOpen, 'none');
}

/** One entry per distinct change, pairs in id order. */
export class MiddleboxTable {
  private readonly byKey = new Map<string, Middlebox>();

  note(pair: number, changes: readonly Change[]): void {
    for (const c of changes) {
      let m = this.byKey.get(c.key);
      if (!m) {
        m = { code: c.code, message: c.message, count: 0, pairs: [], details: { ...c.details } };
        if (c.mapping !== undefined) m.details.mappings = [];
        this.byKey.set(c.key, m);
      }
      m.count++;
      if (m.pairs.length < MAX_PAIR_IDS) m.pairs.push(pair);
      const maps = m.details.mappings;
      if (c.mapping !== undefined && Array.isArray(maps) && maps.length < MAX_MAPPINGS) maps.push(c.mapping);
    }
  }

  list(): Middlebox[] {
    const order = (m: Middlebox): number => (m.code === 'hops' ? 1 : 0);
    return [...this.byKey.values()].sort((p, q) => order(p) - order(q) || p.pairs[0] - q.pairs[0]);
  }
}
