/**
 * The handshake packets of listed flows, recorded for their diagrams: fixed-width records in
 * chunked typed arrays, each flow's records linked in order. A record is 68 bytes; as a JS
 * object with its option string and boxed numbers it was about 200, and a listed flow keeps up
 * to `maxEventsPerFlow` of them until the analysis is dropped (the editor lists up to 10^6 flows).
 */
import { FastOpen, type TcpSegment } from '../decode/types';
import type { FlowEvent } from './result';
import type { PacketTime } from './flowState';
import { PER_FLOW, slabOffsets, TIME_POINT } from './slabLayout';
import { diffSeconds, formatPoint, readPoint, writePoint } from './time';

/** What the engine recognised on a packet (FlowEvent.notes, in this order). */
export const NOTE_RETRANSMISSION = 1;
export const NOTE_HANDSHAKE_ACK = 2;
export const NOTE_FIRST_DATA = 4;
const NOTE_NAMES: readonly [number, string][] = [
  [NOTE_RETRANSMISSION, 'retransmission'], [NOTE_HANDSHAKE_ACK, 'handshake-ack'], [NOTE_FIRST_DATA, 'first-data'],
];

const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
/** Per record in Float64 chunks: the packet's time point (ns fractional for binary resolutions). */
const F64 = TIME_POINT;
/** Per record in Uint32 chunks: what `packMeta` and `packOptions` pack, the numbers shown, the next record. */
const W = slabOffsets({ meta: PER_FLOW, seq: PER_FLOW, ack: PER_FLOW, len: PER_FLOW, window: PER_FLOW, options: PER_FLOW, next: PER_FLOW });
const U32 = W.SLOTS;
const NO_NEXT = 0xffffffff;

/** Bits of a record's meta word: side, notes, a comment, the TCP flags, the TFO cookie length. */
const META = { side: 1, notesShift: 1, comment: 1 << 4, flagsShift: 8, flagsMask: 0xfff, cookieShift: 20, cookieMask: 0xff } as const;
/** Bits of a record's options word: MSS + 1 and window scale + 1 (0: absent), SACK, TS, MPTCP, TFO. */
const OPT = { mssMask: 0x1ffff, wsShift: 17, wsMask: 0x1ff, sack: 1 << 26, ts: 1 << 27, mptcp: 1 << 28, tfoShift: 29, tfoMask: 3 } as const;

export class EventLog {
  private readonly f64: Float64Array[] = [];
  private readonly u32: Uint32Array[] = [];
  private size = 0;
  /** pcapng packet comments, by record (rare). */
  private readonly comments = new Map<number, string>();
  /** Finished flows' heads etc., by flow id (ids are dense from 1). */
  private keptHead = new Float64Array(0);
  private keptClient = new Uint8Array(0);
  private keptFirstSec = new Float64Array(0);
  private keptFirstNs = new Float64Array(0);

  /**
   * Records one packet after `tail` (-1 for a flow's first) and returns its index. `seq` and
   * `ack` are as shown (relative where the ISN is known).
   */
  append(tail: number, t: PacketTime, side: number, seg: TcpSegment, seq: number, ack: number, notes: number, comment: string | undefined): number {
    const i = this.size++;
    const c = i >>> CHUNK_BITS;
    if (c === this.f64.length) {
      this.f64.push(new Float64Array(CHUNK * F64));
      this.u32.push(new Uint32Array(CHUNK * U32));
    }
    const d = this.f64[c];
    const u = this.u32[c];
    const at = i & (CHUNK - 1);
    writePoint(d, at * F64, t);
    const y = at * U32;
    u[y + W.meta] = side | (notes << META.notesShift) | (comment !== undefined ? META.comment : 0) | (seg.flags << META.flagsShift) |
      (Math.min(seg.fastOpenCookieLen, META.cookieMask) << META.cookieShift);
    u[y + W.seq] = seq;
    u[y + W.ack] = ack;
    u[y + W.len] = seg.payloadLen;
    u[y + W.window] = seg.window;
    u[y + W.options] = (seg.mss + 1) | ((seg.windowScale + 1) << OPT.wsShift) | (seg.sackPermitted ? OPT.sack : 0) |
      (seg.tsVal >= 0 ? OPT.ts : 0) | (seg.mptcp ? OPT.mptcp : 0) | (seg.fastOpen << OPT.tfoShift);
    u[y + W.next] = NO_NEXT;
    if (comment !== undefined) this.comments.set(i, comment);
    if (tail >= 0) this.u32[tail >>> CHUNK_BITS][(tail & (CHUNK - 1)) * U32 + W.next] = i;
    return i;
  }

  /** Keeps a finished flow's events for `flowEvents` (head -1: it recorded none). */
  keep(flowId: number, head: number, client: number, firstSec: number, firstNs: number): void {
    if (flowId >= this.keptHead.length) {
      const n = Math.max(1024, flowId * 2);
      this.keptHead = grow(this.keptHead, new Float64Array(n).fill(-2));
      this.keptClient = grow(this.keptClient, new Uint8Array(n));
      this.keptFirstSec = grow(this.keptFirstSec, new Float64Array(n));
      this.keptFirstNs = grow(this.keptFirstNs, new Float64Array(n));
    }
    this.keptHead[flowId] = head;
    this.keptClient[flowId] = client;
    this.keptFirstSec[flowId] = firstSec;
    this.keptFirstNs[flowId] = firstNs;
  }

  /** A kept flow's events, or null when the flow was not kept. */
  kept(flowId: number): FlowEvent[] | null {
    if (flowId < 0 || flowId >= this.keptHead.length || this.keptHead[flowId] === -2) return null;
    return this.events(this.keptHead[flowId], this.keptClient[flowId], this.keptFirstSec[flowId], this.keptFirstNs[flowId]);
  }

  /** The events linked from `head`, with directions and times relative to the flow's first packet. */
  events(head: number, client: number, firstSec: number, firstNs: number): FlowEvent[] {
    const out: FlowEvent[] = [];
    for (let i = head; i >= 0 && i !== NO_NEXT;) {
      const d = this.f64[i >>> CHUNK_BITS];
      const u = this.u32[i >>> CHUNK_BITS];
      const p = readPoint(d, (i & (CHUNK - 1)) * F64);
      const y = (i & (CHUNK - 1)) * U32;
      const meta = u[y + W.meta];
      const notes: string[] = [];
      for (const [bit, name] of NOTE_NAMES) if ((meta >>> META.notesShift) & bit) notes.push(name);
      const ev: FlowEvent = {
        packet: p.packet,
        time: formatPoint(p),
        rel: diffSeconds(p.sec, p.ns, firstSec, firstNs),
        dir: (meta & META.side) === client ? 'c2s' : 's2c',
        flags: (meta >>> META.flagsShift) & META.flagsMask,
        seq: u[y + W.seq],
        ack: u[y + W.ack],
        len: u[y + W.len],
        window: u[y + W.window],
        options: optionsText(u[y + W.options], (meta >>> META.cookieShift) & META.cookieMask),
        notes,
      };
      if (meta & META.comment) ev.comment = this.comments.get(i);
      out.push(ev);
      i = u[y + W.next];
    }
    return out;
  }
}

function grow<T extends Float64Array | Uint8Array | Uint32Array>(old: T, next: T): T {
  next.set(old);
  return next;
}

/** The option summary a packet's SYN options give, e.g. "MSS=1460 WS=7 SACK_PERM TS TFO-req". */
function optionsText(o: number, tfoCookieLen: number): string {
  const parts: string[] = [];
  const mss = (o & OPT.mssMask) - 1;
  const ws = ((o >>> OPT.wsShift) & OPT.wsMask) - 1;
  if (mss >= 0) parts.push(`MSS=${mss}`);
  if (ws >= 0) parts.push(`WS=${ws}`);
  if (o & OPT.sack) parts.push('SACK_PERM');
  if (o & OPT.ts) parts.push('TS');
  const tfo = (o >>> OPT.tfoShift) & OPT.tfoMask;
  if (tfo === FastOpen.CookieRequest) parts.push('TFO-req');
  else if (tfo === FastOpen.Cookie) parts.push(`TFO-cookie(${tfoCookieLen})`);
  if (o & OPT.mptcp) parts.push('MPTCP');
  return parts.join(' ');
}
