/**
 * Every finished flow of a capture, kept in compact columns (about 100 bytes an IPv4 flow), so
 * stories, findings and charts see every flow while only the flows that are printed or shown
 * become `Flow` objects (`flow(id)`, built on demand with the same fields and values as
 * buildFlow gives a live flow).
 *
 * A flow is stored client first (roles are decided when it finishes), with its time points as
 * the file recorded them (seconds, fraction, resolution), so printed times and RTTs are exactly
 * those of the live flow. Strings and small objects that many flows share (histories, option
 * sets, VLAN/interface lists, resolutions) are interned and stored as indexes.
 */
import { addressWord } from '../decode/address';
import { IntervalPool } from './intervalPool';
import { countPair, FINS, flowFacts, int, newFlowFacts, type FlowFacts } from '../engine/buildFlow';
import { OptionSets } from '../engine/optionSets';
import { NONE, P_ACK, P_FIRST, P_SYN, P_SYNACK, type FlowState } from '../engine/flowState';
import { V_FIN, V_PACKETS, V_PAYLOAD, V_SYN_DATA, V_TURNS } from '../engine/flowState';
import type { Flow } from '../engine/result';
import type { StoryFlow } from '../stories/storyFlow';
import { roleBasisIndex } from '../engine/roles';
import { formatPoint, fracToNs, POINT } from '../engine/time';
import { ColumnStore, type Chunk, type Column } from './columns';
import {
  LAYOUT, C, V6, ROLE_SHIFT, COMPLETE, SIMULTANEOUS_OPEN, PORT_REUSE, RESET_SHIFT, FIN_CLIENT, FIN_SERVER, HAS_SYN, HAS_SYNACK, HAS_ACK, HAS_INTERVALS, CUT_OFF, FORCED, BASES, RESETS, resetIndex, LAST, SYN, SYNACK, ACK, newReadPoint,
  type Point, type Shape, type ReadPoint,
} from './rowLayout';
export { FLOW_ROW_BYTES } from './rowLayout';
import { Shapes } from './shapes';
import { RowIndex } from './rowIndex';
import { Glance } from './glance';
import { V6List } from './v6List';
import { V4Names } from './v4Names';
import { AnsweredPoints, handshakeSpan, storedHandshake, type Answered } from './answered';
import { WireFacts } from './wireFacts';
import type { WireRow } from './wireFacts';

export class FlowStore {
  /**
   * `sets`: the analysis's shared option sets (a store of its own when used alone); `keepWire`:
   * also keep each flow's wire facts, for correlation (wireFacts.ts).
   */
  constructor(sets: OptionSets = new OptionSets(), keepWire = false) {
    this.wire = keepWire ? new WireFacts() : null;
    this.shapes = new Shapes(sets);
  }

  private readonly wire: WireFacts | null;

  private readonly rows = new ColumnStore(LAYOUT.list);
  /** Row of each flow id (ids are dense from 1; rows are in the order flows finished). */
  private readonly rowOf = new RowIndex();
  private readonly v6 = new V6List();
  private readonly shapes: Shapes;
  private readonly intervals = new IntervalPool();
  /** The few flows whose RTT is not measured from their first SYN, or with duplicates (answered.ts). */
  private readonly answered = new AnsweredPoints();
  private readonly facts: FlowFacts = newFlowFacts();
  /** The row being added, one value per column (ColumnStore.setRow). */
  private readonly vals = new Float64Array(LAYOUT.list.length);

  /** Flows stored. */
  get size(): number {
    return this.rows.size;
  }

  has(id: number): boolean {
    return this.rowOf.get(id) >= 0;
  }

  /** Bytes held by the columns, index and side tables (interned values not counted). */
  bytes(): number {
    return this.rows.bytes() + this.rowOf.bytes() + this.v6.bytes() + this.intervals.bytes() + this.answered.bytes() + (this.wire?.bytes() ?? 0);
  }

  /** Stores a finished flow (its state is reused afterwards: everything is copied); `facts`: the analyzer's (cutOff, forced). */
  add(f: FlowState, facts?: FlowFacts): void {
    const k = facts ?? flowFacts(f, this.facts);
    const r = this.rows;
    const row = r.addRow();
    this.rowOf.set(f.id, row);
    const c = k.client;
    const s = 1 - c;
    const a = f.s.a;
    const o = f.o;
    const hasSyn = f.firstSynSide === c;
    const hasSynAck = f.firstSynAckSide === s;
    const finC = a[o + V_FIN + c] > 0;
    const finS = a[o + V_FIN + s] > 0;
    // `?? NO_INTERVALS`, not `?.[c]`: an index first taken by the first flow with intervals (a
    // retransmitted SYN-ACK, late in a flood) had no type feedback and threw add's code away.
    const synIv = (f.synIntervals ?? NO_INTERVALS)[c];
    const synAckIv = (f.synAckIntervals ?? NO_INTERVALS)[s];
    const hasIntervals = synIv.length > 0 || synAckIv.length > 0;
    // Each bit by a conditional expression, not an `if`: an `if` whose body no flow had run yet
    // has no type feedback, and the first flow to run it (k.cutOff: the flows the capture's end
    // cuts off) threw the optimised add away and had it compiled again.
    const flags = (roleBasisIndex(f) << ROLE_SHIFT) | (resetIndex(k.reset) << RESET_SHIFT) |
      (f.ipVersion === 6 ? V6 : 0) | (k.complete ? COMPLETE : 0) | (k.simultaneousOpen ? SIMULTANEOUS_OPEN : 0) |
      (k.portReuse ? PORT_REUSE : 0) | (finC ? FIN_CLIENT : 0) | (finS ? FIN_SERVER : 0) | (hasSyn ? HAS_SYN : 0) |
      (hasSynAck ? HAS_SYNACK : 0) | (f.hasAck ? HAS_ACK : 0) | (k.cutOff ? CUT_OFF : 0) | (k.forced ? FORCED : 0) |
      (hasIntervals ? HAS_INTERVALS : 0);
    this.answered.note(row, f, k, hasSyn, hasSynAck);
    if (hasIntervals) this.intervals.add(row, synIv, synAckIv);
    const v = this.vals;
    // The values are reused from the last row: zeroed first, so a column a later change forgets to
    // write here reads 0, not the previous flow's value (writing every column without it measured
    // no faster).
    v.fill(0);
    v[C.flags.index] = flags;
    this.setAddress(v, C.addr.client, f, c);
    this.setAddress(v, C.addr.server, f, s);
    v[C.port.client.index] = c === 0 ? f.port0 : f.port1;
    v[C.port.server.index] = s === 0 ? f.port0 : f.port1;
    const zeek = f.zeek;
    v[C.shape.index] = this.shapes.of(f, k, zeek.connState(), zeek.history, hasSyn, hasSynAck, this.size);
    const firstPacket = f.pointPacket(P_FIRST);
    const firstSec = f.pointSec(P_FIRST);
    v[C.firstPacket.index] = firstPacket;
    v[C.firstSec.index] = firstSec;
    v[C.firstFrac.index] = a[o + P_FIRST + POINT.frac];
    setPoint(v, LAST, f.lastPacket - firstPacket, f.lastSec - firstSec, f.lastFrac);
    setSlabPoint(v, SYN, hasSyn, a, o + P_SYN, firstPacket, firstSec);
    setSlabPoint(v, SYNACK, hasSynAck, a, o + P_SYNACK, firstPacket, firstSec);
    setSlabPoint(v, ACK, f.hasAck, a, o + P_ACK, firstPacket, firstSec);
    v[C.packets.client.index] = a[o + V_PACKETS + c];
    v[C.packets.server.index] = a[o + V_PACKETS + s];
    v[C.payload.client.index] = a[o + V_PAYLOAD + c];
    v[C.payload.server.index] = a[o + V_PAYLOAD + s];
    v[C.exchanges.index] = a[o + V_TURNS + c];
    v[C.syn.index] = k.syn;
    v[C.synRetx.index] = k.synRetx;
    v[C.synAck.index] = k.synAck;
    v[C.synAckRetx.index] = k.synAckRetx;
    v[C.synData.index] = a[o + V_SYN_DATA + c];
    r.setRow(row, v);
    this.wire?.add(row, f, c);
  }

  /**
   * Side `side`'s address into the row's values: an IPv4 address itself, an IPv6 one's index in
   * the IPv6 list. Written here rather than returned: a returned address above 64.0.0.0 is no
   * small integer and took a heap box of its own (5 MB a run of the 1 GiB bench mix).
   */
  private setAddress(v: Float64Array, col: Column, f: FlowState, side: number): void {
    const b = f.s.addrs;
    const at = f.addrOf(side);
    v[col.index] = f.ipVersion === 6 ? this.v6.add(b, at) : addressWord(b, at) >>> 0;
  }

  /** One of the row's time points, its shape and first packet's number and second given (a reader of every row has them at hand). */
  readPoint(row: number, p: Point, shape: Shape, firstPacket: number, firstSec: number, out: ReadPoint): ReadPoint {
    const r = this.rows;
    out.packet = firstPacket + r.get(p.packet, row);
    out.sec = firstSec + r.get(p.sec, row);
    out.frac = r.get(p.frac, row);
    out.ups = shape.ups[p.at];
    out.ns = fracToNs(out.frac, out.ups);
    return out;
  }

  private address(row: number, col: Column, v6: boolean): string {
    const x = this.rows.get(col, row);
    return v6 ? this.v6.format(x) : this.v4Names(col === C.addr.client ? 'client' : 'server').name(x);
  }

  /** The IPv4 addresses of one side as text (a side's own: a flood's random clients do not push out its servers). */
  v4Names(side: 'client' | 'server'): V4Names {
    return side === 'client' ? this.clientNames : this.serverNames;
  }
  private readonly clientNames = new V4Names();
  private readonly serverNames = new V4Names();

  /**
   * Flow `id` as the stories read it, from the columns without building it (glance.ts): one
   * reused view, valid until the next call; undefined when the id is not stored.
   */
  glance(id: number): StoryFlow | undefined {
    const row = this.rowOf.get(id);
    return row < 0 ? undefined : this.glancer.at(id, row);
  }
  private readonly glancer = new Glance(this);

  /** The row's SYN retransmission intervals (flow(id).synIntervals); only for rows that have intervals. */
  synIntervalsOf(row: number): number[] {
    const iv = this.intervals.first(row);
    return iv && iv.length > 0 ? iv : (NONE as number[]);
  }

  completeOf(row: number): boolean {
    return (this.rows.get(C.flags, row) & COMPLETE) !== 0;
  }

  /** What the flow's findings were decided on besides its Flow fields (FlowFacts), by id. */
  factsOf(id: number): { synDup: number; synAckDup: number; cutOff: boolean; forced: boolean } | undefined {
    const row = this.rowOf.get(id);
    const flags = row < 0 ? 0 : this.rows.get(C.flags, row);
    const x = this.answered.of(row);
    return row < 0 ? undefined : { synDup: x?.synDup ?? 0, synAckDup: x?.synAckDup ?? 0, cutOff: (flags & CUT_OFF) !== 0, forced: (flags & FORCED) !== 0 };
  }


  /** Row of flow `id` (-1: not stored); what StoredFields reads by. */
  rowOfId(id: number): number {
    return this.rowOf.get(id);
  }

  /** The column arrays holding row's values (columns.ts chunkOf). */
  chunkOf(row: number): Chunk {
    return this.rows.chunkOf(row);
  }

  /** One column's value of a row. */
  value(col: Column, row: number): number {
    return this.rows.get(col, row);
  }

  /** The row's interned shape (state, history, options, VLANs, interfaces, resolutions). */
  shapeOf(row: number): Shape {
    return this.shapes.value(this.rows.get(C.shape, row));
  }
  /** The interned shape with this index (column C.shape's value). */
  shapeAt(index: number): Shape {
    return this.shapes.value(index);
  }

  hasSyn(row: number): boolean {
    return (this.rows.get(C.flags, row) & HAS_SYN) !== 0;
  }

  isV6(row: number): boolean {
    return (this.rows.get(C.flags, row) & V6) !== 0;
  }

  addressOf(row: number, side: 'client' | 'server'): string {
    return this.address(row, C.addr[side], this.isV6(row));
  }

  /** The row's first and last packet's time points (the Flow's start and end). */
  firstPoint(row: number, out: ReadPoint): ReadPoint {
    out.packet = this.rows.get(C.firstPacket, row);
    out.sec = this.rows.get(C.firstSec, row);
    out.frac = this.rows.get(C.firstFrac, row);
    out.ups = this.shapeOf(row).ups[0];
    out.ns = fracToNs(out.frac, out.ups);
    return out;
  }
  lastPoint(row: number, out: ReadPoint): ReadPoint {
    return this.pointOf(row, LAST, out);
  }
  /** One of the row's time points (LAST, SYN, SYNACK, ACK of rowLayout). */
  pointOf(row: number, p: Point, out: ReadPoint): ReadPoint {
    return this.readPoint(row, p, this.shapeOf(row), this.rows.get(C.firstPacket, row), this.rows.get(C.firstSec, row), out);
  }

  /** The row's handshake points beyond its first SYN / SYN-ACK / ACK (answered.ts), if it has any. */
  answeredOf(row: number): Answered | undefined {
    return this.answered.of(row);
  }

  /** The row's SYN and SYN-ACK intervals (client's, server's), or null when it has none. */
  intervalsOf(row: number): [number[], number[]] | null {
    return (this.rows.get(C.flags, row) & HAS_INTERVALS) !== 0 ? this.intervals.get(row) : null;
  }

  /** The row's wire facts into `out` (attempt.ts); false when the analysis kept none. */
  wireOf(row: number, out: WireRow): boolean {
    if (!this.wire) return false;
    this.wire.read(row, out);
    return true;
  }

  /** One of the row's handshake times, as flow(id).handshake has it, without building the flow. */
  handshakeSpan(row: number, which: 'rtt' | 'serverRtt' | 'clientRtt'): number | null {
    const r = this.rows;
    const flags = r.get(C.flags, row);
    const shape = this.shapeOf(row);
    const firstPacket = r.get(C.firstPacket, row);
    const firstSec = r.get(C.firstSec, row);
    const [a, b, c] = this.scratch;
    const syn = (flags & HAS_SYN) !== 0 ? this.readPoint(row, SYN, shape, firstPacket, firstSec, a) : null;
    const synAck = (flags & HAS_SYNACK) !== 0 ? this.readPoint(row, SYNACK, shape, firstPacket, firstSec, b) : null;
    const ack = (flags & HAS_ACK) !== 0 ? this.readPoint(row, ACK, shape, firstPacket, firstSec, c) : null;
    return handshakeSpan(which, this.answered.of(row), syn, synAck, ack);
  }
  private readonly scratch = [newReadPoint(), newReadPoint(), newReadPoint()] as const;
  private readonly flowScratch = [newReadPoint(), newReadPoint(), newReadPoint(), newReadPoint()] as const;

  /**
   * The flow with this id as the JSON contract has it, or undefined when it is not stored (yet).
   * `findings`: the ids of the findings naming it (the caller's index).
   */
  flow(id: number, findings: number[] = []): Flow | undefined {
    const row = this.rowOf.get(id);
    if (row < 0) return undefined;
    const r = this.rows;
    const flags = r.get(C.flags, row);
    const v6 = (flags & V6) !== 0;
    const firstPacket = r.get(C.firstPacket, row);
    const firstSec = r.get(C.firstSec, row);
    const firstFrac = r.get(C.firstFrac, row);
    const shape = this.shapes.value(r.get(C.shape, row));
    const firstUps = shape.ups[0];
    const start = formatPoint({ sec: firstSec, frac: firstFrac, ups: firstUps });
    // The points are read into scratch objects: storedHandshake keeps none of them.
    const [pl, ps, psa, pa] = this.flowScratch;
    const last = this.readPoint(row, LAST, shape, firstPacket, firstSec, pl);
    const lastPacket = last.packet;
    const end = lastPacket === firstPacket ? start : formatPoint(last);
    const syn = (flags & HAS_SYN) !== 0 ? this.readPoint(row, SYN, shape, firstPacket, firstSec, ps) : null;
    const synAck = (flags & HAS_SYNACK) !== 0 ? this.readPoint(row, SYNACK, shape, firstPacket, firstSec, psa) : null;
    const ack = (flags & HAS_ACK) !== 0 ? this.readPoint(row, ACK, shape, firstPacket, firstSec, pa) : null;
    const iv = (flags & HAS_INTERVALS) !== 0 ? this.intervals.get(row) : null;
    return {
      id,
      client: { ip: this.address(row, C.addr.client, v6), port: r.get(C.port.client, row) },
      server: { ip: this.address(row, C.addr.server, v6), port: r.get(C.port.server, row) },
      roleBasis: BASES[(flags >> ROLE_SHIFT) & 3],
      vlan: shape.vlan,
      interfaces: shape.interfaces,
      firstPacket: int(firstPacket),
      lastPacket: int(lastPacket),
      start,
      end,
      packets: countPair(r.get(C.packets.client, row), r.get(C.packets.server, row)),
      payloadBytes: countPair(r.get(C.payload.client, row), r.get(C.payload.server, row)),
      exchanges: r.get(C.exchanges, row),
      syn: r.get(C.syn, row),
      synRetransmissions: r.get(C.synRetx, row),
      synAck: r.get(C.synAck, row),
      synAckRetransmissions: r.get(C.synAckRetx, row),
      synIntervals: iv && iv[0].length > 0 ? iv[0] : (NONE as number[]),
      synAckIntervals: iv && iv[1].length > 0 ? iv[1] : (NONE as number[]),
      handshake: storedHandshake((flags & COMPLETE) !== 0, this.answered.of(row), syn, synAck, ack, firstPacket, start, lastPacket, end),
      options: shape.options,
      synData: r.get(C.synData, row),
      simultaneousOpen: (flags & SIMULTANEOUS_OPEN) !== 0,
      portReuse: (flags & PORT_REUSE) !== 0,
      reset: RESETS[(flags >> RESET_SHIFT) & 3],
      fin: FINS[((flags & FIN_CLIENT) !== 0 ? 1 : 0) + ((flags & FIN_SERVER) !== 0 ? 2 : 0)],
      state: shape.state,
      history: shape.history,
      completeness: shape.completeness,
      findings,
    };
  }
}

/** A flow's SYN and SYN-ACK intervals when it has none (FlowState keeps null). */
const NO_INTERVALS: readonly (readonly number[])[] = [NONE, NONE];

/** Time point `p` into the row's values: relative to the first packet, as the columns keep it. */
function setPoint(v: Float64Array, p: Point, packets: number, secs: number, frac: number): void {
  v[p.packet.index] = packets;
  v[p.sec.index] = secs;
  v[p.frac.index] = frac;
}

/** The slab's time point at `at`, when the flow has one, else zeros. */
function setSlabPoint(v: Float64Array, p: Point, has: boolean, a: Float64Array, at: number, firstPacket: number, firstSec: number): void {
  // Read either way, and picked by conditional expressions: a branch first taken late (the
  // first flow with an ACK) would throw add's compiled code away.
  const packet = a[at + POINT.packet] - firstPacket;
  const sec = a[at + POINT.sec] - firstSec;
  const frac = a[at + POINT.frac];
  setPoint(v, p, has ? packet : 0, has ? sec : 0, has ? frac : 0);
}
