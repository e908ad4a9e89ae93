/**
 * Snappy compression for the Parquet export: the algorithm of hyparquet-writer's own compressor
 * (snappyjs, MIT, Zhipeng Jia: one block, a 2^14-entry hash table, the same literals and copies,
 * so the same bytes — a test compares both), writing into one preallocated array. The library's
 * version appends every tag byte through a growing ByteWriter and a DataView and wraps every
 * literal in a new view; compression was the largest part of the export after the flows
 * themselves (a distinct 8-byte value per row costs more to compress than to write).
 */

const MAX_HASH_TABLE_BITS = 14;
const MAX_OFFSET = 0xffff;
const INPUT_MARGIN = 15;
const hashTables: (Uint32Array | undefined)[] = [];

/** Snappy-compressed bytes of `input` (its uncompressed length as a varint, then one block). */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const n = input.length;
  // Snappy's bound on the compressed size (MaxCompressedLength) plus the varint.
  const out = new Uint8Array(32 + n + Math.floor(n / 6));
  let op = 0;
  let len = n;
  while (len >= 0x80) {
    out[op++] = (len & 0x7f) | 0x80;
    len >>>= 7;
  }
  out[op++] = len;

  let bits = 1;
  while (1 << bits <= n && bits <= MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (hashTables[bits] ??= new Uint32Array(1 << bits));
  table.fill(0);

  // The position `op` is a local, not shared with helper closures: they return where they stopped.
  let nextEmit = 0;
  if (n >= INPUT_MARGIN) {
    const ipLimit = n - INPUT_MARGIN;
    let ip = 1;
    let nextHash = hash(input, ip, shift);
    let candidate = 0;
    outer: for (;;) {
      let skip = 32;
      let nextIp = ip;
      do {
        ip = nextIp;
        const h = nextHash;
        nextIp = ip + (skip >>> 5);
        skip++;
        if (ip > ipLimit) break outer;
        nextHash = hash(input, nextIp, shift);
        candidate = table[h];
        table[h] = ip;
      } while (ip - candidate > MAX_OFFSET || !equals32(input, ip, candidate));

      op = literal(out, op, input, nextEmit, ip - nextEmit);
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = copy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[hash(input, ip - 1, shift)] = ip - 1;
        const h = hash(input, ip, shift);
        candidate = table[h];
        table[h] = ip;
      } while (ip - candidate <= MAX_OFFSET && equals32(input, ip, candidate));
      ip++;
      nextHash = hash(input, ip, shift);
    }
  }
  if (nextEmit < n) op = literal(out, op, input, nextEmit, n - nextEmit);
  return out.subarray(0, op);
}

function hash(input: Uint8Array, p: number, shift: number): number {
  const key = input[p] + (input[p + 1] << 8) + (input[p + 2] << 16) + (input[p + 3] << 24);
  return Math.imul(key, 0x1e35a7bd) >>> shift;
}

function equals32(input: Uint8Array, p: number, q: number): boolean {
  return input[p] === input[q] && input[p + 1] === input[q + 1] && input[p + 2] === input[q + 2] && input[p + 3] === input[q + 3];
}

function literal(out: Uint8Array, op: number, input: Uint8Array, from: number, count: number): number {
  if (count <= 60) out[op++] = (count - 1) << 2;
  else {
    const value = count - 1;
    const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    out[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) out[op++] = (value >>> (i * 8)) & 0xff;
  }
  if (count < 16) {
    for (let i = 0; i < count; i++) out[op++] = input[from + i];
    return op;
  }
  out.set(input.subarray(from, from + count), op);
  return op + count;
}

function copyUnder64(out: Uint8Array, op: number, offset: number, count: number): number {
  if (count < 12 && offset < 2048) {
    out[op++] = 1 + ((count - 4) << 2) + ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 + ((count - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = (offset >>> 8) & 0xff;
  }
  return op;
}

function copy(out: Uint8Array, op: number, offset: number, count: number): number {
  while (count >= 68) {
    op = copyUnder64(out, op, offset, 64);
    count -= 64;
  }
  if (count > 64) {
    op = copyUnder64(out, op, offset, 60);
    count -= 60;
  }
  return copyUnder64(out, op, offset, count);
}
