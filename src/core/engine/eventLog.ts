/**
 * The handshake packets of listed flows, recorded for their diagrams: fixed-width records in
 * chunked typed arrays, each flow's records linked in order. A record is 68 bytes; as a JS
 * object with its option string and boxed numbers it was about 200, and a listed flow keeps up
 * to `maxEventsPerFlow` of them until the analysis is dropped (the editor lists up to 10^6 flows).
 */
import { FastOpen, type TcpSegment } from '../decode/types';
import type { FlowEvent } from './result';
import type { PacketTime } from './flowState';
import { diffSeconds, formatPoint } from './time';

/** What the engine recognised on a packet (FlowEvent.notes, in this order). */
export const NOTE_RETRANSMISSION = 1;
export const NOTE_HANDSHAKE_ACK = 2;
export const NOTE_FIRST_DATA = 4;
const NOTE_NAMES: readonly [number, string][] = [
  [NOTE_RETRANSMISSION, 'retransmission'], [NOTE_HANDSHAKE_ACK, 'handshake-ack'], [NOTE_FIRST_DATA, 'first-data'],
];

const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
/** Per record: packet, sec, ns (fractional for binary resolutions), frac, units per second. */
const F64 = 5;
/** Per record: meta (side, notes, comment, flags, TFO cookie length), seq, ack, len, window, options, next. */
const U32 = 7;
const NO_NEXT = 0xffffffff;

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
    const x = at * F64;
    d[x] = t.index;
    d[x + 1] = t.sec;
    d[x + 2] = t.ns;
    d[x + 3] = t.frac;
    d[x + 4] = t.ups;
    const y = at * U32;
    u[y] = side | (notes << 1) | (comment !== undefined ? 16 : 0) | (seg.flags << 8) | (Math.min(seg.fastOpenCookieLen, 255) << 20);
    u[y + 1] = seq;
    u[y + 2] = ack;
    u[y + 3] = seg.payloadLen;
    u[y + 4] = seg.window;
    // mss+1 (17 bits), ws+1 (9 bits), SACK, TS, MPTCP, TFO (2 bits): 0 where an option is absent.
    u[y + 5] = (seg.mss + 1) | ((seg.windowScale + 1) << 17) | (seg.sackPermitted ? 1 << 26 : 0) |
      (seg.tsVal >= 0 ? 1 << 27 : 0) | (seg.mptcp ? 1 << 28 : 0) | (seg.fastOpen << 29);
    u[y + 6] = NO_NEXT;
    if (comment !== undefined) this.comments.set(i, comment);
    if (tail >= 0) this.u32[tail >>> CHUNK_BITS][(tail & (CHUNK - 1)) * U32 + 6] = i;
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
      const x = (i & (CHUNK - 1)) * F64;
      const y = (i & (CHUNK - 1)) * U32;
      const sec = d[x + 1];
      const meta = u[y];
      const notes: string[] = [];
      for (const [bit, name] of NOTE_NAMES) if ((meta >>> 1) & bit) notes.push(name);
      const ev: FlowEvent = {
        packet: d[x],
        time: formatPoint({ sec, frac: d[x + 3], ups: d[x + 4] }),
        rel: diffSeconds(sec, d[x + 2], firstSec, firstNs),
        dir: (meta & 1) === client ? 'c2s' : 's2c',
        flags: (meta >>> 8) & 0xfff,
        seq: u[y + 1],
        ack: u[y + 2],
        len: u[y + 3],
        window: u[y + 4],
        options: optionsText(u[y + 5], (meta >>> 20) & 0xff),
        notes,
      };
      if (meta & 16) ev.comment = this.comments.get(i);
      out.push(ev);
      i = u[y + 6];
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
  const mss = (o & 0x1ffff) - 1;
  const ws = ((o >>> 17) & 0x1ff) - 1;
  if (mss >= 0) parts.push(`MSS=${mss}`);
  if (ws >= 0) parts.push(`WS=${ws}`);
  if (o & (1 << 26)) parts.push('SACK_PERM');
  if (o & (1 << 27)) parts.push('TS');
  const tfo = (o >>> 29) & 3;
  if (tfo === FastOpen.CookieRequest) parts.push('TFO-req');
  else if (tfo === FastOpen.Cookie) parts.push(`TFO-cookie(${tfoCookieLen})`);
  if (o & (1 << 28)) parts.push('MPTCP');
  return parts.join(' ');
}
