/**
 * Option sets are few (a handful of stacks per capture), so equal ones are shared: one frozen
 * object per distinct set instead of one per SYN, which in a flood was one per flow, and one
 * frozen client/server pair per distinct pair of them. Every object a flow keeps is one more for
 * each major GC to mark, and the editor keeps up to a million flows. Bounded so a capture with
 * every possible combination cannot grow them without limit. One per analysis (the Analyzer's),
 * so analyses share nothing.
 */
import { FastOpen, type TcpSegment } from '../decode/types';
import type { TcpOptionsSeen } from './result';

const SETS_MAX = 4096;
const PAIRS_MAX = 4096;

export interface OptionsPair { client: TcpOptionsSeen; server: TcpOptionsSeen }

export class OptionSets {
  private readonly sets = new Map<number, TcpOptionsSeen>();
  /** Pairs by client set, then server set (sets are shared, so few). */
  private readonly pairs = new Map<TcpOptionsSeen, Map<TcpOptionsSeen, OptionsPair>>();
  private pairCount = 0;

  /** The shared options object for a SYN's or SYN-ACK's options. */
  of(seg: TcpSegment): TcpOptionsSeen {
    const key = (((seg.mss + 1) * 512 + (seg.windowScale + 1)) * 16 + (seg.sackPermitted ? 8 : 0) + (seg.tsVal >= 0 ? 4 : 0)) * 4 + seg.fastOpen;
    let o = this.sets.get(key);
    if (o === undefined) {
      o = Object.freeze(newOptions(seg));
      if (this.sets.size < SETS_MAX) this.sets.set(key, o);
    }
    return o;
  }

  /** The shared pair of a flow's client and server options. */
  pair(client: TcpOptionsSeen, server: TcpOptionsSeen): OptionsPair {
    let byServer = this.pairs.get(client);
    let pair = byServer?.get(server);
    if (pair) return pair;
    pair = Object.freeze({ client, server });
    if (this.pairCount < PAIRS_MAX) {
      if (!byServer) this.pairs.set(client, (byServer = new Map()));
      byServer.set(server, pair);
      this.pairCount++;
    }
    return pair;
  }
}

function newOptions(seg: TcpSegment): TcpOptionsSeen {
  return {
    mss: seg.mss >= 0 ? seg.mss : null,
    windowScale: seg.windowScale >= 0 ? seg.windowScale : null,
    sackPermitted: seg.sackPermitted,
    timestamps: seg.tsVal >= 0,
    fastOpen: seg.fastOpen === FastOpen.CookieRequest ? 'request' : seg.fastOpen === FastOpen.Cookie ? 'cookie' : null,
  };
}
