/**
 * Open-addressing hash table from a segment's 4-tuple (+ VLAN ids) to the flow it belongs to,
 * either direction. The hash is computed from the address bytes and ports with integer
 * arithmetic only, so a lookup allocates nothing (a Map keyed by strings would build one
 * string per packet).
 */
import { addressWord } from '../decode/address';
import type { TcpSegment } from '../decode/types';
import type { FlowState } from './flowState';

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * A random 32-bit key per Analyzer, mixed into every table hash: with a fixed hash a crafted
 * capture of colliding 4-tuples would make each lookup walk the whole probe chain (hash
 * flooding). Output never depends on hash order (flows are numbered and kept by first packet).
 */
export function newHashSeed(): number {
  // Signed, so V8 keeps it a small integer: a seed ≥ 2^31 would be a heap number, copied
  // into a fresh box on every call that passes it (once per packet).
  const a = new Int32Array(1);
  crypto.getRandomValues(a);
  return a[0];
}

function endpointHash(addr: Uint8Array, n: number, port: number, seed: number): number {
  let h = fmix((port + 0x9e3779b9) ^ seed);
  for (let i = 0; i < n; i += 4) {
    h = fmix(h ^ Math.imul(addressWord(addr, i), 0xcc9e2d51));
  }
  return h;
}

/**
 * Same value for both directions of a connection. A signed 32-bit integer: V8 keeps those
 * unboxed, where half of all unsigned hashes (≥ 2^31) would be a heap number per packet.
 */
export function segmentHash(seg: TcpSegment, useVlan: boolean, seed: number): number {
  const n = seg.ipVersion === 6 ? 16 : 4;
  let h = (endpointHash(seg.src, n, seg.srcPort, seed) + endpointHash(seg.dst, n, seg.dstPort, seed)) | 0;
  if (useVlan) for (let i = 0; i < seg.vlanCount; i++) h = Math.imul(h ^ seg.vlan[i], 0x9e3779b1);
  return fmix(h ^ seg.ipVersion);
}

/**
 * A second hash of the 4-tuple, independent of segmentHash (other constants, other order),
 * for the set of flows finished early. Signed, like segmentHash, so it is never a heap number
 * (PairSet reads both halves as unsigned).
 */
export function tupleHash2(seed: number, a: Uint8Array, pa: number, b: Uint8Array, pb: number, ipVersion: number, aAt = 0, bAt = 0): number {
  const n = ipVersion === 6 ? 16 : 4;
  // The sums are cut to 32 bits before fmix (`| 0`, which fmix's own operators did anyway): a
  // sum past 2^31 reached fmix as a heap number and threw away its optimised code.
  return fmix(((sideHash2(a, aAt, n, pa, seed) ^ sideHash2(b, bAt, n, pb, seed)) + ipVersion * 0x3c6ef372) | 0);
}

function sideHash2(x: Uint8Array, at: number, n: number, p: number, seed: number): number {
  let h = fmix(Math.imul(p ^ 0x27d4eb2f ^ seed, 0x165667b1));
  for (let i = at + n - 4; i >= at; i -= 4) {
    h = fmix((h + Math.imul(addressWord(x, i) ^ 0x61c88647, 0x85ebca77)) | 0);
  }
  return h;
}

function sameAddr(a: Uint8Array, b: Uint8Array, at: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[at + i]) return false;
  return true;
}

/** Which side of `f` sent `seg` (0: the sender of its first packet), or −1: `seg` is not of this flow. */
function flowSide(f: FlowState, seg: TcpSegment, useVlan: boolean): number {
  if (f.ipVersion !== seg.ipVersion) return -1;
  if (useVlan) {
    if (f.keyVlan.length !== seg.vlanCount) return -1;
    for (let i = 0; i < seg.vlanCount; i++) if (f.keyVlan[i] !== seg.vlan[i]) return -1;
  }
  const n = seg.ipVersion === 6 ? 16 : 4;
  const a = f.s.addrs;
  const at0 = f.addrOf(0);
  const at1 = f.addrOf(1);
  if (seg.srcPort === f.port0 && seg.dstPort === f.port1 && sameAddr(seg.src, a, at0, n) && sameAddr(seg.dst, a, at1, n)) return 0;
  return seg.srcPort === f.port1 && seg.dstPort === f.port0 && sameAddr(seg.src, a, at1, n) && sameAddr(seg.dst, a, at0, n) ? 1 : -1;
}

/** Words per flow in FlowTable.keys. */
const KEY_WORDS = 4;

/** FlowTable.keyedSide: a flow without key words, to be compared by its numbers. */
const UNKEYED = -2;

const EMPTY = 0;
const TOMBSTONE = -1;

export class FlowTable {
  /**
   * Per table slot, two Int32 cells side by side: index+1 into `flows` (0 empty, −1 deleted)
   * and the flow's hash — one cache line per probe instead of one per array.
   */
  private cells: Int32Array;
  private mask: number;
  private used = 0; // live + tombstones
  size = 0;
  /** Longest probe sequence any lookup has walked (slots), for tests of the hash's spread. */
  maxProbe = 0;
  /** Live flows by dense index; holes are reused. */
  readonly flows: (FlowState | null)[] = [];
  /**
   * Per dense index, what a sweep reads before the flow itself (Sweeper.afterPacket keeps them):
   * the flow's last packet's second and nanosecond, and 1 once it is closed. Reading every flow
   * object and its numbers at each sweep was a cache miss or two per live flow.
   */
  lastSec = new Float64Array(0);
  lastNs = new Float64Array(0);
  closed = new Uint8Array(0);
  /** Per dense index, the flow's cell in `cells` (FlowTable.remove). */
  private cellOf = new Int32Array(0);
  /**
   * Per dense index, KEY_WORDS words: an IPv4 flow's two addresses, its ports (port0 << 16 |
   * port1) and 1, when its VLAN ids are no part of its key; else 0 in the last word. A lookup
   * compares a segment with these words instead of the flow's numbers and address bytes (a byte
   * loop over two typed arrays, and a cache miss or two in the flow's record), and tells which
   * side sent it (`side`).
   */
  private keys = new Int32Array(0);
  /** Side of the segment in the flow `find` last returned (0: the sender of the flow's first packet). */
  side = 0;
  private free: number[] = [];

  private readonly minCapacity: number;

  /** Cells now (tests). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** `wake`: gives a parked flow (parking.ts) its numbers back before it is compared. */
  constructor(initialCapacity: number, private readonly useVlan: boolean, private readonly wake: (f: FlowState) => void = () => {}) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.cells = new Int32Array(cap * 2);
    this.mask = cap - 1;
    this.minCapacity = cap;
  }

  /**
   * Halves the cells while a sixteenth of them or fewer hold flows (a sweep calls it), so a
   * flood's peak does not keep its table: a long follow's memory goes back to what its live
   * flows need. Cells only: flows keep their dense index, the order sweeps walk.
   */
  fit(): void {
    let capacity = this.mask + 1;
    if (capacity <= this.minCapacity || this.size * 16 > capacity) return;
    while (capacity > this.minCapacity && this.size * 8 <= capacity) capacity /= 2;
    this.rehash(capacity);
  }

  find(seg: TcpSegment, hash: number): FlowState | null {
    const cells = this.cells;
    const v4 = seg.ipVersion === 4 && (!this.useVlan || seg.vlanCount === 0);
    const src = v4 ? addressWord(seg.src, 0) : 0;
    const dst = v4 ? addressWord(seg.dst, 0) : 0;
    let i = hash & this.mask;
    for (let probe = 1; ; probe++) {
      const v = cells[2 * i];
      if (v === EMPTY) {
        if (probe > this.maxProbe) this.maxProbe = probe;
        return null;
      }
      if (v > 0 && cells[2 * i + 1] === hash) {
        let side = this.keyedSide(v - 1, seg, v4, src, dst);
        if (side !== -1) {
          // One place wakes a parked flow, whether its key matched or its numbers are to be
          // compared: code compiled before the first parked flow got a packet had no type
          // feedback there, and each such place threw away segment's compiled code once.
          const f = this.flows[v - 1]!;
          if (f.parked >= 0) this.wake(f);
          if (side === UNKEYED) side = flowSide(f, seg, this.useVlan);
          if (side >= 0) {
            if (probe > this.maxProbe) this.maxProbe = probe;
            this.side = side;
            return f;
          }
        }
      }
      i = (i + 1) & this.mask;
    }
  }

  /**
   * The side of the flow at dense index `idx` that sent `seg` as its key words tell, −1 (not
   * this flow) or UNKEYED: the flow has no key words, its numbers are to be compared (flowSide).
   * `v4`: `seg` is IPv4 and its VLAN ids are no part of its key, `src` and `dst` its addresses as words.
   */
  private keyedSide(idx: number, seg: TcpSegment, v4: boolean, src: number, dst: number): number {
    const keys = this.keys;
    const k = idx * KEY_WORDS;
    // A keyed flow is IPv4 without VLAN key; any other flow never matches a `v4` segment.
    if (keys[k + 3] !== 0) {
      if (!v4) return -1;
      if (keys[k] === src && keys[k + 1] === dst && keys[k + 2] === ((seg.srcPort << 16) | seg.dstPort)) return 0;
      return keys[k] === dst && keys[k + 1] === src && keys[k + 2] === ((seg.dstPort << 16) | seg.srcPort) ? 1 : -1;
    }
    return v4 ? -1 : UNKEYED;
  }

  /** Insert a flow (the caller has checked none matches, or is replacing one it removed). */
  insert(f: FlowState): void {
    const capacity = this.mask + 1;
    if ((this.used + 1) * 2 > capacity) this.rehash(this.size * 4 > capacity ? capacity * 2 : capacity);
    let idx: number;
    if (this.free.length > 0) {
      idx = this.free.pop()!;
      this.flows[idx] = f;
    } else {
      idx = this.flows.length;
      this.flows.push(f);
      if (idx === this.closed.length) this.growSlotState(Math.max(1024, idx * 2));
    }
    this.closed[idx] = 0;
    this.noteKey(f, idx);
    f.slot = idx;
    this.cellOf[idx] = this.place(f.hash, idx + 1);
    this.size++;
  }

  /** Writes `keys` for the flow at dense index `idx`, from its own numbers and address bytes. */
  private noteKey(f: FlowState, idx: number): void {
    const keys = this.keys;
    const k = idx * KEY_WORDS;
    if (f.ipVersion !== 4 || (this.useVlan && f.keyVlan.length > 0)) {
      keys[k + 3] = 0;
      return;
    }
    keys[k] = addressWord(f.s.addrs, f.addrOf(0));
    keys[k + 1] = addressWord(f.s.addrs, f.addrOf(1));
    keys[k + 2] = (f.port0 << 16) | f.port1;
    keys[k + 3] = 1;
  }

  /** Puts `v` in the first free cell of `hash`'s probe sequence; returns that cell. */
  private place(hash: number, v: number): number {
    const cells = this.cells;
    let i = hash & this.mask;
    while (cells[2 * i] > 0) i = (i + 1) & this.mask;
    if (cells[2 * i] === EMPTY) this.used++;
    cells[2 * i] = v;
    cells[2 * i + 1] = hash;
    return i;
  }

  private growSlotState(n: number): void {
    const sec = new Float64Array(n);
    const ns = new Float64Array(n);
    const closed = new Uint8Array(n);
    const cellOf = new Int32Array(n);
    const keys = new Int32Array(n * KEY_WORDS);
    keys.set(this.keys);
    sec.set(this.lastSec);
    ns.set(this.lastNs);
    closed.set(this.closed);
    cellOf.set(this.cellOf);
    this.lastSec = sec;
    this.lastNs = ns;
    this.closed = closed;
    this.cellOf = cellOf;
    this.keys = keys;
  }

  /**
   * Its cell is known (`cellOf`, kept by place and rehash), so it is marked deleted without
   * probing for it: the probe's first read was a cache miss for nearly every flow finished.
   */
  remove(f: FlowState): void {
    this.cells[2 * this.cellOf[f.slot]] = TOMBSTONE;
    this.flows[f.slot] = null;
    this.free.push(f.slot);
    f.slot = -1;
    this.size--;
  }

  private rehash(capacity: number): void {
    const old = this.cells;
    this.cells = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    this.used = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] > 0) this.cellOf[old[i] - 1] = this.place(old[i + 1], old[i]);
  }
}
