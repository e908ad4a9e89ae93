/**
 * Quiet half-open attempts in a compact form. A SYN flood keeps up to `maxLiveFlows` attempts
 * live until their retry horizon (limits.ts), each a full slab record (~1 KB) though it saw one
 * SYN and perhaps its SYN-ACK: ports, two ISNs, two packets' numbers and times, and constants.
 *
 * A parked flow keeps its FlowState (so the flow table, the sweep's order and every per-flow
 * list are untouched) but gives its slab record back; its numbers are kept as a pattern and a
 * few values. A pattern says, per slab slot, either the constant every flow of the pattern has
 * there or which of the flow's values it holds (slots that hold the same value share one).
 * Patterns are learnt from the flows themselves: when a flow fits no pattern, the one it came
 * nearest is widened (a slot that differed becomes a value; values that differed split), so a
 * flood settles on one or two patterns after a few flows.
 *
 * Exact by construction: a flow is parked only if every slot of its record equals what the
 * pattern and its values rebuild (same bits, -0 included), otherwise it stays as it was.
 */
import { addressWord } from '../decode/address';
import type { FlowState } from './flowState';
import { FLOW_STRIDE, V_DATA_SEEN, V_FIN, V_RST } from './flowState';
import { Slab, SlabChunk } from './slab';

/** Values a parked flow may have (a flood's attempt needs 11 to 13). */
const MAX_VALUES = 16;
/**
 * A parked record in 32-bit words: its pattern (low 16 bits) and which values are negative (high
 * 16 bits), both addresses (words 1..8), then its values, each a 32-bit integer (ports, ISNs,
 * packet numbers, seconds and their fractions, −1 for none): 104 bytes where values kept as
 * doubles took 168 (a 10^6-source flood's peak RSS 413 → 381 MiB). A flow with a value that is
 * no 32-bit integer (or is −0) is left as it is.
 */
const ADDR_WORDS = 1;
const VALUE_WORDS = ADDR_WORDS + 8;
/** In f64 slots, as the slab counts. */
const RECORD = (VALUE_WORDS + MAX_VALUES + 1) >> 1;
/** Patterns learnt at most: the kinds of quiet attempt a capture has are few. */
const MAX_PATTERNS = 64;
/**
 * A flow is considered for parking once this many newer flows have opened. Few, so that its
 * record is still in the core's cache when it is read, compared and released (and the next new
 * flow takes that record while it is there): at 4096, ~5 MB of records later, every park read a
 * cold 1 KB record, and the 1 GiB bench mix read 0.25 s slower, a 10^6-source flood 0.3 s. A
 * flood's SYN-ACK comes within a few flows when the capture is taken at the server (the bench's
 * follow 25 µs later: 13 flows at 500,000 SYN/s); one that comes later wakes the flow, which is
 * parked again LAG flows on.
 */
const LAG = 256;
/** A flow's slab record in bytes. */
const RECORD_BYTES = 8 * FLOW_STRIDE;

interface Pattern {
  /** Per slot: the constant (for slots with no value). */
  readonly row: Float64Array;
  /** Per slot: the value it holds, or −1 for the constant. */
  readonly index: Int8Array;
  /** Per value: the first slot holding it. */
  readonly leader: Int16Array;
  /** The slots holding a value, in order (what `restore` writes over the constants). */
  readonly slots: Int16Array;
  /** What `fits` compares a record with: `row` with the record's values written over their slots, as bytes. */
  readonly expect: Float64Array;
  readonly expectBytes: Buffer;
}

/** Same number, same bits: 0 and −0 differ (every value here is a number read from the slab). */
function same(x: number, y: number): boolean {
  // Object.is(v, -0) compiles to a sign-bit test; 1 / v was a division per zero slot.
  return x === y && (x !== 0 || Object.is(x, -0) === Object.is(y, -0));
}

export class Parking {
  private readonly patterns: Pattern[] = [];
  /**
   * Pattern numbers, the one a flow last fitted first: tried in that order. A capture's patterns
   * come in runs (learnt per second of capture until one keeps the second as a value), and trying
   * them in the order they were learnt, after the last one, took ~12 misfits per change of pattern
   * on the 1 GiB bench mix (497,000 compares for 233,000 parked flows).
   */
  private readonly order: number[] = [];
  /**
   * Parked records, in a slab of their own: it hands out the lowest free record and frees a
   * chunk once it is empty, so after a flood the parked records' memory goes back.
   */
  private readonly records = new Slab(RECORD, { addrs: false, zeroed: false });
  /** Flows in the order they opened, with their ids (a FlowState is reused for later flows). */
  private readonly queue: (FlowState | null)[] = new Array<FlowState | null>(LAG).fill(null);
  private readonly queueIds = new Float64Array(LAG);
  private queueAt = 0;
  /** Flows parked now. */
  size = 0;
  /** Misfits still to leave as they are before the next try at learning, and the next such wait. */
  private skip = 0;
  private backoff = 0;

  constructor(private readonly slab: Slab) {}

  /** A flow opened (or woke up): the flow opened LAG flows before it is parked if it can be. */
  opened(f: FlowState): void {
    const i = this.queueAt;
    const old = this.queue[i];
    if (old !== null && old !== f && old.id === this.queueIds[i] && old.slot >= 0 && old.parked < 0 && quiet(old)) this.park(old);
    this.queue[i] = f;
    this.queueIds[i] = f.id;
    this.queueAt = i + 1 === LAG ? 0 : i + 1;
  }

  /** A parked flow's slot `slot`, without unparking it. */
  get(f: FlowState, slot: number): number {
    const r = f.parked;
    const w = this.records.chunk(r).w;
    const at = 2 * this.records.offset(r);
    const head = w[at];
    const p = this.patterns[head & 0xffff];
    const k = p.index[slot];
    return k < 0 ? p.row[slot] : valueOf(w[at + VALUE_WORDS + k], head, k);
  }

  /** Gives a parked flow a slab record again, with the numbers it had. */
  unpark(f: FlowState): void {
    const r = f.parked;
    f.take(this.slab);
    this.restore(r, f);
  }

  /**
   * A parked flow that is being finished: its numbers are rebuilt in one scratch record, reused
   * for every such flow, instead of a slab record that would be zeroed, filled and released at
   * once (a flood's attempts are nearly all finished while parked). Valid until the next call.
   */
  lend(f: FlowState): void {
    const r = f.parked;
    f.borrow(this.scratch);
    this.restore(r, f);
  }
  private readonly scratch = new SlabChunk(FLOW_STRIDE, 1);

  /** Writes parked record `r`'s numbers and addresses where `f` points now, and frees `r`. */
  private restore(r: number, f: FlowState): void {
    const w = this.records.chunk(r).w;
    const at = 2 * this.records.offset(r);
    const head = w[at];
    const { row, index, slots, leader } = this.patterns[head & 0xffff];
    const values = this.values;
    for (let k = 0; k < leader.length; k++) values[k] = valueOf(w[at + VALUE_WORDS + k], head, k);
    const a = f.s.a;
    const o = f.o;
    // The constants in one copy (same bits), then the flow's values over their slots.
    a.set(row, o);
    for (let j = 0; j < slots.length; j++) {
      const i = slots[j];
      a[o + i] = values[index[i]];
    }
    const addrs = f.s.addrs;
    const b = f.addrAt;
    for (let j = 0; j < 8; j++) {
      const x = w[at + ADDR_WORDS + j];
      addrs[b + 4 * j] = x >>> 24;
      addrs[b + 4 * j + 1] = (x >>> 16) & 255;
      addrs[b + 4 * j + 2] = (x >>> 8) & 255;
      addrs[b + 4 * j + 3] = x & 255;
    }
    f.parked = -1;
    this.records.release(r);
    this.size--;
  }
  /** A parked record's values, as numbers again (restore). */
  private readonly values = new Float64Array(MAX_VALUES);

  private park(f: FlowState): void {
    const a = f.s.a;
    const o = f.o;
    const bytes = f.s.bytes;
    const order = this.order;
    let p = -1;
    for (let j = 0; j < order.length && p < 0; j++) p = this.fits(a, bytes, o, order[j]);
    if (p < 0 && this.skip > 0) {
      this.skip--;
      return;
    }
    if (p < 0) p = this.learn(a, bytes, o);
    if (p < 0) {
      // Learning scans every pattern: after each fruitless try, skip twice as many misfits.
      this.backoff = Math.min(this.backoff * 2 || 1, 1024);
      this.skip = this.backoff;
      return;
    }
    this.backoff = 0;
    if (order[0] !== p) {
      order.copyWithin(1, 0, order.indexOf(p));
      order[0] = p;
    }
    const { leader } = this.patterns[p];
    let negative = 0;
    for (let k = 0; k < leader.length; k++) {
      const v = a[o + leader[k]];
      if ((v >>> 0) === v) {
        if (v === 0 && Object.is(v, -0)) return;
      } else if ((v | 0) === v) negative |= 1 << k;
      else return;
    }
    const r = this.records.alloc();
    const w = this.records.chunk(r).w;
    const at = 2 * this.records.offset(r);
    w[at] = p | (negative << 16);
    const addrs = f.s.addrs;
    const b = f.addrAt;
    for (let j = 0; j < 8; j++) {
      w[at + ADDR_WORDS + j] = addressWord(addrs, b + 4 * j);
    }
    // Int32Array stores wrap: a value of 2^31 or more reads back negative and valueOf undoes it.
    for (let k = 0; k < leader.length; k++) w[at + VALUE_WORDS + k] = a[o + leader[k]];
    f.giveBack(this.slab);
    f.parked = r;
    this.size++;
  }

  /**
   * Pattern `p` if the record at `o` fits it, else −1: the record must be, byte for byte, what
   * `restore` would rebuild from its values (−0 is not 0), so the constants and its values
   * (each value's slots set from its first one) are laid out and compared in one native
   * memcmp. Compared slot by slot in JS, as two 32-bit words each, this was half of parking.
   */
  private fits(a: Float64Array, bytes: Buffer, o: number, p: number): number {
    const x = this.patterns[p];
    if (x === undefined) return -1;
    const { expect, index, leader, slots } = x;
    for (let j = 0; j < slots.length; j++) {
      const i = slots[j];
      expect[i] = a[o + leader[index[i]]];
    }
    return bytes.compare(x.expectBytes, 0, RECORD_BYTES, 8 * o, 8 * o + RECORD_BYTES) === 0 ? p : -1;
  }

  /**
   * A new pattern for the record at `o`: the nearest pattern, or else the last record that fitted
   * none, widened to fit it; −1 (and this record kept for the next try) when either needs more
   * than MAX_VALUES values, or no more patterns may be made.
   */
  private learn(a: Float64Array, bytes: Buffer, o: number): number {
    if (this.patterns.length >= MAX_PATTERNS) return -1;
    let best: Pattern | null = null;
    let bestMiss = Infinity;
    for (const x of this.patterns) {
      const miss = misses(x, a, o);
      if (miss < bestMiss) {
        bestMiss = miss;
        best = x;
      }
    }
    const row = a.slice(o, o + FLOW_STRIDE);
    let made = best !== null ? widen(best, row) : null;
    if (made === null && this.misfit !== null) made = widen(constants(this.misfit), row);
    if (made === null) {
      this.misfit = row;
      return -1;
    }
    this.patterns.push(made);
    this.order.push(this.patterns.length - 1);
    return this.fits(a, bytes, o, this.patterns.length - 1);
  }
  /** The last record that fitted no pattern: with the next such record it may make one. */
  private misfit: Float64Array | null = null;

  /** Chunks of parked records held now (tests). */
  get chunkCount(): number {
    return this.records.chunkCount;
  }
}

/**
 * How many of `x`'s constants the record at `o` differs from. Its own function: the loop made
 * `learn`, run a few dozen times, hot enough to be compiled whole with `widen` inlined (~25 ms of
 * TurboFan on the 100 MB bench mix); this small loop compiles cheaply instead.
 */
function misses(x: Pattern, a: Float64Array, o: number): number {
  const { index, row } = x;
  let miss = 0;
  for (let i = 0; i < FLOW_STRIDE; i++) if (index[i] < 0 && !same(a[o + i], row[i])) miss++;
  return miss;
}

/** Value `k` of a parked record from its word `x` (read signed) and the record's header. */
function valueOf(x: number, head: number, k: number): number {
  return (head >>> (16 + k)) & 1 ? x : x >>> 0;
}

/** A pattern of one record: every slot a constant. */
function constants(row: Float64Array): Pattern {
  return pattern(row, new Int8Array(FLOW_STRIDE).fill(-1), []);
}

/** A pattern from its constants (`row`), each slot's value (−1: constant) and each value's first slot. */
function pattern(row: Float64Array, index: Int8Array, leader: number[]): Pattern {
  const slots: number[] = [];
  for (let i = 0; i < FLOW_STRIDE; i++) if (index[i] >= 0) slots.push(i);
  const expect = row.slice();
  return {
    row, index, leader: Int16Array.from(leader), slots: Int16Array.from(slots),
    expect, expectBytes: Buffer.from(expect.buffer, expect.byteOffset, expect.byteLength),
  };
}

/**
 * `x` widened to fit `row`: a slot that differed becomes a value, and slots share a value when
 * they shared one (or the same constant) before and agree in `row` too. Null past MAX_VALUES
 * values. A slot's group is found among the values so far (at most 16) by comparing with the
 * group's first slot, not by a string key in a Map: that made a large function to compile.
 */
function widen(x: Pattern, row: Float64Array): Pattern | null {
  const index = new Int8Array(FLOW_STRIDE).fill(-1);
  const leader: number[] = [];
  for (let i = 0; i < FLOW_STRIDE; i++) {
    const was = x.index[i];
    if (was < 0 && same(row[i], x.row[i])) continue;
    let k = 0;
    while (k < leader.length && !together(x, row, leader[k], i)) k++;
    if (k === leader.length) {
      if (k === MAX_VALUES) return null;
      leader.push(i);
    }
    index[i] = k;
  }
  return pattern(row, index, leader);
}

/** Whether slot `i` may share slot `j`'s value: the same value in `x` (or the same constant), and the same number in `row`. */
function together(x: Pattern, row: Float64Array, j: number, i: number): boolean {
  const was = x.index[j];
  return was === x.index[i] && (was >= 0 || Object.is(x.row[j], x.row[i])) && Object.is(row[j], row[i]);
}

/** A quiet half-open attempt: no handshake ACK, no data, no FIN or RST either way. */
function quiet(f: FlowState): boolean {
  const a = f.s.a;
  const o = f.o;
  return !f.hasAck && !a[o + V_DATA_SEEN] && !a[o + V_DATA_SEEN + 1] && !a[o + V_RST] && !a[o + V_RST + 1] && !a[o + V_FIN] && !a[o + V_FIN + 1];
}
