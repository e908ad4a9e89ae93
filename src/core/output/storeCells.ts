/**
 * A row group's Parquet columns read straight from the flow store's columns: no Flow object, no
 * cell per column through a getter, no string for a number or time. Every value is the one
 * flow(id) gives through FLOW_COLUMNS (a test compares both on every sample, cell by cell).
 *
 * Values are in the forms hyparquet-writer encodes cheapest: typed arrays for required numbers,
 * shared bigints for small INT64 values, and strings as UTF-8 byte views, one object per distinct
 * value where values repeat (the dictionary builder then finds them by identity), times and
 * addresses written as digits into one buffer per group instead of being formatted as strings
 * and encoded again.
 */
import { formatPoint } from '../engine/time';
import type { StoredFields } from '../store/storedFields';
import type { FlowStore } from '../store/flowStore';
import { handshakeSpan, measuredPoint } from '../store/answered';
import {
  ACK, BASES, C, COMPLETE, FIN_CLIENT, FIN_SERVER, HAS_ACK, HAS_SYN, HAS_SYNACK, PORT_REUSE, RESETS, RESET_SHIFT, ROLE_SHIFT,
  SIMULTANEOUS_OPEN, SYN, SYNACK, V6, newReadPoint, type ReadPoint,
} from '../store/rowLayout';
import type { RowContext } from './flowColumns';

/** What a group is read from: the analysis's store and the findings naming each flow id. */
export interface StoreSource {
  store: FlowStore;
  findingsOf: Map<number, number[]>;
}

/** The store behind a flow list, when the list reads its fields from one (storedFlowList). */
export function storeSourceOf(fields: unknown): StoreSource | undefined {
  const f = fields as Partial<StoredFields> | undefined;
  return f && f.store && f.findingsOf ? { store: f.store, findingsOf: f.findingsOf } : undefined;
}

/** A column's values for the writer, by column name (FLOW_COLUMNS). */
export type GroupColumns = Map<string, unknown[] | Int32Array>;

const SMALL_BIG = Array.from({ length: 1 << 16 }, (_, i) => BigInt(i));
/** An INT64 value as a bigint; the common small ones shared, not allocated per cell. */
function big(n: number): bigint {
  return n >= 0 && n < SMALL_BIG.length && Number.isInteger(n) ? SMALL_BIG[n] : BigInt(n);
}

const EMPTY: readonly never[] = Object.freeze([]);

/** Bytes an epoch string or an address takes at most on the fast paths (20 digits and a point, 15 for IPv4). */
const SLOT = 21;

const utf8 = new TextEncoder();

/** UTF-8 bytes of strings drawn from a small set (states, histories, codes): one object per value. */
export class StringBytes {
  private readonly map = new Map<string, Uint8Array>();
  of(s: string): Uint8Array {
    let b = this.map.get(s);
    if (b === undefined) {
      b = utf8.encode(s);
      // Bounded: a capture with endless distinct values (cookies) encodes the rest each time.
      if (this.map.size < 65536) this.map.set(s, b);
    }
    return b;
  }
  orNull(s: string | null): Uint8Array | null {
    return s === null ? null : this.of(s);
  }
}

/** One buffer per group for the distinct-per-row byte strings (times, client addresses). */
class Arena {
  private buf: Uint8Array;
  private at = 0;
  constructor(bytes: number) {
    this.buf = new Uint8Array(bytes);
  }
  /** Room for `n` more bytes; a new buffer when this one is full (the views already handed out keep the old). */
  private room(n: number): void {
    if (this.at + n > this.buf.length) {
      this.buf = new Uint8Array(Math.max(1 << 16, n));
      this.at = 0;
    }
  }
  ascii(s: string): Uint8Array {
    for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 0x7f) return utf8.encode(s);
    this.room(s.length);
    const start = this.at;
    for (let k = 0; k < s.length; k++) this.buf[this.at++] = s.charCodeAt(k);
    return this.buf.subarray(start, this.at);
  }
  /** Decimal digits of a non-negative safe integer, `width` of them at least (zero-padded). */
  private digits(n: number, width: number): void {
    let len = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) len++;
    if (len < width) len = width;
    const end = this.at + len;
    for (let k = end - 1; k >= this.at; k--) {
      this.buf[k] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at = end;
  }
  /**
   * formatPoint(p) as bytes: on the common path (µs or ns resolution, whole fraction) the digits
   * are written here — `sec.nnnnnnnnn`, as formatTimestamp prints them — else the string is copied.
   */
  epoch(p: ReadPoint): Uint8Array {
    const ns = nsOf(p);
    if (ns < 0) return this.ascii(formatPoint(p));
    this.room(SLOT);
    const start = this.at;
    // Neighbouring flows mostly start in the same second: its digits are copied, not divided out.
    if (p.sec !== this.lastSec) {
      this.lastSec = p.sec;
      this.digits(p.sec, 1);
      this.secDigits = this.buf.slice(start, this.at);
    } else {
      this.buf.set(this.secDigits, this.at);
      this.at += this.secDigits.length;
    }
    this.buf[this.at++] = 46;
    // Nine digits of a fraction below 10^9: int32 arithmetic.
    for (let k = this.at + 8, x = ns; k >= this.at; k--) {
      this.buf[k] = 48 + (x % 10);
      x = (x / 10) | 0;
    }
    this.at += 9;
    return this.buf.subarray(start, this.at);
  }
  private lastSec = -1;
  private secDigits = new Uint8Array(0);
  /** An IPv4 address (a u32) as dotted-quad bytes. */
  ipv4(x: number): Uint8Array {
    this.room(SLOT);
    const start = this.at;
    for (let k = 24; k >= 0; k -= 8) {
      this.digits((x >>> k) & 255, 1);
      if (k > 0) this.buf[this.at++] = 46;
    }
    return this.buf.subarray(start, this.at);
  }
}

/** A point's fraction in nanoseconds when formatTimestamp prints it as `sec.<9 digits>` from these numbers, else -1. */
function nsOf(p: ReadPoint): number {
  if (!(p.sec >= 0 && p.sec <= 1e15 && Number.isInteger(p.sec) && Number.isInteger(p.frac) && p.frac >= 0 && p.frac < p.ups)) return -1;
  return p.ups === 1e9 ? p.frac : p.ups === 1e6 ? p.frac * 1000 : -1;
}

/**
 * The TIMESTAMP(MICROS) of a point: epochMicros(formatPoint(p)) — the printed time rounded down
 * to the microsecond — from the numbers on the common path.
 */
function micros(p: ReadPoint, epochMicros: (s: string) => bigint | null): bigint | null {
  const ns = nsOf(p);
  if (ns >= 0) {
    const us = p.sec * 1e6 + Math.floor(ns / 1000);
    if (Number.isSafeInteger(us)) return BigInt(us);
  }
  return epochMicros(formatPoint(p));
}

/** A point's packet number as a bigint, `firstBig` or `lastBig` when it is that packet; null without a point. */
function packet(p: ReadPoint | null, first: number, firstBig: bigint, last: number, lastBig: bigint): bigint | null {
  return p === null ? null : p.packet === first ? firstBig : p.packet === last ? lastBig : big(p.packet);
}

/**
 * A row group's columns, rows from..from+size of the store's flows (position i is flow id i + 1).
 * `reuse`: the previous group's columns, written over (the writer keeps no column once its group
 * is written): a group's 68 arrays were allocated, zeroed and collected again for every group.
 */
export function storeGroup(src: StoreSource, ctx: RowContext, from: number, size: number,
  strings: StringBytes, epochMicros: (s: string | null) => bigint | null, reuse: GroupColumns = new Map()): GroupColumns {
  const { store, findingsOf } = src;
  const arena = new Arena(size * SLOT * 5);
  const out = reuse;
  // Plain arrays filled in order from empty stay packed (new Array(n) is holey).
  const arr = (name: string): unknown[] => {
    let a = out.get(name);
    if (!Array.isArray(a)) out.set(name, (a = []));
    if (a.length > size) a.length = size;
    return a;
  };
  const i32 = (name: string): Int32Array => {
    let a = out.get(name);
    if (!(a instanceof Int32Array) || a.length !== size) out.set(name, (a = new Int32Array(size)));
    return a;
  };
  const constant = (name: string, v: unknown): void => {
    const a = arr(name);
    for (let i = 0; i < size; i++) a[i] = v;
  };

  constant('capture_path', strings.of(ctx.capturePath));
  constant('capture_start', ctx.captureStart === null ? null : strings.of(ctx.captureStart));
  constant('capture_end', ctx.captureEnd === null ? null : strings.of(ctx.captureEnd));
  constant('capture_start_ts', epochMicros(ctx.captureStart));
  constant('capture_end_ts', epochMicros(ctx.captureEnd));
  const id = arr('id');
  const clientIp = arr('client_ip');
  const clientPort = i32('client_port');
  const serverIp = arr('server_ip');
  const serverPort = i32('server_port');
  const roleBasis = arr('role_basis');
  const vlan = arr('vlan');
  const interfaces = arr('interfaces');
  const firstPacket = arr('first_packet');
  const lastPacket = arr('last_packet');
  const start = arr('start');
  const end = arr('end');
  const startTs = arr('start_ts');
  const endTs = arr('end_ts');
  const packetsClient = arr('packets_client');
  const packetsServer = arr('packets_server');
  const payloadClient = arr('payload_bytes_client');
  const payloadServer = arr('payload_bytes_server');
  const exchanges = arr('exchanges');
  const syn = i32('syn');
  const synRetx = i32('syn_retransmissions');
  const synAck = i32('syn_ack');
  const synAckRetx = i32('syn_ack_retransmissions');
  const synIv = arr('syn_intervals');
  const synAckIv = arr('syn_ack_intervals');
  const complete = arr('handshake_complete');
  const synPacket = arr('handshake_syn_packet');
  const synTime = arr('handshake_syn_time');
  const synAckPacket = arr('handshake_syn_ack_packet');
  const synAckTime = arr('handshake_syn_ack_time');
  const ackPacket = arr('handshake_ack_packet');
  const ackTime = arr('handshake_ack_time');
  const rtt = arr('handshake_rtt');
  const serverRtt = arr('handshake_server_rtt');
  const clientRtt = arr('handshake_client_rtt');
  const connectTime = arr('handshake_connect_time');
  const mSynPacket = arr('handshake_measured_syn_packet');
  const mSynTime = arr('handshake_measured_syn_time');
  const mSynAckPacket = arr('handshake_measured_syn_ack_packet');
  const mSynAckTime = arr('handshake_measured_syn_ack_time');
  const aSynAckPacket = arr('handshake_acked_syn_ack_packet');
  const aSynAckTime = arr('handshake_acked_syn_ack_time');
  const opts = (['client', 'server'] as const).map((side) => ({
    mss: arr(`options_${side}_mss`),
    windowScale: arr(`options_${side}_window_scale`),
    sackPermitted: arr(`options_${side}_sack_permitted`),
    timestamps: arr(`options_${side}_timestamps`),
    fastOpen: arr(`options_${side}_fast_open`),
  }));
  const synData = arr('syn_data');
  const simultaneousOpen = arr('simultaneous_open');
  const portReuse = arr('port_reuse');
  const reset = arr('reset');
  const finClient = arr('fin_client');
  const finServer = arr('fin_server');
  const state = arr('state');
  const history = arr('history');
  const completeness = i32('completeness');
  const findings = arr('findings');
  const findingCodes = arr('finding_codes');

  const single = new Map<number, [bigint[], Uint8Array[]]>();
  const first = newReadPoint();
  const last = newReadPoint();
  const pSyn = newReadPoint();
  const pSynAck = newReadPoint();
  const pAck = newReadPoint();
  // A run of flows with one server (a flood's) shares its address bytes.
  let lastServer = -1;
  let lastServerBytes: Uint8Array | null = null;
  let lastUs = -1;
  let lastUsBig: bigint | null = null;
  const us = (p: ReadPoint): bigint | null => {
    // Neighbouring flows often start in the same microsecond: one bigint for the run.
    const ns = nsOf(p);
    const key = ns >= 0 ? p.sec * 1e6 + Math.floor(ns / 1000) : -1;
    if (key >= 0 && key === lastUs) return lastUsBig;
    lastUs = key;
    return (lastUsBig = micros(p, epochMicros as (s: string) => bigint | null));
  };
  const time = (p: ReadPoint | null, same: number, sameBytes: Uint8Array): Uint8Array | null =>
    p === null ? null : p.packet === same ? sameBytes : arena.epoch(p);

  for (let i = 0; i < size; i++) {
    const fid = from + i + 1;
    const row = store.rowOfId(fid);
    if (row < 0) throw new Error(`flow at position ${from + i} is missing from the store`);
    const flags = store.value(C.flags, row);
    const v6 = (flags & V6) !== 0;
    const shape = store.shapeOf(row);
    id[i] = big(fid);
    clientIp[i] = v6 ? arena.ascii(store.addressOf(row, 'client')) : arena.ipv4(store.value(C.addr.client, row));
    clientPort[i] = store.value(C.port.client, row);
    if (v6) serverIp[i] = arena.ascii(store.addressOf(row, 'server'));
    else {
      const a = store.value(C.addr.server, row);
      if (a !== lastServer || lastServerBytes === null) {
        lastServer = a;
        lastServerBytes = arena.ipv4(a);
      }
      serverIp[i] = lastServerBytes;
    }
    serverPort[i] = store.value(C.port.server, row);
    roleBasis[i] = strings.of(BASES[(flags >> ROLE_SHIFT) & 3]);
    vlan[i] = shape.vlan;
    interfaces[i] = shape.interfaces;

    store.firstPoint(row, first);
    store.lastPoint(row, last);
    firstPacket[i] = big(first.packet);
    lastPacket[i] = big(last.packet);
    const startBytes = arena.epoch(first);
    const endBytes = last.packet === first.packet ? startBytes : arena.epoch(last);
    start[i] = startBytes;
    end[i] = endBytes;
    startTs[i] = us(first);
    endTs[i] = last.packet === first.packet ? startTs[i] : us(last);

    packetsClient[i] = big(store.value(C.packets.client, row));
    packetsServer[i] = big(store.value(C.packets.server, row));
    payloadClient[i] = big(store.value(C.payload.client, row));
    payloadServer[i] = big(store.value(C.payload.server, row));
    exchanges[i] = big(store.value(C.exchanges, row));
    syn[i] = store.value(C.syn, row);
    synRetx[i] = store.value(C.synRetx, row);
    synAck[i] = store.value(C.synAck, row);
    synAckRetx[i] = store.value(C.synAckRetx, row);
    const iv = store.intervalsOf(row);
    synIv[i] = iv && iv[0].length > 0 ? iv[0] : EMPTY;
    synAckIv[i] = iv && iv[1].length > 0 ? iv[1] : EMPTY;

    complete[i] = (flags & COMPLETE) !== 0;
    const s = (flags & HAS_SYN) !== 0 ? store.pointOf(row, SYN, pSyn) : null;
    const sa = (flags & HAS_SYNACK) !== 0 ? store.pointOf(row, SYNACK, pSynAck) : null;
    const a = (flags & HAS_ACK) !== 0 ? store.pointOf(row, ACK, pAck) : null;
    // A handshake packet is mostly the flow's first or last: its bigint is shared.
    synPacket[i] = packet(s, first.packet, firstPacket[i] as bigint, last.packet, lastPacket[i] as bigint);
    synTime[i] = time(s, first.packet, startBytes);
    synAckPacket[i] = packet(sa, first.packet, firstPacket[i] as bigint, last.packet, lastPacket[i] as bigint);
    synAckTime[i] = time(sa, last.packet, endBytes);
    ackPacket[i] = packet(a, first.packet, firstPacket[i] as bigint, last.packet, lastPacket[i] as bigint);
    ackTime[i] = time(a, last.packet, endBytes);
    const x = store.answeredOf(row);
    rtt[i] = handshakeSpan('rtt', x, s, sa, a);
    serverRtt[i] = handshakeSpan('serverRtt', x, s, sa, a);
    clientRtt[i] = handshakeSpan('clientRtt', x, s, sa, a);
    connectTime[i] = handshakeSpan('connectTime', x, s, sa, a);
    // The measured points are nearly always the first SYN / SYN-ACK: their bytes are reused.
    const ms = measuredPoint('measuredSyn', x, s, sa, a);
    mSynPacket[i] = ms === null ? null : ms === s ? synPacket[i] : big(ms.packet);
    mSynTime[i] = ms === null ? null : ms === s ? synTime[i] : arena.epoch(ms);
    const msa = measuredPoint('measuredSynAck', x, s, sa, a);
    mSynAckPacket[i] = msa === null ? null : msa === sa ? synAckPacket[i] : big(msa.packet);
    mSynAckTime[i] = msa === null ? null : msa === sa ? synAckTime[i] : arena.epoch(msa);
    const asa = measuredPoint('ackedSynAck', x, s, sa, a);
    aSynAckPacket[i] = asa === null ? null : asa === sa ? synAckPacket[i] : big(asa.packet);
    aSynAckTime[i] = asa === null ? null : asa === sa ? synAckTime[i] : arena.epoch(asa);

    for (let k = 0; k < 2; k++) {
      const o = k === 0 ? shape.options.client : shape.options.server;
      const c = opts[k];
      c.mss[i] = o.mss;
      c.windowScale[i] = o.windowScale;
      c.sackPermitted[i] = o.sackPermitted;
      c.timestamps[i] = o.timestamps;
      c.fastOpen[i] = strings.orNull(o.fastOpen);
    }
    synData[i] = big(store.value(C.synData, row));
    simultaneousOpen[i] = (flags & SIMULTANEOUS_OPEN) !== 0;
    portReuse[i] = (flags & PORT_REUSE) !== 0;
    reset[i] = strings.orNull(RESETS[(flags >> RESET_SHIFT) & 3]);
    finClient[i] = (flags & FIN_CLIENT) !== 0;
    finServer[i] = (flags & FIN_SERVER) !== 0;
    state[i] = strings.of(shape.state);
    history[i] = strings.of(shape.history);
    completeness[i] = shape.completeness;
    const ids = findingsOf.get(fid);
    if (ids === undefined || ids.length === 0) {
      findings[i] = EMPTY;
      findingCodes[i] = EMPTY;
    } else if (ids.length === 1) {
      // A flood's flows are each named by one finding, the same one: its lists are shared.
      let one = single.get(ids[0]);
      if (one === undefined) single.set(ids[0], (one = [[big(ids[0])], [strings.of(ctx.codeOf(ids[0]))]]));
      findings[i] = one[0];
      findingCodes[i] = one[1];
    } else {
      findings[i] = ids.map(big);
      findingCodes[i] = ids.map((f) => strings.of(ctx.codeOf(f)));
    }
  }
  return out;
}
