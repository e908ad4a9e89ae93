/**
 * Append-only rows of numbers in typed-array chunks, with a declared layout: each column is
 * declared once (name, type, per flow or per side) and the code reads it by name —
 * `cols.packets.client` — instead of at a hand-numbered offset.
 *
 * Small integer types hold what nearly every flow has (a handful of SYNs, a port, a delta of a
 * few packets); a value that does not fit (negative, fractional, too large) is stored in a side
 * map and its slot holds the type's all-ones value, so a column costs its small width for the
 * common case and stays exact for every case.
 */

export type ColumnType = 'u8' | 'u16' | 'u32' | 'f64';

export interface ColumnSpec {
  readonly type: ColumnType;
  /** 'side': one column for the client and one for the server. */
  readonly per: 'flow' | 'side';
}

export function perFlow(type: ColumnType): { type: ColumnType; per: 'flow' } {
  return { type, per: 'flow' };
}
export function perSide(type: ColumnType): { type: ColumnType; per: 'side' } {
  return { type, per: 'side' };
}

/** One physical column: its position in a chunk and the value that means "see the side map". */
export interface Column {
  readonly name: string;
  readonly index: number;
  readonly type: ColumnType;
  /** All ones for integer types; NaN (never equal) for f64, which holds any number. */
  readonly escape: number;
}

export type Columns<S> = {
  readonly [K in keyof S]: S[K] extends { per: 'side' } ? { readonly client: Column; readonly server: Column } : Column;
};

export interface Layout<S> {
  readonly cols: Columns<S>;
  readonly list: readonly Column[];
}

const ESCAPE: Record<ColumnType, number> = { u8: 0xff, u16: 0xffff, u32: 0xffffffff, f64: NaN };
const BYTES: Record<ColumnType, number> = { u8: 1, u16: 2, u32: 4, f64: 8 };

export function defineLayout<S extends Record<string, ColumnSpec>>(spec: S): Layout<S> {
  const list: Column[] = [];
  const cols: Record<string, unknown> = {};
  const add = (name: string, type: ColumnType): Column => {
    const c: Column = { name, index: list.length, type, escape: ESCAPE[type] };
    list.push(c);
    return c;
  };
  for (const [name, s] of Object.entries(spec)) {
    cols[name] = s.per === 'side'
      ? Object.freeze({ client: add(`${name}.client`, s.type), server: add(`${name}.server`, s.type) })
      : add(name, s.type);
  }
  // A copy: `cols`, filled key by key past a dozen names, is a dictionary-mode object, and every
  // `C.x` in the store's per-flow code was a hash lookup (a tenth of FlowStore.add); the copy
  // has fast properties, which the optimiser reads as constants.
  return { cols: Object.freeze({ ...cols }) as Columns<S>, list };
}

/** Bytes one row takes in the chunks (side-map entries come on top, for the rare values). */
export function rowBytes(list: readonly Column[]): number {
  return list.reduce((n, c) => n + BYTES[c.type], 0);
}

const U8 = 0;
const U16 = 1;
const U32 = 2;
const F64 = 3;
const KIND: Record<ColumnType, number> = { u8: U8, u16: U16, u32: U32, f64: F64 };

/** One chunk's arrays, one per column in the layout's order. */
export type Chunk = readonly (Uint8Array | Uint16Array | Uint32Array | Float64Array)[];

function newArray(type: ColumnType, n: number): Uint8Array | Uint16Array | Uint32Array | Float64Array {
  switch (type) {
    case 'u8': return new Uint8Array(n);
    case 'u16': return new Uint16Array(n);
    case 'u32': return new Uint32Array(n);
    default: return new Float64Array(n);
  }
}

/** Rows per chunk: full chunks are never copied again as the store grows. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
export const CHUNK_MASK = CHUNK - 1;
/** The first chunk starts this small and doubles, so a capture of ten flows does not take a full chunk. */
const FIRST_ROWS = 256;

export class ColumnStore {
  private readonly chunks: Chunk[] = [];
  private capacity = 0;
  private rows = 0;
  /** Values that do not fit their column's type, by row × columns + column. */
  private readonly wide = new Map<number, number>();
  private readonly width: number;
  /** Each column's type as a small number (KIND), for setRow's switch. */
  private readonly kinds: Uint8Array;

  constructor(private readonly list: readonly Column[]) {
    this.width = list.length;
    this.kinds = Uint8Array.from(list, (c) => KIND[c.type]);
  }

  get size(): number {
    return this.rows;
  }

  /** Bytes held: the chunks' arrays, and an estimate of the side map (about 40 bytes an entry). */
  bytes(): number {
    let n = 0;
    for (const ch of this.chunks) for (const a of ch) n += a.byteLength;
    return n + this.wide.size * 40;
  }

  /** A new zeroed row's index. */
  addRow(): number {
    const row = this.rows;
    if (row === this.capacity) this.grow();
    this.rows++;
    return row;
  }

  private grow(): void {
    const last = this.chunks.length - 1;
    const lastRows = last >= 0 ? this.chunks[last][0].length : CHUNK;
    if (lastRows < CHUNK) {
      const n = lastRows * 2;
      this.chunks[last] = this.chunks[last].map((a, i) => {
        const bigger = newArray(this.list[i].type, n);
        (bigger as Float64Array).set(a as Float64Array);
        return bigger;
      });
      this.capacity += n - lastRows;
      return;
    }
    const n = this.chunks.length === 0 ? FIRST_ROWS : CHUNK;
    this.chunks.push(this.list.map((c) => newArray(c.type, n)));
    this.capacity += n;
  }

  // One branch per column type, so each typed-array access sees one kind of array (one access
  // shared by the four kinds is polymorphic): reading a few columns of every flow, as the stories
  // do, took 15-30 % less; a stored flow's writes about the same.
  //
  // A row is written once, after addRow, into zeroed arrays: a 0 is left unwritten. A flood's
  // flows are mostly zeros (no payload, no retransmission, no ACK), and the pages of a column
  // nothing writes to are never faulted in.
  set(c: Column, row: number, v: number): void {
    if (v === 0 && c.type !== 'f64') return;
    const a = this.chunks[row >>> CHUNK_BITS][c.index];
    const i = row & CHUNK_MASK;
    switch (c.type) {
      case 'f64':
        (a as Float64Array)[i] = v;
        return;
      case 'u32':
        if ((v >>> 0) === v && v < c.escape) {
          (a as Uint32Array)[i] = v;
          return;
        }
        break;
      case 'u16':
        if ((v >>> 0) === v && v < c.escape) {
          (a as Uint16Array)[i] = v;
          return;
        }
        break;
      default:
        if ((v >>> 0) === v && v < c.escape) {
          (a as Uint8Array)[i] = v;
          return;
        }
    }
    this.wide.set(row * this.width + c.index, v);
    a[i] = c.escape;
  }

  /**
   * Writes a whole new row at once: `v[c.index]` is column c's value (set's rules). What the
   * store does for every finished flow: one call and one loop instead of a call per column, and
   * the values wait in a Float64Array, where a number that is no small integer (a time in
   * seconds since 1970) takes no heap box of its own on the way.
   */
  setRow(row: number, v: Float64Array): void {
    const ch = this.chunks[row >>> CHUNK_BITS];
    const i = row & CHUNK_MASK;
    const kinds = this.kinds;
    for (let k = 0; k < kinds.length; k++) {
      const x = v[k];
      const kind = kinds[k];
      if (kind === F64) {
        (ch[k] as Float64Array)[i] = x;
        continue;
      }
      if (x === 0) continue;
      if ((x >>> 0) === x) {
        if (kind === U32) {
          if (x < 0xffffffff) {
            (ch[k] as Uint32Array)[i] = x;
            continue;
          }
        } else if (kind === U16) {
          if (x < 0xffff) {
            (ch[k] as Uint16Array)[i] = x;
            continue;
          }
        } else if (x < 0xff) {
          (ch[k] as Uint8Array)[i] = x;
          continue;
        }
      }
      this.set(this.list[k], row, x);
    }
  }

  /**
   * The arrays of the chunk holding `row` (its place in them: row & CHUNK_MASK), for a reader of
   * a few columns of every row (glance.ts). A value equal to its column's escape is in the side
   * map (get). The last chunk's arrays are replaced when it grows: ask again after adding rows.
   */
  chunkOf(row: number): Chunk {
    return this.chunks[row >>> CHUNK_BITS];
  }

  get(c: Column, row: number): number {
    const a = this.chunks[row >>> CHUNK_BITS][c.index];
    const i = row & CHUNK_MASK;
    let v: number;
    switch (c.type) {
      case 'f64': return (a as Float64Array)[i];
      case 'u32': v = (a as Uint32Array)[i]; break;
      case 'u16': v = (a as Uint16Array)[i]; break;
      default: v = (a as Uint8Array)[i];
    }
    return v === c.escape ? this.wide.get(row * this.width + c.index)! : v;
  }
}
