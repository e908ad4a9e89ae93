/**
 * Zeek's view of a TCP connection: per-endpoint states, the history string and conn_state,
 * following zeek/zeek's TCPSessionAdapter state machine, update_history() and the
 * conn_state() function of scripts/base/protocols/conn/main.zeek (rules learnt from there,
 * written anew). Zeek's originator is not always our client: it is the sender of the first
 * packet unless Zeek flips the roles (see `zeekFlipsAtStart`).
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import type { ConnState } from './result';
import type { SlabChunk } from './slab';
import { Histories } from './histories';
import { PER_FLOW, PER_SIDE, slabOffsets } from './slabLayout';

export const enum ZState {
  Inactive = 0,
  SynSent = 1,
  SynAckSent = 2,
  Partial = 3,
  Established = 4,
  Closed = 5,
  Reset = 6,
}

/**
 * Ports Zeek treats as likely servers (its analyzers' registered ports, `likely_server_ports`).
 * Used only to decide whether Zeek flips a connection that starts without a pure SYN.
 */
const ZEEK_SERVER_PORTS = new Set<number>([
  21, 22, 23, 25, 53, 69, 80, 81, 88, 102, 110, 111, 135, 137, 139, 143, 161, 162, 389, 443, 445, 464,
  465, 502, 514, 563, 585, 587, 614, 636, 989, 990, 992, 993, 995, 1080, 1194, 1433, 1521, 1723, 1812, 1813,
  1883, 2049, 2123, 2152, 2404, 2811, 3128, 3306, 3389, 4222, 5060, 5061, 5222, 5223, 5269, 5353, 5355,
  5432, 5672, 5900, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8081, 8443, 8888, 9200, 11211, 20000, 27017,
]);

export function isZeekServerPort(port: number): boolean {
  return ZEEK_SERVER_PORTS.has(port);
}

/**
 * Zeek's TCP analyzer flips a new connection whose first packet is not a pure SYN when the
 * source port looks like a server and the destination does not (or, for a non-SYN packet,
 * both do and the source port is the lower one).
 */
export function zeekFlipsAtStart(flags: number, srcPort: number, dstPort: number): boolean {
  const pureSyn = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
  if (pureSyn) return false;
  if (!isZeekServerPort(srcPort)) return false;
  if (isZeekServerPort(dstPort)) return (flags & TCP_SYN) === 0 && srcPort < dstPort;
  return true;
}

// History bits, one per letter and direction (responder bits are shifted by 16).
const H_SYN = 1 << 0;
const H_ACK = 1 << 2;
const H_DATA = 1 << 3;
const H_FIN = 1 << 4;
const H_RST = 1 << 5;
const H_MULTI = 1 << 6;
const H_FINRST = 1 << 7;

/** A flow's Zeek slots in the slab, from its `zo` (per side: read at `X + side`). */
const Z = slabOffsets({
  state: PER_SIDE,
  prev: PER_SIDE,
  startSeq: PER_SIDE,
  /** The originator's side, and the history letters seen so far (H_* bits). */
  orig: PER_FLOW,
  seen: PER_FLOW,
  lastSyn: PER_SIDE,
  lastFin: PER_SIDE,
  lastRst: PER_SIDE,
  /** Data bytes per side, for REJ's "no data either way" test. */
  size: PER_SIDE,
  /** Highest sequence number sent + 1 per side (Zeek's last_seq), for retransmissions. */
  lastSeq: PER_SIDE,
  /** Scaled history counters (Zeek's ScaledHistoryEntry): count and next threshold, per side. */
  rxmtCnt: PER_SIDE,
  rxmtTh: PER_SIDE,
  win0Cnt: PER_SIDE,
  win0Th: PER_SIDE,
});
const {
  state: STATE, prev: PREV, startSeq: START_SEQ, orig: ORIG, seen: SEEN, lastSyn: LAST_SYN, lastFin: LAST_FIN, lastRst: LAST_RST,
  size: SIZE, lastSeq: LAST_SEQ, rxmtCnt: RXMT_CNT, rxmtTh: RXMT_TH, win0Cnt: WIN0_CNT, win0Th: WIN0_TH,
} = Z;
/** Slab slots a flow's Zeek state uses. */
export const ZEEK_SLOTS = Z.SLOTS;
/**
 * The responder's letters, indexed by the originator's letter's character code
 * (toLowerCase() would make a new string each time; an object keyed by the letter was a
 * megamorphic keyed load).
 */
const LOWER: readonly string[] = (() => {
  const lower: string[] = new Array(128).fill('');
  for (const c of 'SHADFRQITWCG^') lower[c.charCodeAt(0)] = c.toLowerCase();
  return lower;
})();
/** Zeek ignores SYN/RST sequence jumps larger than this (TOO_LARGE_SEQ_DELTA). */
const TOO_LARGE_SEQ_DELTA = 1048576;

/**
 * Sequence number one past the segment (SYN and FIN count one each; a RST's data does not), as
 * a signed 32-bit integer so it is never boxed (callers store it with `>>> 0`).
 */
function onePastOf(seg: TcpSegment): number {
  const flags = seg.flags;
  const segLen = flags & TCP_RST ? (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)
    : seg.payloadLen + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
  return (seg.seq + segLen) | 0;
}

/** Signed 32-bit distance a − b (Zeek's seq_delta). */
function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/** What a flow lends the Zeek state machine: its slab record and its history string. */
export interface ZeekHost {
  readonly s: SlabChunk;
  /** Offset of the ZEEK_SLOTS Zeek slots in `s.a`. */
  readonly zo: number;
  history: string;
}

/**
 * Zeek state for one connection at a time: bound to a flow (`bind`) before each use, so a flow
 * costs no object of its own — its numbers are in the slab, its history on the flow.
 * `orig` is the side index (0 or 1) Zeek calls originator.
 */
export class ZeekConn {
  private f!: ZeekHost;
  /** This analysis's histories, each made once (histories.ts). */
  private readonly histories = new Histories();
  private s!: SlabChunk;
  private o = 0;

  bind(f: ZeekHost): this {
    this.f = f;
    this.s = f.s;
    this.o = f.zo;
    return this;
  }

  /** Starts the bound flow's Zeek state (its first packet came from `firstSide`). */
  init(firstSide: number, flipped: boolean): void {
    const a = this.s.a;
    const o = this.o;
    this.orig = flipped ? 1 - firstSide : firstSide;
    this.seen = 0;
    this.f.history = flipped ? '^' : '';
    a.fill(-1, o + LAST_SYN, o + SIZE);
    a.fill(1, o + RXMT_TH, o + RXMT_TH + 2);
    a.fill(1, o + WIN0_TH, o + WIN0_TH + 2);
  }

  get orig(): number {
    return this.s.a[this.o + ORIG];
  }
  set orig(v: number) {
    this.s.a[this.o + ORIG] = v;
  }
  private get seen(): number {
    return this.s.a[this.o + SEEN];
  }
  private set seen(v: number) {
    this.s.a[this.o + SEEN] = v;
  }
  get history(): string {
    return this.f.history;
  }
  set history(v: string) {
    this.f.history = v;
  }

  state(side: number): ZState {
    return this.s.a[this.o + STATE + side];
  }

  private addIfNew(side: number, mask: number, letter: string): boolean {
    const isOrig = side === this.orig;
    const m = isOrig ? mask : mask << 16;
    if ((this.seen & m) === 0) {
      this.seen |= m;
      this.history = this.histories.grow(this.history, isOrig ? letter : LOWER[letter.charCodeAt(0)]);
      return true;
    }
    return false;
  }

  private add(side: number, letter: string): void {
    this.history = this.histories.grow(this.history, side === this.orig ? letter : LOWER[letter.charCodeAt(0)]);
  }

  /**
   * Feed one segment from `side` (the order of steps is Zeek's TCPSessionAdapter::Process).
   * Sequence numbers are read from the segment where they are used rather than passed as
   * arguments: above 2^31 they are heap numbers, and every call that is not inlined would box
   * them anew, once per packet.
   */
  packet(side: number, seg: TcpSegment): void {
    const a = this.s.a;
    const o = this.o;
    const peer = 1 - side;
    const flags = seg.flags;
    const len = seg.payloadLen;
    this.initEndpoint(side, seg);
    this.updateHistory(side, seg);
    // A zero window, unless it comes with or after a RST or after the peer's FIN.
    if (seg.window === 0 && !(flags & TCP_RST) && a[o + STATE + peer] !== ZState.Closed && a[o + STATE + side] !== ZState.Reset) {
      this.scaled(side, 'W', WIN0_CNT, WIN0_TH);
    }
    if (flags & TCP_ACK && a[o + STATE + peer] === ZState.Inactive) {
      // Number the peer as if its SYN had been seen.
      a[o + START_SEQ + peer] = (seg.ack - 1) >>> 0;
      a[o + LAST_SEQ + peer] = (seg.ack - 1) >>> 0;
    }
    this.updateLastSeq(side, seg);
    const st = a[o + STATE + side];
    if (st === ZState.Inactive) this.inactive(side, peer, seg);
    else if (st === ZState.SynSent || st === ZState.SynAckSent) this.synSent(side, seg);
    else if (st === ZState.Partial || st === ZState.Established) this.established(side, peer, flags);
    else if (st === ZState.Closed) {
      if (flags & TCP_RST) this.set(side, ZState.Reset);
    }
    if (len > 0) a[o + SIZE + side] += len;
  }

  /** Zeek's init_endpoint: (re)start an endpoint's sequence space. */
  private initEndpoint(side: number, seg: TcpSegment): void {
    const a = this.s.a;
    const o = this.o;
    const flags = seg.flags;
    const seq = seg.seq;
    const onePast = onePastOf(seg);
    const st = a[o + STATE + side];
    const syn = (flags & TCP_SYN) !== 0;
    if (st === ZState.Inactive) {
      a[o + START_SEQ + side] = syn ? seq : (seq - 1) >>> 0;
      // A partial connection's first packet is not a retransmission of itself.
      a[o + LAST_SEQ + side] = syn ? onePast >>> 0 : seq;
    } else if (syn && ((st === ZState.SynSent || st === ZState.SynAckSent) ? seq !== a[o + START_SEQ + side]
      : st === ZState.Established || st === ZState.Partial || (st === ZState.Reset && a[o + PREV + side] === ZState.Inactive))) {
      a[o + START_SEQ + side] = seq;
      a[o + LAST_SEQ + side] = onePast >>> 0;
    }
  }

  /** Zeek's update_last_seq: advance the highest sequence, or count a retransmission (T). */
  private updateLastSeq(side: number, seg: TcpSegment): void {
    const a = this.s.a;
    const o = this.o;
    const flags = seg.flags;
    const len = seg.payloadLen;
    const onePast = onePastOf(seg);
    const last = a[o + LAST_SEQ + side];
    const delta = seqDelta(onePast, last);
    if (flags & (TCP_SYN | TCP_RST) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) return;
    if (flags & TCP_FIN && last === ((a[o + START_SEQ + side] + 1) >>> 0)) a[o + LAST_SEQ + side] = onePast >>> 0;
    else if (a[o + STATE + side] === ZState.Reset) return;
    else if (delta > 0) a[o + LAST_SEQ + side] = onePast >>> 0;
    else if (len > 0) this.scaled(side, 'T', RXMT_CNT, RXMT_TH);
  }

  /** Zeek's ScaledHistoryEntry: the letter at the 1st, 10th, 100th … occurrence. */
  private scaled(side: number, letter: string, cnt: number, th: number): void {
    const a = this.s.a;
    const o = this.o;
    if (++a[o + cnt + side] === a[o + th + side]) {
      this.add(side, letter);
      a[o + th + side] *= 10;
    }
  }

  private set(side: number, st: ZState): void {
    this.s.a[this.o + PREV + side] = this.s.a[this.o + STATE + side];
    this.s.a[this.o + STATE + side] = st;
  }

  private updateHistory(side: number, seg: TcpSegment): void {
    const flags = seg.flags;
    const seq = seg.seq;
    const len = seg.payloadLen;
    const bits = (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0) + (flags & TCP_RST ? 1 : 0);
    if (bits > 1) {
      if (flags & TCP_FIN && flags & TCP_RST) this.addIfNew(side, H_FINRST, 'I');
      else this.addIfNew(side, H_MULTI, 'Q');
      return;
    }
    if (bits === 1) {
      if (flags & TCP_SYN) {
        const letter = flags & TCP_ACK ? 'H' : 'S';
        if (!this.addIfNew(side, H_SYN, letter) && seq !== this.s.a[this.o + LAST_SYN + side]) this.add(side, letter);
        this.s.a[this.o + LAST_SYN + side] = seq;
      } else if (flags & TCP_FIN) {
        // A FIN's sequence number counts after its data.
        const end = (seq + len) >>> 0;
        if (!this.addIfNew(side, H_FIN, 'F') && end !== this.s.a[this.o + LAST_FIN + side]) this.add(side, 'F');
        this.s.a[this.o + LAST_FIN + side] = end;
      } else {
        if (!this.addIfNew(side, H_RST, 'R') && seq !== this.s.a[this.o + LAST_RST + side]) this.add(side, 'R');
        this.s.a[this.o + LAST_RST + side] = seq;
      }
      return;
    }
    if (len > 0 || flags & TCP_ACK) {
      if (this.history === 'H') {
        // A connection that began with an unflipped SYN-ACK now carries an ACK or data: that
        // makes a stealth scan unlikely, so Zeek flips it here and rewrites the history to "^h"
        // (TCP_Endpoint::CheckHistory). Zeek's seen-letter mask is not flipped, nor is ours.
        this.orig = 1 - this.orig;
        this.history = '^h';
      }
      if (len > 0) this.addIfNew(side, H_DATA, 'D');
      else this.addIfNew(side, H_ACK, 'A');
    }
  }

  private inactive(side: number, peer: number, seg: TcpSegment): void {
    const flags = seg.flags;
    const seq = seg.seq;
    const len = seg.payloadLen;
    const isOrig = side === this.orig;
    if (flags & TCP_SYN) {
      if (isOrig) {
        this.set(side, flags & TCP_ACK ? ZState.SynAckSent : ZState.SynSent);
      } else {
        if (!(flags & TCP_ACK) && this.s.a[this.o + STATE + peer] === ZState.SynAckSent &&
          seq === this.s.a[this.o + START_SEQ + side]) {
          // The originator's SYN-ACK came before this SYN: Zeek flips the roles.
          this.orig = side;
          this.history += '^';
          this.set(peer, ZState.Established);
        }
        if (this.s.a[this.o + STATE + peer] === ZState.SynSent) this.set(peer, ZState.Established);
        this.set(side, ZState.Established);
      }
    }
    if (flags & TCP_FIN) this.set(side, ZState.Closed);
    if (flags & TCP_RST) this.set(side, ZState.Reset);
    if (this.s.a[this.o + STATE + side] === ZState.Inactive) {
      const origSide = this.orig;
      if (side !== origSide && len === 0 && this.s.a[this.o + STATE + origSide] === ZState.SynSent) {
        // Some stacks ACK a SYN before answering it; Zeek does not count that as partial.
      } else if (flags & TCP_ACK && this.s.a[this.o + STATE + peer] === ZState.Established) {
        this.set(side, ZState.Established);
      } else {
        this.set(side, ZState.Partial);
      }
    }
  }

  private synSent(side: number, seg: TcpSegment): void {
    const flags = seg.flags;
    const seq = seg.seq;
    if (flags & TCP_SYN && seq !== this.s.a[this.o + START_SEQ + side]) this.s.a[this.o + START_SEQ + side] = seq;
    if (flags & TCP_FIN) this.set(side, ZState.Closed);
    if (flags & TCP_RST) this.set(side, ZState.Reset);
  }

  private established(side: number, peer: number, flags: number): void {
    if (flags & TCP_SYN && !(flags & TCP_ACK) && this.s.a[this.o + STATE + side] === ZState.Partial &&
      this.s.a[this.o + STATE + peer] === ZState.Inactive) {
      this.set(side, ZState.SynSent);
    }
    if (flags & TCP_FIN && !(flags & TCP_RST)) {
      this.set(side, ZState.Closed);
      if (this.s.a[this.o + STATE + peer] === ZState.Reset && this.s.a[this.o + PREV + peer] === ZState.Closed) this.set(peer, ZState.Closed);
    }
    if (flags & TCP_RST) this.set(side, ZState.Reset);
  }

  /** Zeek's conn_state for the connection as it stands. */
  connState(): ConnState {
    const os = this.s.a[this.o + STATE + this.orig];
    const rs = this.s.a[this.o + STATE + 1 - this.orig];
    const oInactive = os === ZState.Inactive || os === ZState.Partial;
    const rInactive = rs === ZState.Inactive || rs === ZState.Partial;
    if (rs === ZState.Reset) {
      if (os === ZState.SynSent || os === ZState.SynAckSent ||
        (os === ZState.Reset && this.s.a[this.o + SIZE + 0] === 0 && this.s.a[this.o + SIZE + 1] === 0)) return 'REJ';
      return oInactive ? 'RSTRH' : 'RSTR';
    }
    if (os === ZState.Reset) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(this.history) ? 'RSTOS0' : 'OTH';
      return 'RSTO';
    }
    if (rs === ZState.Closed && os === ZState.Closed) return 'SF';
    if (os === ZState.Closed) return rInactive ? 'SH' : 'S2';
    if (rs === ZState.Closed) return oInactive ? 'SHR' : 'S3';
    if (os === ZState.SynSent && rs === ZState.Inactive) return 'S0';
    if (os === ZState.Established && rs === ZState.Established) return 'S1';
    return 'OTH';
  }
}
