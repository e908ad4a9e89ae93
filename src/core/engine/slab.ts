/** Bytes each side's address takes in `Slab.addrs` (an IPv6 address; IPv4 uses the first 4). */
export const ADDR_BYTES = 16;

/**
 * Numbers of all live flows in one Float64Array, a fixed stride per flow. A typed array per
 * flow costs an ArrayBuffer, a backing-store allocation and a zero fill each; with hundreds of
 * thousands of flood flows that dominated both time and memory.
 */
export class Slab {
  a: Float64Array;
  /**
   * Both addresses of each record's flow, ADDR_BYTES per side (side 0 first), at
   * byte offset `addrAt(o)`: one shared buffer instead of a Uint8Array per flow.
   */
  addrs: Uint8Array;
  private readonly free: number[] = [];
  private next = 0;

  /**
   * `maxRecords`: how many records the owner will hold at once (its active-flow limit); growth
   * stops there instead of doubling past it, which at 25,000 flows of ~900 bytes saves 7 MB.
   * Beyond it the slab still doubles, so a miscount costs memory, never correctness.
   */
  constructor(readonly stride: number, initialRecords = 1024, private readonly maxRecords = Infinity) {
    this.a = new Float64Array(stride * initialRecords);
    this.addrs = new Uint8Array(2 * ADDR_BYTES * initialRecords);
  }

  /** Byte offset of record `o`'s addresses in `addrs`. */
  addrAt(o: number): number {
    return (o / this.stride) * 2 * ADDR_BYTES;
  }

  /** Offset of a zeroed record. */
  alloc(): number {
    let o = this.free.pop();
    if (o === undefined) {
      o = this.next;
      this.next += this.stride;
      if (this.next > this.a.length) {
        const records = this.a.length / this.stride;
        const grown = records < this.maxRecords ? Math.min(records * 2, this.maxRecords) : records * 2;
        const bigger = new Float64Array(grown * this.stride);
        bigger.set(this.a);
        this.a = bigger;
        const addrs = new Uint8Array(grown * 2 * ADDR_BYTES);
        addrs.set(this.addrs);
        this.addrs = addrs;
      }
    } else {
      this.a.fill(0, o, o + this.stride);
      const at = this.addrAt(o);
      this.addrs.fill(0, at, at + 2 * ADDR_BYTES);
    }
    return o;
  }

  release(o: number): void {
    this.free.push(o);
  }
}
