/**
 * Numbers of all live flows in one Float64Array, a fixed stride per flow. A typed array per
 * flow costs an ArrayBuffer, a backing-store allocation and a zero fill each; with hundreds of
 * thousands of flood flows that dominated both time and memory.
 */
export class Slab {
  a: Float64Array;
  private readonly free: number[] = [];
  private next = 0;

  constructor(readonly stride: number, initialRecords = 1024) {
    this.a = new Float64Array(stride * initialRecords);
  }

  /** Offset of a zeroed record. */
  alloc(): number {
    let o = this.free.pop();
    if (o === undefined) {
      o = this.next;
      this.next += this.stride;
      if (this.next > this.a.length) {
        const bigger = new Float64Array(this.a.length * 2);
        bigger.set(this.a);
        this.a = bigger;
      }
    } else {
      this.a.fill(0, o, o + this.stride);
    }
    return o;
  }

  release(o: number): void {
    this.free.push(o);
  }
}
