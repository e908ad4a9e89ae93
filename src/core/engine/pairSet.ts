/**
 * A set of pairs of 32-bit values (two independent hashes of one key) in one typed array, both
 * halves of a member side by side: a lookup costs one cache miss, and a false match needs both
 * hashes of the same member to collide (~n/2^64 per lookup). Past `maxSlots` slots it stops
 * growing and ignores further members (`full` turns true): callers must treat membership as a
 * hint that can be missing, never as the only record of anything.
 */
export class PairSet {
  private cells: Uint32Array;
  private mask: number;
  /**
   * Four bits per slot (a sixteenth of the table's bytes, cache-resident where the table is
   * not): per first half added, two bits of one word (filterBits). A lookup of a pair whose
   * first half was never added — most of them: a new flow's first packet asks for its 4-tuple —
   * finds a bit clear here and never touches the table (a cache miss) nor hashes the second half.
   */
  private filter: Int32Array;
  private filterShift: number;
  private hasZero = false;
  size = 0;
  full = false;

  constructor(initialSlots = 1 << 16, private readonly maxSlots = 1 << 21) {
    let cap = 16;
    while (cap < initialSlots) cap *= 2;
    this.cells = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    this.filter = new Int32Array(cap / 8);
    this.filterShift = 32 - Math.log2(cap / 8);
  }

  /** Bytes held by the table and its filter (for memory accounting in tests). */
  get bytes(): number {
    return this.cells.byteLength + this.filter.byteLength;
  }

  /** False when no member has first half `a`; true when one may (then ask `has`). */
  mayHaveFirst(a: number): boolean {
    const m = filterBits(a);
    return (this.filter[filterWord(a, this.filterShift)] & m) === m;
  }

  add(a: number, b: number): void {
    a >>>= 0;
    b >>>= 0;
    if (a === 0 && b === 0) {
      if (!this.hasZero) {
        this.hasZero = true;
        this.size++;
        this.noteFirst(0);
      }
      return;
    }
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) {
      if (this.mask + 1 >= this.maxSlots) {
        this.full = true;
        return;
      }
      this.resize((this.mask + 1) * 2);
    }
    if (this.insert(this.cells, this.mask, a, b)) {
      this.size++;
      this.noteFirst(a);
    }
  }

  private noteFirst(a: number): void {
    this.filter[filterWord(a, this.filterShift)] |= filterBits(a);
  }

  has(a: number, b: number): boolean {
    a >>>= 0;
    b >>>= 0;
    if (a === 0 && b === 0) return this.hasZero;
    const c = this.cells;
    const mask = this.mask;
    let i = slotOf(a, mask);
    for (;;) {
      const x = c[2 * i];
      const y = c[2 * i + 1];
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
      i = (i + 1) & mask;
    }
  }

  private insert(c: Uint32Array, mask: number, a: number, b: number): boolean {
    let i = slotOf(a, mask);
    for (;;) {
      const x = c[2 * i];
      const y = c[2 * i + 1];
      if (x === 0 && y === 0) {
        c[2 * i] = a;
        c[2 * i + 1] = b;
        return true;
      }
      if (x === a && y === b) return false;
      i = (i + 1) & mask;
    }
  }

  private resize(slots: number): void {
    const old = this.cells;
    const next = new Uint32Array(slots * 2);
    const mask = slots - 1;
    this.filter = new Int32Array(slots / 8);
    this.filterShift = 32 - Math.log2(slots / 8);
    if (this.hasZero) this.noteFirst(0);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) {
        this.insert(next, mask, old[i], old[i + 1]);
        this.noteFirst(old[i]);
      }
    }
    this.cells = next;
    this.mask = mask;
  }
}

/** The filter word of first half `a`: the top bits of a multiplicative hash (`shift`: 32 − log2 of the words). */
function filterWord(a: number, shift: number): number {
  return Math.imul(a, 0x85ebca6b) >>> shift;
}

/** The two bits of first half `a` in its filter word (one when they coincide). */
function filterBits(a: number): number {
  return (1 << (a & 31)) | (1 << ((a >>> 5) & 31));
}

/**
 * First slot a pair probes: from its first half only, so members that share it sit side by side
 * (the sweep's retired set keys a flow's 4-tuple and its ISN by the same table hash: finishing a
 * quiet attempt or looking up a late packet then costs one cache miss, not two).
 */
function slotOf(a: number, mask: number): number {
  return (Math.imul(a ^ (a >>> 15), 0x9e3779b1) >>> 0) & mask;
}

/**
 * The most recent members of a stream of pairs: two PairSets of at most `perGeneration`
 * members, the older dropped whole when the newer is full. What a follower remembers of the
 * flows it finished early: it finishes flows every second for hours, and a late packet comes
 * seconds or minutes after its flow ended, not hours. One PairSet kept the first ~1.57 million
 * and ignored every later one, so a long follow stopped recognising late packets (each became
 * a new flow) while its table grew to 16 MiB.
 */
export class RecentPairs {
  private current: PairSet;
  private older: PairSet | null = null;
  private readonly maxSlots: number;

  constructor(private readonly perGeneration: number) {
    // Room for perGeneration members at PairSet's load limit of 3/4.
    let slots = 16;
    while (slots * 3 < perGeneration * 4) slots *= 2;
    this.maxSlots = slots;
    this.current = this.generation();
  }

  private generation(): PairSet {
    return new PairSet(Math.min(1 << 16, this.maxSlots), this.maxSlots);
  }

  get bytes(): number {
    return this.current.bytes + (this.older?.bytes ?? 0);
  }

  add(a: number, b: number): void {
    if (this.current.size >= this.perGeneration) {
      this.older = this.current;
      this.current = this.generation();
    }
    this.current.add(a, b);
  }

  has(a: number, b: number): boolean {
    return this.current.has(a, b) || (this.older !== null && this.older.has(a, b));
  }

  mayHaveFirst(a: number): boolean {
    return this.current.mayHaveFirst(a) || (this.older !== null && this.older.mayHaveFirst(a));
  }
}
