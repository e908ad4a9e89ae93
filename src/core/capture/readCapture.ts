import { open, stat } from 'node:fs/promises';
import { ReadContext, type RecordParser } from './context';
import { gunzipped } from './gunzip';
import { streamChunks } from './streamInput';
import { isPcapMagic, PcapParser } from './pcapParser';
import { BT_SHB, PcapngParser } from './pcapngParser';
import { CaptureFormatError, type PacketRecord, type ReadOptions, type ReadSummary } from './types';
import { Window } from './window';

// 2 MiB reads: as fast as 4 MiB here (two buffers are held, so this is 4 MiB of RSS less).
const DEFAULT_CHUNK = 2 * 1024 * 1024;
const PROGRESS_STEP = 4 * 1024 * 1024;
/** Room in front of each read buffer for the record split across chunks (a max-size pcap record fits). */
const CARRY_GAP = 512 * 1024;

/**
 * Reads a pcap / pcapng file (gzip-compressed too) and calls `onPacket` for every packet, in file
 * order. The record passed is reused and its `data` is a view into the reader's buffer: valid only
 * during the call. Damage is reported in `problems`; only a file that cannot be a capture at all
 * throws CaptureFormatError.
 */
export async function readCaptureFile(path: string, onPacket: (p: PacketRecord) => void, opts: ReadOptions = {}): Promise<ReadSummary> {
  const st = await stat(path);
  if (!st.isFile()) {
    // A pipe, FIFO or device: no size and no reading at an offset (pread gives ESPIPE).
    return readCaptureChunks(streamChunks(path, st, opts.chunkSize ?? DEFAULT_CHUNK, opts.signal), onPacket, opts);
  }
  const fh = await open(path, 'r');
  try {
    const total = (await fh.stat()).size;
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
    const head = new Uint8Array(4);
    const { bytesRead: headLen } = await fh.read(head, 0, 4, 0);
    if (headLen >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      return await readCaptureChunks(fileChunks(fh, chunkSize), onPacket, { ...opts, totalBytes: total });
    }
    const ctx = new ReadContext(onPacket);
    const w = new Window(0);
    const progress = new Progress(opts, total);
    // Two buffers: the next chunk is read into one while the other is parsed, so disk/page-cache
    // time and parsing overlap. Each has a gap in front where the record split across the chunk
    // boundary is copied, keeping every record contiguous without copying whole chunks.
    const bufs = [new Uint8Array(CARRY_GAP + chunkSize), new Uint8Array(CARRY_GAP + chunkSize)];
    let cur = 0;
    let r = await fh.read(bufs[0], CARRY_GAP, chunkSize, 0);
    let filePos = r.bytesRead;
    w.attach(bufs[0], CARRY_GAP, CARRY_GAP + r.bytesRead, -CARRY_GAP);
    let parser: RecordParser | undefined;
    let aborted = false;
    while (true) {
      const eof = r.bytesRead === 0 || filePos >= total;
      parser ??= detect(w, ctx, false, eof);
      const next = eof ? undefined : fh.read(bufs[1 - cur], CARRY_GAP, chunkSize, filePos);
      let more: boolean;
      try {
        more = parser ? parser.parse(w, eof) : true;
      } catch (e) {
        // A throwing onPacket: let the read in flight finish before the handle closes.
        if (next) await next.catch(() => undefined);
        throw e;
      }
      progress.report(filePos);
      if (opts.signal?.aborted) aborted = true;
      if (!next) break;
      r = await next;
      if (!more || aborted) break;
      filePos += r.bytesRead;
      const leftover = w.len - w.pos;
      const nb = bufs[1 - cur];
      if (leftover <= CARRY_GAP) {
        nb.set(w.buf.subarray(w.pos, w.len), CARRY_GAP - leftover);
        w.attach(nb, CARRY_GAP - leftover, CARRY_GAP + r.bytesRead, w.base + w.pos - (CARRY_GAP - leftover));
        cur = 1 - cur;
      } else {
        // A block longer than the gap (large pcapng blocks; bounded by the parsers' limits).
        const big = new Uint8Array(leftover + r.bytesRead);
        big.set(w.buf.subarray(w.pos, w.len), 0);
        big.set(nb.subarray(CARRY_GAP, CARRY_GAP + r.bytesRead), leftover);
        w.attach(big, 0, big.length, w.base + w.pos);
      }
    }
    progress.report(filePos, true);
    ctx.finish();
    return { info: ctx.info, packets: ctx.packets, frames: ctx.frames, bytesRead: filePos, problems: ctx.problems, aborted };
  } finally {
    await fh.close();
  }
}

/** Same as readCaptureFile over chunks from anywhere (vscode.workspace.fs, tests). Gzip is detected by its magic. */
export async function readCaptureChunks(
  chunks: AsyncIterable<Uint8Array>, onPacket: (p: PacketRecord) => void, opts: ReadOptions & { totalBytes?: number } = {},
): Promise<ReadSummary> {
  const ctx = new ReadContext(onPacket);
  const counter = new ByteCounter(chunks);
  const progress = new Progress(opts, opts.totalBytes ?? 0);
  const w = new Window(opts.chunkSize ?? 1024 * 1024);
  let parser: RecordParser | undefined;
  let aborted = false;
  let compressed = false;
  let source: AsyncIterable<Uint8Array> = counter;
  const it = counter[Symbol.asyncIterator]();
  // Peek the first two bytes to decide on gzip without losing them.
  const head: Uint8Array[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 2) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    // A chunk too short to decide on is copied: the caller may reuse it once we ask for more.
    head.push(headLen + r.value.length < 2 ? r.value.slice() : r.value);
    headLen += r.value.length;
  }
  const first = head.length > 0 ? concatHead(head) : new Uint8Array(0);
  const replay = replayThen(first, done ? undefined : it);
  source = replay;
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    compressed = true;
    source = gunzipped(replay, ctx);
  }
  let stop = false;
  for await (const chunk of source) {
    if (opts.signal?.aborted) { aborted = true; break; }
    // Nothing carried over: parse straight from the caller's chunk (no copy), then keep only the
    // unfinished record in our own buffer.
    const direct = w.len === w.pos;
    const own = w.buf;
    if (direct) w.attach(chunk, 0, chunk.length, w.base + w.pos);
    else w.append(chunk);
    parser ??= detect(w, ctx, compressed, false);
    if (parser) {
      if (!parser.parse(w, false)) stop = true;
    }
    if (direct) {
      const rest = chunk.subarray(w.pos, w.len);
      w.attach(own, 0, 0, w.base + w.pos);
      w.append(rest);
    }
    progress.report(counter.bytes);
    if (stop) break;
  }
  // A source that ends because of the abort (a pipe closed by it) is not a short file.
  if (opts.signal?.aborted) aborted = true;
  if (!stop && !aborted) {
    parser ??= detect(w, ctx, compressed, true);
    if (parser) parser.parse(w, true);
  }
  progress.report(counter.bytes, true);
  ctx.finish();
  ctx.info.compressed = compressed;
  return { info: ctx.info, packets: ctx.packets, frames: ctx.frames, bytesRead: counter.bytes, problems: ctx.problems, aborted };
}

/** Picks the parser from the magic; throws CaptureFormatError for anything that is not a capture. */
function detect(w: Window, ctx: ReadContext, compressed: boolean, eof: boolean): RecordParser | undefined {
  const left = w.len - w.pos;
  if (left < 4) {
    if (!eof) return undefined;
    if (left === 0) throw new CaptureFormatError(compressed ? 'empty capture inside the gzip file' : 'empty file: not a capture', 0);
    throw new CaptureFormatError(`file too short to be a capture (${left} bytes)`, 0);
  }
  const b = w.buf, p = w.pos;
  const magic = w.view.getUint32(p, true);
  ctx.info.compressed = compressed;
  if (isPcapMagic(magic)) return new PcapParser(ctx);
  if (magic === BT_SHB) return new PcapngParser(ctx);
  if (compressed && b[p] === 0x1f && b[p + 1] === 0x8b) {
    throw new CaptureFormatError('gzip inside gzip: the capture is compressed twice; decompress the outer layer with `gunzip` first', 0);
  }
  if (b[p] === 0x28 && b[p + 1] === 0xb5 && b[p + 2] === 0x2f && b[p + 3] === 0xfd) {
    throw new CaptureFormatError('zstd-compressed capture: decompress with `zstd -d` first', 0);
  }
  if (b[p] === 0xfd && b[p + 1] === 0x37 && b[p + 2] === 0x7a && b[p + 3] === 0x58) {
    throw new CaptureFormatError('xz-compressed capture: decompress with `xz -d` first', 0);
  }
  if (b[p] === 0x42 && b[p + 1] === 0x5a && b[p + 2] === 0x68) {
    throw new CaptureFormatError('bzip2-compressed capture: decompress with `bzip2 -d` first', 0);
  }
  if (b[p] === 0x04 && b[p + 1] === 0x22 && b[p + 2] === 0x4d && b[p + 3] === 0x18) {
    throw new CaptureFormatError('lz4-compressed capture: decompress with `lz4 -d` first', 0);
  }
  const hex = Array.from(b.subarray(p, p + 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
  throw new CaptureFormatError(`not a pcap or pcapng file: unknown magic ${hex} at offset 0`, 0);
}

async function* fileChunks(fh: import('node:fs/promises').FileHandle, chunkSize: number): AsyncGenerator<Uint8Array> {
  let pos = 0;
  while (true) {
    // A fresh buffer per chunk: zlib may still hold the previous one.
    const buf = new Uint8Array(chunkSize);
    const { bytesRead } = await fh.read(buf, 0, chunkSize, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield bytesRead === chunkSize ? buf : buf.subarray(0, bytesRead);
  }
}

function concatHead(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) { out.set(x, o); o += x.length; }
  return out;
}

async function* replayThen(first: Uint8Array, rest: AsyncIterator<Uint8Array> | undefined): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  if (!rest) return;
  while (true) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Counts the (compressed) bytes pulled from the source, for progress and the summary. */
class ByteCounter implements AsyncIterable<Uint8Array> {
  bytes = 0;
  constructor(private readonly src: AsyncIterable<Uint8Array>) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const c of this.src) {
      this.bytes += c.length;
      yield c;
    }
  }
}

class Progress {
  private last = -1;
  constructor(private readonly opts: ReadOptions, private readonly total: number) {}
  report(bytes: number, final = false): void {
    if (!this.opts.onProgress) return;
    if (!final && this.last >= 0 && bytes - this.last < PROGRESS_STEP) return;
    if (final && bytes === this.last) return;
    this.last = bytes;
    this.opts.onProgress(bytes, this.total);
  }
}
