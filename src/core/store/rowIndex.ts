/**
 * Flow id → store row. Ids are dense from 1 but flows finish out of order (a long connection
 * outlives thousands that opened after it), so rows are not ids. Chunked like the columns, so
 * growing never copies more than one chunk.
 */
const BITS = 16;
const SIZE = 1 << BITS;
const MASK = SIZE - 1;

export class RowIndex {
  private readonly chunks: Int32Array[] = [];

  set(id: number, row: number): void {
    // Sparse: a store whose ids start high (a later generation of WindowedStore) holds no
    // chunks for the ids below.
    const ch = (this.chunks[id >>> BITS] ??= new Int32Array(SIZE).fill(-1));
    ch[id & MASK] = row;
  }

  /** −1 when the id has no row. */
  get(id: number): number {
    const ch = this.chunks[id >>> BITS];
    return ch === undefined || id < 0 ? -1 : ch[id & MASK];
  }

  bytes(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n++;
    return n * SIZE * 4;
  }
}
