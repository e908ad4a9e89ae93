/** A byte builder for hand-made hostile captures: every field is one call with a comment beside it. */
export class Bytes {
  private parts: number[] = [];
  constructor(private readonly le = true) {}

  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u16(v: number): this {
    const b = [(v >>> 8) & 0xff, v & 0xff];
    this.parts.push(...(this.le ? b.reverse() : b));
    return this;
  }
  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.parts.push(...(this.le ? b.reverse() : b));
    return this;
  }
  bytes(b: ArrayLike<number>): this { for (let i = 0; i < b.length; i++) this.parts.push(b[i]); return this; }
  zeros(n: number): this { for (let i = 0; i < n; i++) this.parts.push(0); return this; }
  get length(): number { return this.parts.length; }
  build(): Uint8Array { return Uint8Array.from(this.parts); }
}

/** pcap file header, little-endian µs (draft-ietf-opsawg-pcap §4). */
export function pcapHeader(linkType = 1, snapLen = 65535): Bytes {
  return new Bytes()
    .u32(0xa1b2c3d4) // magic: microsecond timestamps, written little-endian
    .u16(2).u16(4) // version 2.4
    .u32(0) // thiszone (reserved)
    .u32(0) // sigfigs (reserved)
    .u32(snapLen) // snaplen
    .u32(linkType); // LINKTYPE_*
}

/** One pcap record: 16-byte header, then the captured bytes. */
export function pcapRecord(b: Bytes, sec: number, usec: number, data: Uint8Array, origLen = data.length): Bytes {
  return b
    .u32(sec) // ts_sec
    .u32(usec) // ts_usec
    .u32(data.length) // captured length
    .u32(origLen) // original length
    .bytes(data);
}

/** pcapng Section Header Block without options (28 bytes). */
export function shb(b: Bytes): Bytes {
  return b
    .u32(0x0a0d0d0a) // block type SHB
    .u32(28) // block total length
    .u32(0x1a2b3c4d) // byte-order magic
    .u16(1).u16(0) // version 1.0
    .u32(0xffffffff).u32(0xffffffff) // section length: unknown (-1)
    .u32(28); // block total length again
}

/** pcapng Interface Description Block without options (20 bytes). */
export function idb(b: Bytes, linkType = 1, snapLen = 0): Bytes {
  return b
    .u32(1) // block type IDB
    .u32(20) // block total length
    .u16(linkType).u16(0) // link type, reserved
    .u32(snapLen) // snaplen (0 = no limit)
    .u32(20); // block total length again
}

/** pcapng Enhanced Packet Block on interface `iface`, µs ticks, no options. */
export function epb(b: Bytes, iface: number, ticks: number, data: Uint8Array): Bytes {
  const padded = (data.length + 3) & ~3;
  const total = 32 + padded;
  b.u32(6) // block type EPB
    .u32(total) // block total length
    .u32(iface) // interface id
    .u32(Math.floor(ticks / 2 ** 32)).u32(ticks >>> 0) // timestamp high, low
    .u32(data.length) // captured length
    .u32(data.length) // original length
    .bytes(data).zeros(padded - data.length) // packet data, padded to 32 bits
    .u32(total); // block total length again
  return b;
}
