/**
 * A set of 32-bit values in one typed array (open addressing): 4–8 bytes per member instead of
 * the ~40 a JS Set spends. Past `maxCapacity` slots it stops growing, `exact` becomes false and
 * `count()` is a HyperLogLog estimate (2^14 registers, ~0.8 % error) of every value added.
 */
const HLL_BITS = 14;

/**
 * Bytes that a group of sets may hold together (one per analysis: every server's distinct
 * sources). A distributed flood gives hundreds of servers a large set each; past the budget a
 * set stops growing as if it were full (its table is freed once its HyperLogLog takes over), and
 * if even a HyperLogLog does not fit, its count is the lower bound it holds exactly.
 */
export class SetBudget {
  used = 0;
  constructor(readonly max: number) {}

  /** Takes `bytes` if `bytes + reserve` are left. */
  take(bytes: number, reserve = 0): boolean {
    if (this.used + bytes + reserve > this.max) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

export class U32Set {
  private table: Uint32Array;
  private hasZero = false;
  /** Members stored exactly (a lower bound once `exact` is false). */
  size = 0;
  exact = true;
  /** Inexact and without a HyperLogLog (the budget had no room): count() is a lower bound. */
  get lowerBoundOnly(): boolean {
    return !this.exact && this.hll === null;
  }
  /**
   * Made when the exact table is full, from its members: registers are a max over distinct
   * values, so they equal what feeding every value from the start gives. Until then a set costs
   * its table only (a capture can have a million per-server sets; 16 KiB each would not fit).
   */
  private hll: Uint8Array | null = null;

  constructor(initial = 16, private readonly maxCapacity = 1 << 24, private readonly budget: SetBudget | null = null) {
    let cap = 16;
    while (cap < initial) cap *= 2;
    this.table = new Uint32Array(cap);
    // A new set's small table is always made (counted, never refused).
    if (budget) budget.used += cap * 4;
  }

  /** Distinct members: exact while `exact`, else the HyperLogLog estimate. */
  count(): number {
    if (this.exact || !this.hll) return this.size;
    const m = this.hll.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.hll) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    let e = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * Math.log(m / zeros);
    return Math.max(this.size, Math.round(e));
  }

  /**
   * Adds `v`; true when it was surely not a member before (false: it was, or the set is no
   * longer exact and cannot tell).
   */
  add(v: number): boolean {
    v >>>= 0;
    if (this.hll) {
      hllAdd(this.hll, v);
      if (!this.exact) return false;
    }
    if (v === 0) {
      if (!this.hasZero) {
        this.hasZero = true;
        this.size++;
        return true;
      }
      return false;
    }
    if ((this.size + 1) * 4 > this.table.length * 3) {
      // Growing keeps room for one HyperLogLog in the budget, so a set denied growth can
      // usually still switch to one.
      if (this.table.length >= this.maxCapacity || (this.budget !== null && !this.budget.take(this.table.length * 4, 1 << HLL_BITS))) {
        if (!this.hll && this.exact && (this.budget === null || this.budget.take(1 << HLL_BITS))) {
          this.hll = new Uint8Array(1 << HLL_BITS);
          if (this.hasZero) hllAdd(this.hll, 0);
          for (const m of this.table) if (m !== 0) hllAdd(this.hll, m);
          hllAdd(this.hll, v);
        }
        if (!this.contains(v)) {
          this.exact = false;
          // Only the HyperLogLog and `size` are read from now on.
          if (this.hll && this.budget) {
            this.budget.give(this.table.length * 4);
            this.table = new Uint32Array(0);
          }
        }
        return false;
      }
      this.resize(this.table.length * 2);
    }
    const added = this.insert(this.table, v);
    this.size += added ? 1 : 0;
    return added;
  }

  /** Returns the set's bytes to its budget; the set must not be used afterwards. */
  dispose(): void {
    this.budget?.give(this.table.length * 4 + (this.hll ? this.hll.length : 0));
    this.table = new Uint32Array(0);
    this.hll = null;
  }

  contains(v: number): boolean {
    v >>>= 0;
    if (v === 0) return this.hasZero;
    const t = this.table;
    const mask = t.length - 1;
    let i = Math.imul(v, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      const x = t[i];
      if (x === 0) return false;
      if (x === v) return true;
      i = (i + 1) & mask;
    }
  }

  private insert(t: Uint32Array, v: number): boolean {
    const mask = t.length - 1;
    let i = Math.imul(v, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      const x = t[i];
      if (x === 0) {
        t[i] = v;
        return true;
      }
      if (x === v) return false;
      i = (i + 1) & mask;
    }
  }

  private resize(cap: number): void {
    const next = new Uint32Array(cap);
    for (const v of this.table) if (v !== 0) this.insert(next, v);
    this.table = next;
  }
}

function hllAdd(hll: Uint8Array, v: number): void {
  let h = v ^ (v >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  const x = (h ^ (h >>> 16)) >>> 0;
  const idx = x >>> (32 - HLL_BITS);
  const rest = (x << HLL_BITS) >>> 0;
  const rank = rest === 0 ? 32 - HLL_BITS + 1 : Math.clz32(rest) + 1;
  if (rank > hll[idx]) hll[idx] = rank;
}
