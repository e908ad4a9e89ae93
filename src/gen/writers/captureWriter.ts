/**
 * Streaming pcap / pcapng writers. Frames are built in place in the writer's chunk buffer
 * (`beginFrame` → write at the returned offset → `endFrame`), and the chunk goes to the sink
 * when full, so multi-GiB captures need neither per-packet allocation nor much memory.
 *
 * pcap: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html (µs magic a1b2c3d4,
 * ns magic a1b23c4d). pcapng: draft-ietf-opsawg-pcapng (SHB 0x0a0d0d0a, IDB 1, EPB 6).
 */
import type { ByteSink } from './sink';
import { toUnits64 } from './timestamp';

export interface CaptureFormat {
  container: 'pcap' | 'pcapng';
  /** Timestamp resolution: pcap magic, or pcapng if_tsresol (6 or 9). */
  resolution: 'us' | 'ns';
  bigEndian?: boolean;
  /** Default 262144 (tcpdump's). Frames longer than this are cut (cap_len < len). */
  snaplen?: number;
  /** LINKTYPE_ETHERNET = 1 by default. */
  linkType?: number;
  /** pcapng only: section comment and interface name. */
  sectionComment?: string;
  interfaceName?: string;
}

const CHUNK = 8 << 20;
/** Largest frame + block overhead + comment room a single record may need. */
const MAX_RECORD = 70000;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export class CaptureWriter {
  /** Chunk buffer; frames are written into it at the offset `beginFrame` returns. */
  readonly buf = new Uint8Array(CHUNK + MAX_RECORD);
  private readonly view = new DataView(this.buf.buffer);
  private pos = 0;
  private recordStart = 0;
  private readonly le: boolean;
  private readonly ng: boolean;
  private readonly units: 1e6 | 1e9;
  private readonly snaplen: number;
  private readonly encoder = new TextEncoder();
  packets = 0;
  bytesWritten = 0;

  constructor(private readonly sink: ByteSink, readonly format: CaptureFormat) {
    this.le = !format.bigEndian;
    this.ng = format.container === 'pcapng';
    this.units = format.resolution === 'ns' ? 1e9 : 1e6;
    this.snaplen = format.snaplen ?? 262144;
    if (this.ng) this.writePcapngHeader();
    else this.writePcapHeader();
  }

  private u16(v: number): void {
    this.view.setUint16(this.pos, v, this.le);
    this.pos += 2;
  }

  private u32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, this.le);
    this.pos += 4;
  }

  private writePcapHeader(): void {
    this.u32(this.units === 1e9 ? 0xa1b23c4d : 0xa1b2c3d4);
    this.u16(2);
    this.u16(4);
    this.u32(0); // thiszone
    this.u32(0); // sigfigs
    this.u32(this.snaplen);
    this.u32(this.format.linkType ?? 1);
  }

  /** pcapng option: code, length, value padded to 32 bits. */
  private option(code: number, value: Uint8Array): void {
    this.u16(code);
    this.u16(value.length);
    this.buf.set(value, this.pos);
    this.buf.fill(0, this.pos + value.length, this.pos + pad4(value.length));
    this.pos += pad4(value.length);
  }

  private endOfOptions(): void {
    this.u16(0);
    this.u16(0);
  }

  private closeBlock(start: number): void {
    const len = this.pos + 4 - start;
    this.view.setUint32(start + 4, len, this.le);
    this.u32(len);
  }

  private writePcapngHeader(): void {
    const shb = this.pos;
    this.u32(0x0a0d0d0a);
    this.u32(0); // length, patched
    this.u32(0x1a2b3c4d); // byte-order magic, written in the chosen order
    this.u16(1);
    this.u16(0);
    this.u32(0xffffffff); // section length unknown (-1)
    this.u32(0xffffffff);
    if (this.format.sectionComment) {
      this.option(1, this.encoder.encode(this.format.sectionComment));
      this.option(4, this.encoder.encode('synscope capture generator')); // shb_userappl
      this.endOfOptions();
    }
    this.closeBlock(shb);

    const idb = this.pos;
    this.u32(1);
    this.u32(0);
    this.u16(this.format.linkType ?? 1);
    this.u16(0);
    this.u32(this.snaplen);
    if (this.format.interfaceName) this.option(2, this.encoder.encode(this.format.interfaceName));
    this.option(9, Uint8Array.of(this.units === 1e9 ? 9 : 6)); // if_tsresol: 10^-n
    this.endOfOptions();
    this.closeBlock(idb);
  }

  /** Reserves room for a frame of at most `maxLen` bytes; returns where to write it in `buf`. */
  beginFrame(maxLen: number): number {
    if (maxLen > 65535 + 100) throw new Error(`frame too large: ${maxLen}`);
    if (this.pos + maxLen + 1024 > CHUNK) this.flush();
    this.recordStart = this.pos;
    return this.pos + (this.ng ? 28 : 16);
  }

  /**
   * Completes the record begun by `beginFrame`. `len` is the frame's length on the wire; the
   * captured length is cut to the snap length. `nsec` is truncated to the file resolution.
   */
  endFrame(sec: number, nsec: number, len: number, comment?: string): void {
    const capLen = Math.min(len, this.snaplen);
    const frac = this.units === 1e9 ? nsec : Math.floor(nsec / 1000);
    const start = this.recordStart;
    this.pos = start;
    if (this.ng) {
      const ts = toUnits64(sec, frac, this.units);
      this.u32(6);
      this.u32(0);
      this.u32(0); // interface id
      this.u32(ts.hi);
      this.u32(ts.lo);
      this.u32(capLen);
      this.u32(len);
      this.buf.fill(0, this.pos + capLen, this.pos + pad4(capLen));
      this.pos += pad4(capLen);
      if (comment) {
        this.option(1, this.encoder.encode(comment));
        this.endOfOptions();
      }
      this.closeBlock(start);
    } else {
      // pcap records have no room for comments: the same scenario may be written either way
      this.u32(sec);
      this.u32(frac);
      this.u32(capLen);
      this.u32(len);
      this.pos += capLen;
    }
    this.packets++;
  }

  /** Writes a prebuilt frame. */
  writeFrame(sec: number, nsec: number, frame: Uint8Array, comment?: string): void {
    const at = this.beginFrame(frame.length);
    this.buf.set(frame, at);
    this.endFrame(sec, nsec, frame.length, comment);
  }

  flush(): void {
    if (this.pos === 0) return;
    this.sink.write(this.buf.subarray(0, this.pos));
    this.bytesWritten += this.pos;
    this.pos = 0;
  }

  /** Bytes written so far, including the unflushed part of the chunk. */
  get size(): number {
    return this.bytesWritten + this.pos;
  }

  close(): void {
    this.flush();
    this.sink.close();
  }
}
