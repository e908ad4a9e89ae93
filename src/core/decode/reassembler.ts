import type { PacketRecord } from '../capture/types';
import { decodeRecord } from './decodePacket';
import { decodeIpv4, decodeIpv6, lastFragment } from './ip';
import { DecodeResult, type TcpSegment } from './types';

/** Largest datagram rebuilt (the IPv4 maximum; IPv6 jumbograms are not fragmented). */
const MAX_DATAGRAM = 65535;

interface Pending {
  version: number;
  /** IP header to put in front of the rebuilt datagram (from the offset-0 fragment). */
  header: Uint8Array | null;
  /** Data length, known once the last fragment (more = false) arrived. */
  total: number;
  pieces: Array<{ offset: number; bytes: Uint8Array }>;
  bytes: number;
}

/**
 * decodeRecord with IP reassembly, as tshark does by default (ip.defragment, ipv6.defragment):
 * every fragment of a datagram returns Fragment until the one that completes it, which returns
 * the TCP segment of the whole datagram. tshark reports that segment on the completing frame too.
 *
 * Only fragments are copied (rare in captures); memory is bounded by `maxPending` datagrams of at
 * most 64 KiB each, the oldest dropped first. Stateful: use one instance per capture, in file order.
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  private scratch = new Uint8Array(0);
  /** Datagrams dropped unfinished because too many were pending. */
  evicted = 0;

  constructor(private readonly maxPending = 1024) {}

  decode(rec: PacketRecord, out: TcpSegment): DecodeResult {
    const r = decodeRecord(rec, out);
    const f = lastFragment;
    if (!f.seen) return r;
    const buf = rec.buffer !== undefined && rec.dataOffset !== undefined ? rec.buffer : rec.data;
    return this.add(buf, out);
  }

  private add(d: Uint8Array, out: TcpSegment): DecodeResult {
    const f = lastFragment;
    const addrLen = f.version === 4 ? 4 : 16;
    const addrAt = f.version === 4 ? f.ipStart + 12 : f.ipStart + 8;
    let key = `${f.version}/${f.proto}/${f.id}/`;
    for (let i = 0; i < addrLen * 2; i++) key += d[addrAt + i].toString(16).padStart(2, '0');
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.maxPending) {
        this.pending.delete(this.pending.keys().next().value as string);
        this.evicted++;
      }
      p = { version: f.version, header: null, total: -1, pieces: [], bytes: 0 };
      this.pending.set(key, p);
    }
    // Only bytes the IP header vouches for, and only what was captured.
    const len = Math.min(f.dataEnd - f.dataStart, f.declared);
    if (f.offset + Math.max(len, f.declared) > MAX_DATAGRAM || len < 0) { this.pending.delete(key); return DecodeResult.Malformed; }
    if (len > 0) p.pieces.push({ offset: f.offset, bytes: d.slice(f.dataStart, f.dataStart + len) });
    p.bytes += len;
    if (f.offset === 0) p.header = this.headerOf(d, f.version);
    if (!f.more) p.total = f.offset + f.declared;
    if (p.header === null || p.total < 0 || p.bytes < p.total) return DecodeResult.Fragment;
    const data = this.assemble(p);
    if (!data) return DecodeResult.Fragment;
    this.pending.delete(key);
    return this.decodeDatagram(p.header, data, out);
  }

  /** The IP header of the offset-0 fragment with its fragment fields cleared. */
  private headerOf(d: Uint8Array, version: number): Uint8Array {
    const f = lastFragment;
    if (version === 4) {
      const h = d.slice(f.ipStart, f.dataStart);
      h[6] = 0; h[7] = 0;
      return h;
    }
    // IPv6: the fixed header, continued by the fragment header's next header.
    const h = d.slice(f.ipStart, f.ipStart + 40);
    h[6] = f.proto;
    return h;
  }

  /** The data bytes 0..total, or null while a gap remains. Overlaps: first arrival wins. */
  private assemble(p: Pending): Uint8Array | null {
    const data = new Uint8Array(p.total);
    const have = new Uint8Array(p.total);
    for (const piece of p.pieces) {
      const n = Math.min(piece.bytes.length, p.total - piece.offset);
      for (let i = 0; i < n; i++) {
        if (have[piece.offset + i]) continue;
        have[piece.offset + i] = 1;
        data[piece.offset + i] = piece.bytes[i];
      }
    }
    return have.every((x) => x === 1) ? data : null;
  }

  private decodeDatagram(header: Uint8Array, data: Uint8Array, out: TcpSegment): DecodeResult {
    const size = header.length + data.length;
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, 2048));
    const b = this.scratch;
    b.set(header, 0);
    b.set(data, header.length);
    if (header.length >= 20 && (header[0] >> 4) === 4) {
      b[2] = size >> 8; b[3] = size & 0xff;
      return decodeIpv4(b, 0, size, out, 0);
    }
    b[4] = data.length >> 8; b[5] = data.length & 0xff;
    return decodeIpv6(b, 0, size, out, 0);
  }
}
