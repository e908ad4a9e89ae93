/**
 * The retransmission intervals of the stored flows that have any (SYN and SYN-ACK backoffs), kept
 * off the JS heap. A flood whose server retransmits every SYN-ACK gives every flow intervals:
 * a Map of arrays per flow cost ~190 bytes of heap each and ran a 2-million-SYN flood out of the
 * CLI's heap cap, while typed-array chunks live outside the V8 heap and cost 8 bytes a value.
 *
 * Rows are added in increasing order (the store appends), so the index is a sorted list of rows
 * searched by bisection, never a hash.
 */
const BITS = 16;
const SIZE = 1 << BITS;
const MASK = SIZE - 1;

/** Growable Int32 list in fixed chunks: growing never copies. */
class Int32List {
  private readonly chunks: Int32Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> BITS;
    if (c === this.chunks.length) this.chunks.push(new Int32Array(SIZE));
    this.chunks[c]![this.length & MASK] = v;
    this.length++;
  }

  at(i: number): number {
    return this.chunks[i >>> BITS]![i & MASK]!;
  }

  bytes(): number {
    return this.chunks.length * SIZE * 4;
  }
}

export class IntervalPool {
  /** Values: per entry [n, m, ...first list (n), ...second list (m)], never across a chunk. */
  private readonly chunks: Float64Array[] = [];
  private used = SIZE;
  private readonly rows = new Int32List();
  private readonly chunkOf = new Int32List();
  private readonly offsetOf = new Int32List();

  get size(): number {
    return this.rows.length;
  }

  /** Keeps `row`'s two lists; rows must come in increasing order. */
  add(row: number, first: readonly number[], second: readonly number[]): void {
    const need = 2 + first.length + second.length;
    if (this.used + need > (this.chunks[this.chunks.length - 1]?.length ?? 0)) {
      this.chunks.push(new Float64Array(Math.max(SIZE, need)));
      this.used = 0;
    }
    const chunk = this.chunks[this.chunks.length - 1]!;
    let at = this.used;
    chunk[at++] = first.length;
    chunk[at++] = second.length;
    for (const v of first) chunk[at++] = v;
    for (const v of second) chunk[at++] = v;
    this.rows.push(row);
    this.chunkOf.push(this.chunks.length - 1);
    this.offsetOf.push(this.used);
    this.used = at;
  }

  /** `row`'s two lists as new arrays, or null when it has none. */
  get(row: number): [number[], number[]] | null {
    const e = this.entry(row);
    if (e < 0) return null;
    const chunk = this.chunks[this.chunkOf.at(e)]!;
    const at = this.offsetOf.at(e);
    const n = chunk[at]!;
    return [copy(chunk, at + 2, n), copy(chunk, at + 2 + n, chunk[at + 1]!)];
  }

  /** `row`'s first list (its SYN intervals) as a new array, or null when it has none: what the stories read. */
  first(row: number): number[] | null {
    const e = this.entry(row);
    if (e < 0) return null;
    const chunk = this.chunks[this.chunkOf.at(e)]!;
    const at = this.offsetOf.at(e);
    return copy(chunk, at + 2, chunk[at]!);
  }

  /** `row`'s entry (−1: none), by bisection. */
  private entry(row: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.rows.at(mid);
      if (r < row) lo = mid + 1;
      else if (r > row) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  bytes(): number {
    let values = 0;
    for (const c of this.chunks) values += c.byteLength;
    return values + this.rows.bytes() + this.chunkOf.bytes() + this.offsetOf.bytes();
  }
}

/** n values from `at` as a plain array (no subarray view made to copy them from). */
function copy(chunk: Float64Array, at: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = chunk[at + k]!;
  return out;
}
