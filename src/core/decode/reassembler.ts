import type { CaptureProblem, PacketRecord } from '../capture/types';
import { decodeRecord } from './decodePacket';
import { decodeIpv4, decodeIpv6, lastFragment } from './ip';
import { DecodeResult, type TcpSegment } from './types';
import { lastUndecoded, Undecoded, UndecodedTally } from './undecoded';

/** Largest datagram rebuilt (the IPv4 maximum; IPv6 jumbograms are not fragmented). */
const MAX_DATAGRAM = 65535;

/** What reassembly may hold, like Linux's ipfrag_high_thresh (4 MB) and FreeBSD's maxfragsperpacket. */
export interface ReassemblyLimits {
  /** Datagrams pending at once; the oldest is dropped first. */
  maxPending: number;
  /** Fragments one datagram may take (a 64 KiB datagram over a 576-byte MTU needs 120). */
  maxFragments: number;
  /** Bytes all pending datagrams may hold together. */
  maxBytes: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = { maxPending: 1024, maxFragments: 256, maxBytes: 4 * 1024 * 1024 };

interface Pending {
  key: string;
  /** IP header to put in front of the rebuilt datagram (from the offset-0 fragment). */
  header: Uint8Array | null;
  /** Data length, known once the last fragment (more = false) arrived. */
  total: number;
  /** Data bytes so far, at their datagram offsets; grows up to MAX_DATAGRAM. */
  data: Uint8Array;
  /** Covered byte ranges, sorted and disjoint (adjacent ones merged): starts[i] .. ends[i]. */
  starts: number[];
  ends: number[];
  fragments: number;
}

/**
 * decodeRecord with IP reassembly, as tshark does by default (ip.defragment, ipv6.defragment):
 * every fragment of a datagram returns Fragment until the one that completes it, which returns
 * the TCP segment of the whole datagram. tshark reports that segment on the completing frame too.
 *
 * Only fragments are copied (rare in captures). Memory is bounded by ReassemblyLimits: a
 * datagram over them is dropped with its fragments and counted (problems()). Overlaps keep the
 * first arrival's bytes and cost only the ranges' walk, never a pass over earlier fragments, so
 * a flood of overlapping fragments is linear. Stateful: one instance per capture, in file order.
 *
 * Also tallies frames whose link type or encapsulation the decoder cannot read (undecoded.ts).
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  private readonly limits: ReassemblyLimits;
  private scratch = new Uint8Array(0);
  private held = 0;
  /** Datagrams dropped unfinished because a limit was reached. */
  evicted = 0;
  /** Fragments thrown away with them (or refused: past 64 KiB). */
  droppedFragments = 0;
  /** Ranges walked plus bytes copied by all inserts: what overlap handling cost (tests check it stays linear). */
  work = 0;
  private firstDrop: { offset: number; frame: number } | null = null;
  private readonly undecoded = new UndecodedTally();
  private rec: PacketRecord | null = null;

  constructor(limits: Partial<ReassemblyLimits> | number = {}) {
    this.limits = { ...DEFAULT_REASSEMBLY_LIMITS, ...(typeof limits === 'number' ? { maxPending: limits } : limits) };
  }

  /** Bytes the pending datagrams hold now (bounded by maxBytes). */
  get heldBytes(): number { return this.held; }
  get pendingDatagrams(): number { return this.pending.size; }

  decode(rec: PacketRecord, out: TcpSegment): DecodeResult {
    let r = decodeRecord(rec, out);
    if (lastFragment.seen) {
      this.rec = rec;
      const buf = rec.buffer !== undefined && rec.dataOffset !== undefined ? rec.buffer : rec.data;
      r = this.add(buf, out);
    }
    if (r === DecodeResult.UnknownLinkType) this.undecoded.note(Undecoded.LinkType, rec.linkType, rec.offset, rec.index);
    else if (lastUndecoded.kind !== Undecoded.None) this.undecoded.note(lastUndecoded.kind, lastUndecoded.value, rec.offset, rec.index);
    return r;
  }

  /** What the user should know: frames not decoded, fragments dropped (empty for a healthy capture). */
  problems(): CaptureProblem[] {
    const out = this.undecoded.problems();
    if (this.droppedFragments > 0 && this.firstDrop) {
      const n = this.droppedFragments;
      const { maxFragments, maxBytes, maxPending } = this.limits;
      out.push({
        offset: this.firstDrop.offset, packet: this.firstDrop.frame - 1,
        message: `${n === 1 ? '1 IP fragment was' : `${n.toLocaleString('en-US')} IP fragments were`} dropped before reassembly ` +
          `(${this.evicted.toLocaleString('en-US')} datagram${this.evicted === 1 ? '' : 's'} over the limits of ${maxFragments} fragments per datagram, ` +
          `${maxBytes / 1048576} MiB of fragments or ${maxPending.toLocaleString('en-US')} datagrams pending, or reaching past 64 KiB); ` +
          `TCP inside them is not analysed (the first is frame ${this.firstDrop.frame})`,
        kind: 'undecoded',
      });
    }
    return out;
  }

  private add(d: Uint8Array, out: TcpSegment): DecodeResult {
    const f = lastFragment;
    const addrLen = f.version === 4 ? 4 : 16;
    const addrAt = f.version === 4 ? f.ipStart + 12 : f.ipStart + 8;
    let key = `${f.version}/${f.proto}/${f.id}/`;
    for (let i = 0; i < addrLen * 2; i++) key += d[addrAt + i].toString(16).padStart(2, '0');
    // Only bytes the IP header vouches for, and only what was captured.
    const len = Math.min(f.dataEnd - f.dataStart, f.declared);
    if (f.offset + Math.max(len, f.declared) > MAX_DATAGRAM || len < 0) {
      const old = this.pending.get(key);
      if (old) this.drop(old);
      this.countDropped(1);
      return DecodeResult.Malformed;
    }
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.limits.maxPending) this.drop(this.pending.values().next().value as Pending);
      p = { key, header: null, total: -1, data: new Uint8Array(0), starts: [], ends: [], fragments: 0 };
      this.pending.set(key, p);
    }
    if (p.fragments >= this.limits.maxFragments) {
      this.drop(p);
      this.countDropped(1);
      return DecodeResult.Fragment;
    }
    p.fragments++;
    if (len > 0) {
      this.reserve(p, f.offset + len);
      this.insert(p, f.offset, d, f.dataStart, len);
    }
    // The latest offset-0 header and last fragment count, as before bounds existed (tshark agreement).
    if (f.offset === 0) p.header = this.headerOf(d, f.version);
    if (!f.more) p.total = f.offset + f.declared;
    if (p.header === null || p.total < 0 || (p.total > 0 && (p.starts.length === 0 || p.starts[0] !== 0 || p.ends[0] < p.total))) return DecodeResult.Fragment;
    this.pending.delete(p.key);
    this.held -= p.data.length;
    return this.decodeDatagram(p.header, p.data.subarray(0, p.total), out);
  }

  /** Room for data up to `need` bytes, within the byte budget (older datagrams go first). */
  private reserve(p: Pending, need: number): void {
    if (p.data.length >= need) return;
    let size = Math.max(2048, p.data.length);
    while (size < need) size *= 2;
    size = Math.min(size, MAX_DATAGRAM);
    for (const other of this.pending.values()) {
      if (this.held + size - p.data.length <= this.limits.maxBytes) break;
      if (other !== p) this.drop(other);
    }
    const grown = new Uint8Array(size);
    grown.set(p.data);
    this.held += size - p.data.length;
    p.data = grown;
  }

  /** Copies d[from, from+len) to offset `at`, into the gaps only (first arrival wins), merging ranges. */
  private insert(p: Pending, at: number, d: Uint8Array, from: number, len: number): void {
    const s = at, e = at + len;
    const starts: number[] = [], ends: number[] = [];
    let ms = s, me = e, cur = s, placed = false;
    this.work += p.starts.length;
    for (let i = 0; i < p.starts.length; i++) {
      const a = p.starts[i], b = p.ends[i];
      if (b < s) { starts.push(a); ends.push(b); continue; }
      if (a > e) {
        if (!placed) { this.copy(p, d, from, at, cur, e); starts.push(ms); ends.push(me); placed = true; }
        starts.push(a); ends.push(b);
        continue;
      }
      // Touching or overlapping: fill the gap before it, then continue after it.
      if (cur < a) this.copy(p, d, from, at, cur, a);
      if (b > cur) cur = b;
      if (a < ms) ms = a;
      if (b > me) me = b;
    }
    if (!placed) { this.copy(p, d, from, at, cur, e); starts.push(ms); ends.push(me); }
    p.starts = starts;
    p.ends = ends;
  }

  private copy(p: Pending, d: Uint8Array, from: number, at: number, lo: number, hi: number): void {
    if (hi <= lo) return;
    p.data.set(d.subarray(from + (lo - at), from + (hi - at)), lo);
    this.work += hi - lo;
  }

  private drop(p: Pending): void {
    this.pending.delete(p.key);
    this.held -= p.data.length;
    this.evicted++;
    this.countDropped(p.fragments);
  }

  private countDropped(n: number): void {
    if (n <= 0) return;
    this.droppedFragments += n;
    if (!this.firstDrop && this.rec) this.firstDrop = { offset: this.rec.offset, frame: this.rec.index };
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
