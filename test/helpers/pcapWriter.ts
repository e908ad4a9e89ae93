/**
 * A small capture WRITER for tests, written from the format specs independently of the reader
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng), so round trips test the reader against
 * the spec rather than against itself. Uses Node Buffers and BigInt; speed does not matter here.
 */
import { gzipSync } from 'node:zlib';

export interface PcapPacket {
  sec: number;
  /** Sub-second part in the file's unit (µs or ns). */
  frac: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  origLen?: number;
}

export interface PcapOptions {
  nano?: boolean;
  bigEndian?: boolean;
  linkType?: number;
  snapLen?: number;
  /** Kuznetsov's modified format: magic a1b2cd34 and 24-byte record headers. */
  modified?: boolean;
}

export function writePcap(packets: PcapPacket[], opts: PcapOptions = {}): Uint8Array {
  const be = opts.bigEndian ?? false;
  const recHdr = opts.modified ? 24 : 16;
  const size = 24 + packets.reduce((n, p) => n + recHdr + p.data.length, 0);
  const b = Buffer.alloc(size);
  const u32 = (v: number, o: number) => (be ? b.writeUInt32BE(v >>> 0, o) : b.writeUInt32LE(v >>> 0, o));
  const u16 = (v: number, o: number) => (be ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o));
  u32(opts.modified ? 0xa1b2cd34 : opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0); // magic, in the file's byte order
  u16(2, 4); // version major
  u16(4, 6); // version minor
  u32(0, 8); // thiszone (reserved)
  u32(0, 12); // sigfigs (reserved)
  u32(opts.snapLen ?? 262144, 16);
  u32(opts.linkType ?? 1, 20);
  let o = 24;
  for (const p of packets) {
    u32(p.sec, o);
    u32(p.frac, o + 4);
    u32(p.data.length, o + 8); // captured length
    u32(p.origLen ?? p.data.length, o + 12); // original length
    // modified format: ifindex (4), protocol (2), pkt_type (1), pad (1): left zero
    b.set(p.data, o + recHdr);
    o += recHdr + p.data.length;
  }
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export interface NgInterface {
  linkType: number;
  snapLen?: number;
  /** Raw if_tsresol byte (MSB clear: 10^-n, set: 2^-n); omitted = default 10^-6. */
  tsresol?: number;
  /** if_tsoffset in seconds. */
  tsOffset?: bigint;
  name?: string;
  description?: string;
}

export interface NgPacket {
  iface: number;
  /** Timestamp in the interface's units since the epoch (before if_tsoffset). */
  ticks: bigint;
  data: Uint8Array;
  origLen?: number;
  comments?: string[];
  /** Write as an obsolete Packet Block (type 2) instead of an EPB. */
  obsolete?: boolean;
  /** Write as a Simple Packet Block (no timestamp, interface 0). */
  simple?: boolean;
}

export type NgBlock = { kind: 'packet'; packet: NgPacket } | { kind: 'raw'; type: number; body: Uint8Array };

export interface NgSection {
  bigEndian?: boolean;
  /** SHB version, default 1.0. */
  version?: [number, number];
  comment?: string;
  interfaces: NgInterface[];
  blocks: NgBlock[];
}

class Out {
  private parts: Buffer[] = [];
  constructor(private readonly be: boolean) {}
  u8(v: number): void { this.parts.push(Buffer.from([v])); }
  u16(v: number): void { const b = Buffer.alloc(2); if (this.be) b.writeUInt16BE(v); else b.writeUInt16LE(v); this.parts.push(b); }
  u32(v: number): void { const b = Buffer.alloc(4); if (this.be) b.writeUInt32BE(v >>> 0); else b.writeUInt32LE(v >>> 0); this.parts.push(b); }
  i64(v: bigint): void { const b = Buffer.alloc(8); if (this.be) b.writeBigInt64BE(v); else b.writeBigInt64LE(v); this.parts.push(b); }
  bytes(v: Uint8Array): void { this.parts.push(Buffer.from(v)); }
  pad4(): void { const n = this.length() % 4; if (n) this.parts.push(Buffer.alloc(4 - n)); }
  length(): number { return this.parts.reduce((n, p) => n + p.length, 0); }
  buffer(): Buffer { return Buffer.concat(this.parts); }
}

function option(out: Out, code: number, value: Uint8Array): void {
  out.u16(code);
  out.u16(value.length);
  out.bytes(value);
  out.pad4();
}

function endOptions(out: Out, any: boolean): void {
  if (any) { out.u16(0); out.u16(0); } // opt_endofopt
}

/** Wraps a body as `type, total length, body, total length`. */
function block(be: boolean, type: number, body: Buffer): Buffer {
  const o = new Out(be);
  o.u32(type);
  o.u32(body.length + 12);
  o.bytes(body);
  o.u32(body.length + 12);
  return o.buffer();
}

const text = (s: string) => new TextEncoder().encode(s);

export function writePcapng(sections: NgSection[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const s of sections) {
    const be = s.bigEndian ?? false;
    const shb = new Out(be);
    shb.u32(0x1a2b3c4d); // byte-order magic
    shb.u16(s.version?.[0] ?? 1);
    shb.u16(s.version?.[1] ?? 0);
    shb.i64(-1n); // section length: not specified
    if (s.comment !== undefined) option(shb, 1, text(s.comment));
    endOptions(shb, s.comment !== undefined);
    parts.push(block(be, 0x0a0d0d0a, shb.buffer()));
    for (const i of s.interfaces) {
      const idb = new Out(be);
      idb.u16(i.linkType);
      idb.u16(0); // reserved
      idb.u32(i.snapLen ?? 0);
      let any = false;
      if (i.name !== undefined) { option(idb, 2, text(i.name)); any = true; }
      if (i.description !== undefined) { option(idb, 3, text(i.description)); any = true; }
      if (i.tsresol !== undefined) { option(idb, 9, Uint8Array.of(i.tsresol)); any = true; }
      if (i.tsOffset !== undefined) {
        const v = new Out(be);
        v.i64(i.tsOffset);
        option(idb, 14, v.buffer());
        any = true;
      }
      endOptions(idb, any);
      parts.push(block(be, 1, idb.buffer()));
    }
    for (const bl of s.blocks) {
      if (bl.kind === 'raw') { parts.push(block(be, bl.type, Buffer.from(bl.body))); continue; }
      const p = bl.packet;
      const body = new Out(be);
      if (p.simple) {
        body.u32(p.origLen ?? p.data.length);
        body.bytes(p.data);
        body.pad4();
        parts.push(block(be, 3, body.buffer()));
        continue;
      }
      if (p.obsolete) { body.u16(p.iface); body.u16(0); } else body.u32(p.iface);
      body.u32(Number(p.ticks >> 32n)); // timestamp (high)
      body.u32(Number(p.ticks & 0xffffffffn)); // timestamp (low)
      body.u32(p.data.length);
      body.u32(p.origLen ?? p.data.length);
      body.bytes(p.data);
      body.pad4();
      for (const c of p.comments ?? []) option(body, 1, text(c));
      endOptions(body, (p.comments ?? []).length > 0);
      parts.push(block(be, p.obsolete ? 2 : 6, body.buffer()));
    }
  }
  const all = Buffer.concat(parts);
  return new Uint8Array(all.buffer, all.byteOffset, all.length);
}

export function gzip(bytes: Uint8Array): Uint8Array {
  const z = gzipSync(bytes);
  return new Uint8Array(z.buffer, z.byteOffset, z.length);
}

/** Yields `bytes` in slices of the given sizes, cycling through them. */
export async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let o = 0;
  let i = 0;
  while (o < bytes.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]);
    // Fresh copies: the reader must not rely on chunks staying unchanged after it is handed them.
    yield bytes.slice(o, o + n);
    o += n;
  }
}
