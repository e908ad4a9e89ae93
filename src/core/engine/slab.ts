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
  /** `a` as 32-bit words (parking.ts's record headers), and as bytes (parking.ts compares records bit for bit). */
  readonly w: Int32Array;
  readonly bytes: Buffer;
  /** Both addresses of each record, ADDR_BYTES per side (side 0 first). */
  readonly addrs: Uint8Array;

  constructor(stride: number, records: number, withAddrs = true) {
    this.a = new Float64Array(stride * records);
    this.w = new Int32Array(this.a.buffer);
    this.bytes = Buffer.from(this.a.buffer);
    this.addrs = new Uint8Array(withAddrs ? 2 * ADDR_BYTES * records : 0);
  }
}

/** Records per chunk (~1 MB at the flow stride): small next to a capture's live flows, few for a flood's. */
const CHUNK_BITS = 10;
const CHUNK_RECORDS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_RECORDS - 1;

/**
 * Chunks below this are kept when their flows are gone: an ordinary capture's live flows fit in
 * them, so flows opening and closing never make and drop a chunk.
 */
const KEEP_CHUNKS = 4;

/**
 * An empty array for objects. `[]` starts as an array of small integers and changes its hidden
 * class at its first push of an object: code compiled after the flows' slab had pushed its first
 * chunk was thrown away when the parked records' slab pushed its own (open, park, lend).
 */
function objects<T>(): T[] {
  const a: (T | null)[] = [null];
  a.pop();
  return a as T[];
}

export class Slab {
  /** null: a chunk whose records were all released, freed until a record is wanted there again. */
  private readonly chunks: (SlabChunk | null)[] = objects();
  /** Per chunk: its released records (numbers), reused first. */
  private readonly freeIn: number[][] = objects();
  /** Per chunk: how many of its records were ever handed out (the rest are still zeros). */
  private readonly used: number[] = [];
  /** Per chunk: its records in use. */
  private readonly live: number[] = [];
  /**
   * The lowest chunk that may have room. Records are handed out lowest chunk first, so after a
   * burst of flows (a SYN flood's attempts) the high chunks drain and are freed: a long follow's
   * memory returns to what its live flows need instead of staying at the burst's peak.
   */
  private lowest = 0;

  private readonly withAddrs: boolean;
  private readonly zeroed: boolean;

  /**
   * `addrs` false: records of numbers only (live counts), no address bytes. `zeroed` false: a
   * reused record keeps what it held, for owners that write all of it (parking.ts).
   */
  constructor(readonly stride: number, opts: { addrs?: boolean; zeroed?: boolean } = {}) {
    this.withAddrs = opts.addrs ?? true;
    this.zeroed = opts.zeroed ?? true;
  }

  /** A record's number, zeroed unless the slab was made otherwise; `chunk` and `offset` say where its numbers are. */
  alloc(): number {
    // `c` steps at the top of the loop, on every call: a step first taken when the lowest chunk
    // filled up had no type feedback, and taking it threw away open's and park's compiled code.
    for (let c = this.lowest - 1; ; ) {
      c++;
      if (c === this.chunks.length) {
        this.chunks.push(null);
        this.freeIn.push([]);
        this.used.push(0);
        this.live.push(0);
      }
      let ch = this.chunks[c];
      if (ch === null) ch = this.chunks[c] = this.newChunk();
      const free = this.freeIn[c];
      let r: number;
      if (free.length > 0) {
        r = free.pop()!;
        if (this.zeroed) this.zero(ch, r);
      } else if (this.used[c] < CHUNK_RECORDS) {
        r = (c << CHUNK_BITS) | this.used[c]++;
      } else continue;
      this.lowest = c;
      this.live[c]++;
      return r;
    }
  }

  /**
   * Chunks emptied while the slab still holds chunks above KEEP_CHUNKS, at most as many as those:
   * a flood's attempts are finished a sweep at a time and the next ones parked a few thousand at
   * a time, so freeing every emptied chunk at once made and dropped one per thousand flows (914
   * in a 10^6-SYN flood, ~70 µs each, and as many 1 MB allocations for the GC to count). Once
   * the flood is over and the upper chunks are empty, no spare is left.
   */
  private readonly spares: SlabChunk[] = objects();
  /** Chunks holding records (not null in `chunks`). */
  private held = 0;

  private newChunk(): SlabChunk {
    this.held++;
    const ch = this.spares.pop();
    if (ch === undefined) return new SlabChunk(this.stride, CHUNK_RECORDS, this.withAddrs);
    if (this.zeroed) {
      ch.a.fill(0);
      ch.addrs.fill(0);
    }
    return ch;
  }

  private zero(ch: SlabChunk, r: number): void {
    const o = this.offset(r);
    ch.a.fill(0, o, o + this.stride);
    if (this.withAddrs) {
      const at = this.addrAt(r);
      ch.addrs.fill(0, at, at + 2 * ADDR_BYTES);
    }
  }

  chunk(r: number): SlabChunk {
    return this.chunks[r >>> CHUNK_BITS]!;
  }

  /** Offset of record `r`'s numbers in its chunk's `a`. */
  offset(r: number): number {
    return (r & CHUNK_MASK) * this.stride;
  }

  /** Byte offset of record `r`'s addresses in its chunk's `addrs`. */
  addrAt(r: number): number {
    return (r & CHUNK_MASK) * 2 * ADDR_BYTES;
  }

  /** Gives record `r` back (FlowState.giveBack, which also points its flow elsewhere, so a chunk left empty can be freed). */
  release(r: number): void {
    const c = r >>> CHUNK_BITS;
    if (c < this.lowest) this.lowest = c;
    // Both tests run every time: a test first reached when a chunk first empties had no type
    // feedback, and reaching it threw away the compiled code of retire and park, which inline this.
    const left = --this.live[c];
    const upper = c >= KEEP_CHUNKS;
    if (left === 0 && upper) this.drop(c);
    else this.freeIn[c].push(r);
  }

  /**
   * Frees emptied chunk `c`, keeping it as a spare. A call of its own: written out in `release`,
   * its first run met two reads with no type feedback, and each threw away the compiled code of
   * what had inlined release (parking.ts's restore, compiled three times on the bench mix).
   */
  private drop(c: number): void {
    this.spares.push(this.chunks[c]!);
    this.chunks[c] = null;
    this.held--;
    while (this.spares.length > Math.max(0, this.held - KEEP_CHUNKS)) this.spares.pop();
    this.freeIn[c] = [];
    this.used[c] = 0;
  }

  /** Chunks held now, spares included (tests). */
  get chunkCount(): number {
    return this.held + this.spares.length;
  }
}
