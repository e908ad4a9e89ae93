/**
 * gzip (RFC 1952) for the capture reader: members are framed here and only their deflate data
 * goes through zlib, so a bad CRC, a bad length, a damaged next member or trailing garbage is
 * found after every byte of the member before it has been delivered. (zlib's own gunzip reports
 * those as an error from the same call that produced the member's last output, and Node then
 * drops that output: up to one output chunk of packets, a whole small file.)
 */
import * as zlib from 'node:zlib';
import type { ReadContext } from './context';
import { outputBeforeDamage } from './inflateTail';

/** Compressed bytes handed to zlib at a time: bounds the output of one write (~16 MiB at deflate's 1032:1 maximum). */
const GZ_PIECE = 16 * 1024;
/**
 * zlib's output per call (Node's default is 16 KiB). Each call is a round trip to the thread pool:
 * 128 KiB takes a 1 GB gzip bomb in 1.6 s instead of 8.7 s, a 200 MB capture in 0.9 s, not 1.2 s.
 */
const OUT_CHUNK = 128 * 1024;
/** Longest member header accepted: FEXTRA is ≤ 64 KiB by its length field; FNAME/FCOMMENT are not bounded by the format. */
const MAX_HEADER = 128 * 1024;
/**
 * A member's deflate bytes are kept while it is this small, to recover the output zlib lost at a
 * damage (decompressing it again takes ≤ ~0.2 s); beyond, a damage may lose up to one output
 * chunk (OUT_CHUNK) before it.
 */
const KEEP_COMPRESSED = 8 * 1024 * 1024;
const KEEP_UNCOMPRESSED = 32 * 1024 * 1024;
/** Output recovered that way: what zlib lost is at most one OUT_CHUNK; the margin is for safety. */
const RECOVER_LIMIT = 1024 * 1024;
const FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;
// zlib.crc32 arrived in Node 20.15; without it the CRC is not checked (the length still is).
const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

const enum State { Header, Body, Trailer, Done }

const hex32 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/**
 * Streams the uncompressed bytes of every member; damage becomes a problem in `ctx`, never an
 * exception. Pieces start at fixed compressed offsets, so zlib sees the same writes (and stops at
 * the same place on damage) however the source happens to be chunked.
 */
export async function* gunzipped(src: AsyncIterable<Uint8Array>, ctx: ReadContext): AsyncGenerator<Uint8Array> {
  const g = new Members(ctx);
  let piece = new Uint8Array(GZ_PIECE);
  let fill = 0;
  try {
    for await (const chunk of src) {
      for (let o = 0; o < chunk.length && !g.done;) {
        const n = Math.min(GZ_PIECE - fill, chunk.length - o);
        piece.set(chunk.subarray(o, o + n), fill);
        fill += n;
        o += n;
        if (fill < GZ_PIECE) break;
        yield* g.feed(piece, false);
        // A fresh piece: unconsumed bytes of this one may still be held as the next header.
        piece = new Uint8Array(GZ_PIECE);
        fill = 0;
      }
      if (g.done) break;
    }
    if (!g.done) yield* g.feed(piece.subarray(0, fill), true);
  } finally {
    g.close();
  }
}

class Members {
  done = false;
  private state = State.Header;
  /** Compressed bytes not yet consumed, and the compressed offset of pending[0]. */
  private pending: Uint8Array = new Uint8Array(0);
  private pendingAt = 0;
  /** Uncompressed bytes delivered (the stream offset problems are reported at). */
  private outTotal = 0;
  private member = 0;
  private memberAt = 0;
  /** Compressed offset of the current member's deflate data. */
  private deflateAt = 0;
  private crc = 0;
  private size = 0;
  private inf: zlib.InflateRaw | null = null;
  /** The current member's deflate bytes so far, while small enough (KEEP_*); null beyond. */
  private kept: Uint8Array[] | null = null;
  private keptBytes = 0;
  private out: Uint8Array[] = [];
  private failed: Error | null = null;
  private closed: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: ReadContext) {}

  async *feed(bytes: Uint8Array, eof: boolean): AsyncGenerator<Uint8Array> {
    this.append(bytes);
    while (!this.done) {
      if (this.state === State.Header) {
        if (!this.header(eof)) return;
      } else if (this.state === State.Body) {
        // Still in the body after writing everything pending: zlib wants more input.
        if (this.pending.length > 0) yield* this.body();
        else if (eof) yield* this.finishBody();
        else return;
      } else if (this.state === State.Trailer) {
        if (!this.trailer(eof)) return;
      } else {
        return;
      }
    }
  }

  close(): void {
    this.inf?.destroy();
    this.inf = null;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.pending.length === 0) {
      this.pending = bytes;
      return;
    }
    const all = new Uint8Array(this.pending.length + bytes.length);
    all.set(this.pending, 0);
    all.set(bytes, this.pending.length);
    this.pending = all;
  }

  private consume(n: number): void {
    this.pending = this.pending.subarray(n);
    this.pendingAt += n;
  }

  private stop(message: string): void {
    this.ctx.problem(this.outTotal, message);
    this.done = true;
  }

  /** Parses a member header from `pending`; false when more bytes are needed or reading stops. */
  private header(eof: boolean): boolean {
    const b = this.pending, at = this.pendingAt;
    if (b.length === 0 && eof) {
      // The normal end: input ends right after a member's trailer.
      this.done = true;
      return false;
    }
    if (this.member > 0 && (b.length < 1 || b[0] !== 0x1f || (b.length >= 2 && b[1] !== 0x8b))) {
      if (b.length === 0) return false;
      const head = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
      this.stop(`data after gzip member ${this.member} at compressed offset ${at} is not a gzip member (starts ${head}): trailing garbage ignored`);
      return false;
    }
    const n = headerLength(b);
    if (typeof n === 'string') {
      this.stop(`gzip member ${this.member + 1} at compressed offset ${at}: ${n}`);
      return false;
    }
    if (n === 0) {
      if (b.length > MAX_HEADER) this.stop(`gzip member ${this.member + 1} at compressed offset ${at}: header longer than ${MAX_HEADER} bytes`);
      else if (eof) this.stop(`gzip member ${this.member + 1} at compressed offset ${at}: header truncated (${b.length} bytes)`);
      return false;
    }
    this.memberAt = at;
    this.consume(n);
    this.deflateAt = this.pendingAt;
    this.startInflater();
    this.state = State.Body;
    return true;
  }

  private startInflater(): void {
    const inf = zlib.createInflateRaw({ chunkSize: OUT_CHUNK });
    this.inf = inf;
    this.out = [];
    this.failed = null;
    this.crc = 0;
    this.size = 0;
    this.kept = [];
    this.keptBytes = 0;
    // Output is taken from 'data' events as zlib produces it, and the next piece is written only
    // once the previous one is decompressed and handed on: memory stays bounded (gzip bombs).
    inf.on('data', (c: Uint8Array) => { this.out.push(c); });
    inf.on('error', (e: Error) => { this.failed ??= e; });
    // Settles every wait below even if zlib fails without calling a write callback.
    this.closed = new Promise<void>((resolve) => { inf.once('close', resolve); });
  }

  /** Writes all pending bytes; zlib stops consuming at the end of the deflate data. */
  private async *body(): AsyncGenerator<Uint8Array> {
    const inf = this.inf!;
    const input = this.pending;
    const at = this.pendingAt;
    const before = inf.bytesWritten;
    if (this.kept) {
      this.kept.push(input);
      this.keptBytes += input.length;
    }
    await Promise.race([new Promise<void>((resolve) => { inf.write(input, () => resolve()); }), this.closed]);
    yield* this.drain();
    if (this.kept && (this.keptBytes > KEEP_COMPRESSED || this.size > KEEP_UNCOMPRESSED)) this.kept = null;
    if (this.failed) {
      let where = `in compressed bytes ${at}-${at + input.length - 1}`;
      if (this.kept) {
        const r = outputBeforeDamage(this.kept, this.size, RECOVER_LIMIT);
        yield* this.drainOne(r.bytes);
        // zlib gives back the bytes it read ahead: the last one it consumed holds the bad code.
        where = `at compressed offset ${this.deflateAt + Math.max(0, r.stoppedAt - 1)}`;
      }
      this.stop(`gzip stream damaged after ${this.outTotal} uncompressed bytes: ${this.failed.message} (member ${this.member + 1}, ${where})`);
      return;
    }
    const used = inf.bytesWritten - before;
    this.consume(used);
    if (used < input.length) this.endBody();
  }

  /** Input ended inside the deflate data or exactly at its end: zlib says which. */
  private async *finishBody(): AsyncGenerator<Uint8Array> {
    const inf = this.inf!;
    await Promise.race([new Promise<void>((resolve) => { inf.once('end', resolve); inf.end(); }), this.closed]);
    yield* this.drain();
    if (this.failed) {
      this.stop(`gzip stream damaged after ${this.outTotal} uncompressed bytes: ${this.failed.message}`);
      return;
    }
    this.endBody();
  }

  private endBody(): void {
    this.close();
    this.kept = null;
    this.state = State.Trailer;
  }

  private *drain(): Generator<Uint8Array> {
    for (const c of this.out.splice(0)) yield* this.drainOne(c);
  }

  private *drainOne(c: Uint8Array): Generator<Uint8Array> {
    if (c.length === 0) return;
    if (crc32) this.crc = crc32(c, this.crc);
    this.size += c.length;
    this.outTotal += c.length;
    yield c;
  }

  /** CRC-32 and length of the member's data (RFC 1952 §2.3.1). */
  private trailer(eof: boolean): boolean {
    const b = this.pending, at = this.pendingAt;
    if (b.length < 8) {
      if (eof) this.stop(`gzip member ${this.member + 1} truncated in its 8-byte trailer at compressed offset ${at} (all ${this.size} uncompressed bytes were read)`);
      return false;
    }
    const v = new DataView(b.buffer, b.byteOffset, 8);
    const crc = v.getUint32(0, true);
    const isize = v.getUint32(4, true);
    this.member++;
    if (crc32 && crc !== this.crc >>> 0) {
      this.ctx.problem(this.outTotal, `gzip member ${this.member} at compressed offset ${this.memberAt}: CRC-32 of its ${this.size} uncompressed bytes is ${hex32(this.crc)}, the trailer at compressed offset ${at} says ${hex32(crc)}: the data may be corrupt (read anyway)`);
    } else if (isize !== this.size % 2 ** 32) {
      this.ctx.problem(this.outTotal, `gzip member ${this.member} at compressed offset ${this.memberAt}: ${this.size} uncompressed bytes, the trailer at compressed offset ${at + 4} says ${isize} (mod 2^32): the data may be corrupt (read anyway)`);
    }
    this.consume(8);
    this.state = State.Header;
    return true;
  }
}

/** Length of the member header at b[0], 0 if more bytes are needed, or what is wrong with it. */
function headerLength(b: Uint8Array): number | string {
  if (b.length < 10) return 0;
  if (b[0] !== 0x1f || b[1] !== 0x8b) return 'not a gzip header';
  if (b[2] !== 8) return `unknown compression method ${b[2]} (only 8, deflate, is defined)`;
  const flags = b[3];
  if (flags & 0xe0) return `reserved header flags set (0x${flags.toString(16)})`;
  let n = 10;
  if (flags & FEXTRA) {
    if (b.length < n + 2) return 0;
    n += 2 + (b[n] | (b[n + 1] << 8));
  }
  for (const f of [FNAME, FCOMMENT]) {
    if (!(flags & f)) continue;
    while (n < b.length && b[n] !== 0) n++;
    if (n >= b.length) return 0;
    n++;
  }
  if (flags & FHCRC) n += 2;
  return n <= b.length ? n : 0;
}
