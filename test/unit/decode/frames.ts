/**
 * Byte builders for decoder tests. Each returns plain number arrays so tests can splice headers;
 * every field is commented with its meaning.
 */

export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;

export function u16(v: number): number[] { return [(v >> 8) & 0xff, v & 0xff]; }
export function u32(v: number): number[] { return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]; }

export function ethernet(type: number): number[] {
  return [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, // destination MAC
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, // source MAC
    ...u16(type), // EtherType
  ];
}

/** 20-byte TCP header plus options; data offset computed from the options (padded to 4). */
export function tcp(opts: { sport?: number; dport?: number; seq?: number; ack?: number; flags?: number; window?: number; options?: number[]; dataOffsetWords?: number } = {}): number[] {
  const options = [...(opts.options ?? [])];
  while (options.length % 4) options.push(0); // end-of-option-list padding
  const words = opts.dataOffsetWords ?? 5 + options.length / 4;
  const flags = opts.flags ?? 0x002;
  return [
    ...u16(opts.sport ?? 40000), // source port
    ...u16(opts.dport ?? 80), // destination port
    ...u32(opts.seq ?? 0x01020304), // sequence number
    ...u32(opts.ack ?? 0), // acknowledgment number
    (words << 4) | ((flags >> 8) & 1), // data offset, reserved, AE bit
    flags & 0xff, // CWR ECE URG ACK PSH RST SYN FIN
    ...u16(opts.window ?? 64240), // window
    0, 0, // checksum (not verified)
    0, 0, // urgent pointer
    ...options,
  ];
}

/** IPv4 header (20 bytes + options) in front of `payload`; total length defaults to the real one. */
export function ipv4(proto: number, payload: number[], o: { src?: number[]; dst?: number[]; ihlWords?: number; totalLength?: number; flagsFrag?: number; options?: number[] } = {}): number[] {
  const options = o.options ?? [];
  const ihl = o.ihlWords ?? 5 + options.length / 4;
  const headerLen = 20 + options.length;
  return [
    0x40 | ihl, // version 4, IHL in 32-bit words
    0x00, // DSCP/ECN
    ...u16(o.totalLength ?? headerLen + payload.length), // total length
    0x12, 0x34, // identification
    ...u16(o.flagsFrag ?? 0x4000), // flags (DF) + fragment offset
    64, // TTL
    proto, // protocol
    0, 0, // header checksum (not verified)
    ...(o.src ?? [192, 0, 2, 1]), // source address
    ...(o.dst ?? [198, 51, 100, 7]), // destination address
    ...options,
    ...payload,
  ];
}

export const V6_SRC = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
export const V6_DST = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/** IPv6 header in front of `payload` (extension headers included in payload). */
export function ipv6(next: number, payload: number[], o: { payloadLength?: number } = {}): number[] {
  return [
    0x60, 0x00, 0x00, 0x00, // version 6, traffic class, flow label
    ...u16(o.payloadLength ?? payload.length), // payload length
    next, // next header
    64, // hop limit
    ...V6_SRC, // source address 2001:db8::1
    ...V6_DST, // destination address 2001:db8:1::2
    ...payload,
  ];
}

/** A generic 8-byte IPv6 extension header (hop-by-hop, routing, destination options): length 0. */
export function ext8(next: number): number[] {
  return [next, 0, 1, 4, 0, 0, 0, 0]; // next header, hdr ext len 0 (8 bytes), a PadN option filling the rest
}

export function udp(sport: number, dport: number, payload: number[]): number[] {
  return [...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0, ...payload]; // ports, length, checksum
}
