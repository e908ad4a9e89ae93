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

  const literal = (from: number, count: number): void => {
    if (count <= 60) out[op++] = (count - 1) << 2;
    else {
      const value = count - 1;
      const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
      out[op++] = (59 + bytes) << 2;
      for (let i = 0; i < bytes; i++) out[op++] = (value >>> (i * 8)) & 0xff;
    }
    if (count < 16) for (let i = 0; i < count; i++) out[op++] = input[from + i];
    else {
      out.set(input.subarray(from, from + count), op);
      op += count;
    }
  };
  const copyUnder64 = (offset: number, count: number): void => {
    if (count < 12 && offset < 2048) {
      out[op++] = 1 + ((count - 4) << 2) + ((offset >>> 8) << 5);
      out[op++] = offset & 0xff;
    } else {
      out[op++] = 2 + ((count - 1) << 2);
      out[op++] = offset & 0xff;
      out[op++] = (offset >>> 8) & 0xff;
    }
  };
  const copy = (offset: number, count: number): void => {
    while (count >= 68) {
      copyUnder64(offset, 64);
      count -= 64;
    }
    if (count > 64) {
      copyUnder64(offset, 60);
      count -= 60;
    }
    copyUnder64(offset, count);
  };

  let bits = 1;
  while (1 << bits <= n && bits <= MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (hashTables[bits] ??= new Uint32Array(1 << bits));
  table.fill(0);
  const load32 = (p: number): number => input[p] + (input[p + 1] << 8) + (input[p + 2] << 16) + (input[p + 3] << 24);
  const hash = (p: number): number => Math.imul(load32(p), 0x1e35a7bd) >>> shift;
  const equals32 = (p: number, q: number): boolean =>
    input[p] === input[q] && input[p + 1] === input[q + 1] && input[p + 2] === input[q + 2] && input[p + 3] === input[q + 3];

  let nextEmit = 0;
  if (n >= INPUT_MARGIN) {
    const ipLimit = n - INPUT_MARGIN;
    let ip = 1;
    let nextHash = hash(ip);
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
        nextHash = hash(nextIp);
        candidate = table[h];
        table[h] = ip;
      } while (ip - candidate > MAX_OFFSET || !equals32(ip, candidate));

      literal(nextEmit, ip - nextEmit);
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        copy(base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[hash(ip - 1)] = ip - 1;
        const h = hash(ip);
        candidate = table[h];
        table[h] = ip;
      } while (ip - candidate <= MAX_OFFSET && equals32(ip, candidate));
      ip++;
      nextHash = hash(ip);
    }
  }
  if (nextEmit < n) literal(nextEmit, n - nextEmit);
  return out.subarray(0, op);
}
