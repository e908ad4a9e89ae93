/**
 * The uncompressed bytes zlib produced before it found damage in deflate data. Node's zlib binding
 * drops the output of the call that fails (up to one output chunk: every packet of a small file), so after a failure the member is decompressed again here with pako, a JavaScript port
 * of zlib that fails at the same byte and leaves what it produced before in its output buffer.
 */
import { Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, ZStream, zlibInflate, zlibInflateInit2 } from 'pako';

const OUT = 64 * 1024;

/**
 * Inflates raw deflate data given as `pieces` (from the start of the deflate stream) and returns
 * what came out before the damage, past the first `skip` bytes (those were delivered already);
 * at most `limit` bytes.
 */
export function outputBeforeDamage(pieces: readonly Uint8Array[], skip: number, limit: number): { bytes: Uint8Array; stoppedAt: number } {
  const strm = new ZStream();
  zlibInflateInit2(strm, -15);
  strm.output = new Uint8Array(OUT);
  strm.next_out = 0;
  strm.avail_out = OUT;
  let produced = 0;
  const kept: Uint8Array[] = [];
  let keptLen = 0;
  /** Deflate bytes consumed when zlib stopped: where the damage was found. */
  let stoppedAt = 0;
  const take = (): void => {
    const n = strm.next_out;
    if (produced + n > skip && keptLen < limit) {
      const part = strm.output.slice(Math.max(0, skip - produced), n);
      kept.push(part.subarray(0, Math.min(part.length, limit - keptLen)));
      keptLen += kept[kept.length - 1].length;
    }
    produced += n;
    // pako keeps its own window: the output buffer can be reused.
    strm.next_out = 0;
    strm.avail_out = OUT;
  };
  let base = 0;
  outer: for (const piece of pieces) {
    strm.input = piece;
    strm.next_in = 0;
    strm.avail_in = piece.length;
    while (true) {
      const status = zlibInflate(strm, Z_NO_FLUSH);
      stoppedAt = base + strm.next_in;
      // Anything but "more please" ends it: the damage (a data error) or, unexpectedly, the end.
      if (status !== Z_OK && status !== Z_BUF_ERROR) break outer;
      if (strm.avail_out === 0) {
        take();
        if (keptLen >= limit) break outer;
        continue;
      }
      if (strm.avail_in === 0 || status === Z_BUF_ERROR) break;
    }
    base += piece.length;
  }
  take();
  if (kept.length <= 1) return { bytes: kept[0] ?? new Uint8Array(0), stoppedAt };
  const all = new Uint8Array(keptLen);
  let o = 0;
  for (const k of kept) { all.set(k, o); o += k.length; }
  return { bytes: all, stoppedAt };
}
