/** Bytes each side's address takes in `Slab.addrs` (an IPv6 address; IPv4 uses the first 4). */
export const ADDR_BYTES = 16;

/**
 * Numbers of all live flows in Float64Array chunks, a fixed stride per flow. A typed array per
 * flow costs an ArrayBuffer, a backing-store allocation and a zero fill each; with hundreds of
 * thousands of flood flows that dominated both time and memory.
 *
 * Chunks of a fixed size, not one array grown by doubling: a doubled array held up to twice the
 * live flows' rows (the 1 GiB bench mix's ~30,000 live flows sat in a 54 MB array) and, while
 * it was copied, the old and the new array at once. A chunk is never moved, so a flow keeps a
 * reference to its own chunk (`SlabChunk`) and its offset in it.
 */
export class SlabChunk {
  readonly a: Float64Array;
  /** `a` as 32-bit words (parking.ts compares records bit for bit). */
  readonly w: Int32Array;
  /** Both addresses of each record, ADDR_BYTES per side (side 0 first). */
  readonly addrs: Uint8Array;

  constructor(stride: number, records: number) {
    this.a = new Float64Array(stride * records);
    this.w = new Int32Array(this.a.buffer);
    this.addrs = new Uint8Array(2 * ADDR_BYTES * records);
  }
}

/** Records per chunk (~1 MB at the flow stride): small next to a capture's live flows, few for a flood's. */
const CHUNK_BITS = 10;
const CHUNK_RECORDS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_RECORDS - 1;

export class Slab {
  private readonly chunks: SlabChunk[] = [];
  /** Released records (numbers), reused first so the touched memory follows the live flows' peak. */
  private readonly free: number[] = [];
  private next = 0;

  constructor(readonly stride: number) {}

  /** A zeroed record's number; `chunk` and `offset` say where its numbers are. */
  alloc(): number {
    const r = this.free.pop();
    if (r === undefined) {
      const n = this.next++;
      if ((n >>> CHUNK_BITS) === this.chunks.length) this.chunks.push(new SlabChunk(this.stride, CHUNK_RECORDS));
      return n;
    }
    const c = this.chunks[r >>> CHUNK_BITS];
    const o = this.offset(r);
    c.a.fill(0, o, o + this.stride);
    const at = this.addrAt(r);
    c.addrs.fill(0, at, at + 2 * ADDR_BYTES);
    return r;
  }

  chunk(r: number): SlabChunk {
    return this.chunks[r >>> CHUNK_BITS];
  }

  /** Offset of record `r`'s numbers in its chunk's `a`. */
  offset(r: number): number {
    return (r & CHUNK_MASK) * this.stride;
  }

  /** Byte offset of record `r`'s addresses in its chunk's `addrs`. */
  addrAt(r: number): number {
    return (r & CHUNK_MASK) * 2 * ADDR_BYTES;
  }

  release(r: number): void {
    this.free.push(r);
  }
}
