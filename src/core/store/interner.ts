/**
 * Values many flows share (history strings, option-set pairs, VLAN/interface lists), stored once
 * and named by a small index. `key`: how equal values are recognised; null for values that are
 * already shared objects (identity is equality).
 */
export class Interner<T> {
  private readonly values: T[] = [];
  private readonly byKey = new Map<unknown, number>();

  constructor(private readonly key: ((v: T) => unknown) | null) {}

  intern(v: T): number {
    const k = this.key ? this.key(v) : v;
    let i = this.byKey.get(k);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.byKey.set(k, i);
    }
    return i;
  }

  value(i: number): T {
    return this.values[i];
  }

  get size(): number {
    return this.values.length;
  }
}
