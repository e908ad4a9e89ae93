/**
 * A set of 32-bit values in one typed array (open addressing): 4–8 bytes per member instead of
 * the ~40 a JS Set spends, so millions of flood sources fit. Past `maxCapacity` slots it stops
 * growing and reports `exact = false` (the size is then a lower bound).
 */
export class U32Set {
  private table: Uint32Array;
  private hasZero = false;
  size = 0;
  exact = true;

  constructor(initial = 16, private readonly maxCapacity = 1 << 24) {
    let cap = 16;
    while (cap < initial) cap *= 2;
    this.table = new Uint32Array(cap);
  }

  add(v: number): void {
    v >>>= 0;
    if (v === 0) {
      if (!this.hasZero) {
        this.hasZero = true;
        this.size++;
      }
      return;
    }
    if ((this.size + 1) * 4 > this.table.length * 3) {
      if (this.table.length >= this.maxCapacity) {
        if (!this.contains(v)) this.exact = false;
        return;
      }
      this.resize(this.table.length * 2);
    }
    if (this.insert(this.table, v)) this.size++;
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
