/** RFC 1071 Internet checksum helpers, working on big-endian 16-bit words. */

/** Adds the bytes [start, end) to a running one's-complement sum (not yet folded). */
export function sumBytes(buf: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  // The sum stays far below 2^53 for any frame size, so fold only once at the end.
  for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < end) sum += buf[i] << 8;
  return sum;
}

/** Folds a running sum to 16 bits and complements it. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Pseudo-header sum for TCP/UDP over IPv4 or IPv6 (RFC 793 / RFC 8200 §8.1). */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, v6: boolean, proto: number, l4Len: number): number {
  const n = v6 ? 16 : 4;
  let sum = sumBytes(src, 0, n) + sumBytes(dst, 0, n) + proto;
  sum += v6 ? Math.floor(l4Len / 0x10000) + (l4Len & 0xffff) : l4Len;
  return sum;
}
