/**
 * A stored flow as the stories read it (StoryFlow): each field read from the store's columns
 * when asked, its times straight from the stored time points to nanoseconds on the story clock,
 * one reused object for all flows. Every value is the one the built Flow gives (flow(id)), read
 * the way the stories read that Flow: a time whose Flow string is another point's string
 * (FlowStore.flow's `ref`: a SYN in the first packet prints as `start`) is that point's time here too.
 */
import { FINS } from '../engine/buildFlow';
import { NONE } from '../engine/flowState';
import type { Flow } from '../engine/result';
import { formatPoint } from '../engine/time';
import type { Clock } from '../stories/clock';
import type { StoryFlow } from '../stories/storyFlow';
import { CHUNK_MASK, type Chunk, type Column } from './columns';
import type { FlowStore } from './flowStore';
import { formatV4 } from './v4Names';
import { handshakeSpan } from './answered';
import {
  C, V6, COMPLETE, SIMULTANEOUS_OPEN, RESET_SHIFT, FIN_CLIENT, FIN_SERVER, HAS_SYN, HAS_SYNACK, HAS_ACK, HAS_INTERVALS,
  RESETS, LAST, SYN, SYNACK, ACK, newReadPoint, type Point, type ReadPoint, type Shape,
} from './rowLayout';

/** One reused view of a stored flow: point it at a row with `at`. */
export class Glance implements StoryFlow {
  private row = 0;
  private flowId = 0;
  private readonly first = newReadPoint();
  /**
   * The row's other points (by Point.at), each read once (bit `at` of pointsRead): a connect asks
   * for its SYN, SYN-ACK and ACK twice (its times, its RTT) and its last packet up to three times.
   */
  private readonly points = [newReadPoint(), newReadPoint(), newReadPoint(), newReadPoint(), newReadPoint()];
  private pointsRead = 0;
  /** startNs of the current row, kept: a connect's other times fall back to it. */
  private startClock: Clock | null = null;
  private start = NaN;

  constructor(private readonly store: FlowStore) {}

  at(id: number, row: number): this {
    this.flowId = id;
    this.row = row;
    this.startClock = null;
    this.pointsRead = 0;
    const chunk = this.store.chunkOf(row);
    if (chunk !== this.chunk) this.load(chunk);
    this.i = row & CHUNK_MASK;
    return this;
  }

  // The columns every flow is asked for, read from the row's chunk directly (a read through the
  // store picks the chunk and the column's array for each value: most of a pass over a million
  // flows). The chunk's arrays are taken again when the row is in another chunk, or in one the
  // store has grown since.
  private chunk: Chunk | null = null;
  private i = 0;
  private flagsA = new Uint16Array(0);
  private clientA = new Uint32Array(0);
  private serverA = new Uint32Array(0);
  private serverPortA = new Uint16Array(0);
  private firstSecA = new Uint32Array(0);
  private firstFracA = new Uint32Array(0);
  private synA = new Uint8Array(0);
  private lastPacketA = new Uint32Array(0);
  private synPacketA = new Uint16Array(0);
  private firstPacketA = new Uint32Array(0);
  private shapeA = new Uint32Array(0);
  /** The shape last read and its index: flows in a row mostly share one (a flood's all). */
  private shapeIndex = -1;
  private shapeNow: Shape | null = null;

  private load(chunk: Chunk): void {
    this.chunk = chunk;
    this.flagsA = typed(chunk, C.flags, Uint16Array);
    this.clientA = typed(chunk, C.addr.client, Uint32Array);
    this.serverA = typed(chunk, C.addr.server, Uint32Array);
    this.serverPortA = typed(chunk, C.port.server, Uint16Array);
    this.firstSecA = typed(chunk, C.firstSec, Uint32Array);
    this.firstFracA = typed(chunk, C.firstFrac, Uint32Array);
    this.synA = typed(chunk, C.syn, Uint8Array);
    this.lastPacketA = typed(chunk, LAST.packet, Uint32Array);
    this.synPacketA = typed(chunk, SYN.packet, Uint16Array);
    this.firstPacketA = typed(chunk, C.firstPacket, Uint32Array);
    this.shapeA = typed(chunk, C.shape, Uint32Array);
  }

  /** The value at the row in `a`, column c's array: the store's side map has it when the slot holds the escape. */
  private read(a: Uint8Array | Uint16Array | Uint32Array, c: Column): number {
    const v = a[this.i];
    return v === c.escape ? this.store.value(c, this.row) : v;
  }

  private flags(): number { return this.read(this.flagsA, C.flags); }

  private shape(): Shape {
    const k = this.read(this.shapeA, C.shape);
    if (k !== this.shapeIndex || this.shapeNow === null) {
      this.shapeIndex = k;
      this.shapeNow = this.store.shapeAt(k);
    }
    return this.shapeNow;
  }

  /** One of the row's time points other than the first (rowLayout's LAST, SYN, SYNACK, ACK). */
  private pointOf(p: Point): ReadPoint {
    const out = this.points[p.at];
    if ((this.pointsRead & (1 << p.at)) !== 0) return out;
    this.pointsRead |= 1 << p.at;
    return this.store.readPoint(this.row, p, this.shape(), this.read(this.firstPacketA, C.firstPacket), this.read(this.firstSecA, C.firstSec), out);
  }

  // The stories read a flow's address and port as scalars: an Endpoint object for every flow
  // read (most clients' ports differ) was most of their garbage. An IPv4 address's text is the
  // store's, remembered (v4Names.ts).
  private ip(side: 'client' | 'server', a: Uint32Array, c: Column): string {
    return (this.flags() & V6) !== 0 ? this.store.addressOf(this.row, side) : this.store.v4Names(side).name(this.read(a, c));
  }
  private count(col: typeof C.syn): number { return this.store.value(col, this.row); }

  get id(): number { return this.flowId; }
  get clientIp(): string { return this.ip('client', this.clientA, C.addr.client); }
  get clientPort(): number { return this.store.value(C.port.client, this.row); }
  get serverIp(): string { return this.ip('server', this.serverA, C.addr.server); }
  get serverPort(): number { return this.read(this.serverPortA, C.port.server); }
  get serverKey(): number | string {
    // | 0: the address as a signed 32-bit integer, a small integer to V8 (one above 2^31 as it
    // is would be a heap number).
    return (this.flags() & V6) !== 0 ? this.serverIp : this.read(this.serverA, C.addr.server) | 0;
  }
  get exchanges(): number { return this.count(C.exchanges); }
  get syn(): number { return this.read(this.synA, C.syn); }
  get synRetransmissions(): number { return this.count(C.synRetx); }
  get synAck(): number { return this.count(C.synAck); }
  get clientPayload(): number { return this.count(C.payload.client); }
  get synIntervals(): readonly number[] {
    return (this.flags() & HAS_INTERVALS) !== 0 ? this.store.synIntervalsOf(this.row) : NONE;
  }
  get complete(): boolean { return (this.flags() & COMPLETE) !== 0; }
  get rtt(): number | null {
    const flags = this.flags();
    return handshakeSpan('rtt', this.store.answeredOf(this.row), (flags & HAS_SYN) !== 0 ? this.pointOf(SYN) : null,
      (flags & HAS_SYNACK) !== 0 ? this.pointOf(SYNACK) : null, (flags & HAS_ACK) !== 0 ? this.pointOf(ACK) : null);
  }
  get hasSyn(): boolean { return (this.flags() & HAS_SYN) !== 0; }
  get simultaneousOpen(): boolean { return (this.flags() & SIMULTANEOUS_OPEN) !== 0; }
  get reset(): Flow['reset'] { return RESETS[(this.flags() >> RESET_SHIFT) & 3]; }
  get fin(): Flow['fin'] {
    const flags = this.flags();
    return FINS[((flags & FIN_CLIENT) !== 0 ? 1 : 0) + ((flags & FIN_SERVER) !== 0 ? 2 : 0)];
  }

  startNs(clock: Clock): number {
    if (this.startClock !== clock) {
      const p = this.first;
      p.sec = this.read(this.firstSecA, C.firstSec);
      p.frac = this.read(this.firstFracA, C.firstFrac);
      p.ups = this.shape().ups[0];
      this.start = clockNs(clock, p);
      this.startClock = clock;
    }
    return this.start;
  }

  // A point's packet column counts packets since the first: 0 is the first packet itself.

  /**
   * The Flow's `end` is its `start` when the flow is one packet. Both are taken for every flow:
   * the one-packet kind (a lone SYN, never answered) comes late among a capture's connects, and
   * a call first made after the stories' passes were compiled threw them away.
   */
  endNs(clock: Clock): number {
    const start = this.startNs(clock);
    return this.read(this.lastPacketA, LAST.packet) === 0 ? start : clockNs(clock, this.pointOf(LAST));
  }

  /** Its SYN prints as `start` when it is the first packet: then only the first point counts. */
  connectNs(clock: Clock): number {
    const start = this.startNs(clock);
    if ((this.flags() & HAS_SYN) === 0 || this.read(this.synPacketA, SYN.packet) === 0) return start;
    return Math.min(start, clockNs(clock, this.pointOf(SYN)));
  }

  synAckNs(clock: Clock): number { return this.answerNs(clock, HAS_SYNACK, SYNACK); }
  ackNs(clock: Clock): number { return this.answerNs(clock, HAS_ACK, ACK); }

  /** A SYN-ACK or ACK in the last packet prints as `end` (taken for every answer, as in endNs). */
  private answerNs(clock: Clock, has: number, p: Point): number {
    if ((this.flags() & has) === 0) return NaN;
    const end = this.endNs(clock);
    return this.store.value(p.packet, this.row) === this.read(this.lastPacketA, LAST.packet) ? end : clockNs(clock, this.pointOf(p));
  }
}

/** Column c's array in the chunk, checked to be of the type the reads above take it for. */
function typed<T extends Uint8Array | Uint16Array | Uint32Array>(chunk: Chunk, c: Column, type: { new(n: number): T }): T {
  const a = chunk[c.index];
  if (!(a instanceof type)) throw new Error(`column ${c.name} is not a ${type.name}`);
  return a;
}

/** `ip` as Glance.serverKey has it: a dotted quad as the store prints it is its number, anything else itself. */
export function ipKey(ip: string): number | string {
  const parts = ip.split('.');
  if (parts.length !== 4) return ip;
  const x = ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
  // Only the exact text the store prints for x (no leading zeros, each part 0-255) is x.
  return formatV4(x) === ip ? x | 0 : ip;
}

/** clock.ns(formatPoint(p)), without the string for the usual resolutions. */
export function clockNs(clock: Clock, p: { sec: number; frac: number; ups: number }): number {
  const toNs = p.ups === 1e6 ? 1e3 : p.ups === 1e9 ? 1 : DECIMAL_TO_NS.get(p.ups);
  if (toNs !== undefined && p.sec >= 0 && p.sec < 1e15 && Number.isInteger(p.frac) && p.frac >= 0 && p.frac < p.ups) {
    return (p.sec - clock.baseSec) * 1e9 + p.frac * toNs;
  }
  return clock.ns(formatPoint(p));
}
const DECIMAL_TO_NS = new Map<number, number>([[1, 1e9], [10, 1e8], [100, 1e7], [1e3, 1e6], [1e4, 1e5], [1e5, 1e4], [1e6, 1e3], [1e7, 100], [1e8, 10], [1e9, 1]]);
