/**
 * Small clean captures for the truncation/corruption sweeps and the mutation fuzzers, built in
 * code with the spec-derived test writer (test/helpers/pcapWriter.ts) and the generator's frame
 * builder (src/gen). Each knows where its records start, derived from the bytes independently of
 * the reader, so a test can say which record a cut or a flipped byte falls in.
 */
import { host, writeTcpFrame, type Host, type TcpHeaderFields } from '../../../src/gen/index';
import { gzip, writePcap, writePcapng, type NgSection, type PcapPacket } from '../../helpers/pcapWriter';

const SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04, PSH = 0x08;

export const CLIENT = host('192.0.2.10');
export const SERVER = host('198.51.100.80');
export const CLIENT6 = host('2001:db8::10');
export const SERVER6 = host('2001:db8::80');

const scratch = new Uint8Array(4096);

/** One Ethernet/IP/TCP frame (checksums computed by the generator). */
export function tcpFrame(src: Host, dst: Host, t: Partial<TcpHeaderFields> & { flags: number }): Uint8Array {
  const fields: TcpHeaderFields = { srcPort: 40000, dstPort: 80, seq: 0, ack: 0, window: 64240, payloadLen: 0, ipId: 1, ...t };
  const len = writeTcpFrame(scratch, 0, { src, dst, ttl: 64 }, fields);
  return scratch.slice(0, len);
}

/** The same frame without its 14-byte Ethernet header (LINKTYPE_RAW). */
export const rawIp = (frame: Uint8Array): Uint8Array => frame.slice(14);

/**
 * A complete connection (handshake, one exchange, FIN both ways), a refused one (SYN, RST-ACK)
 * and an IPv6 handshake: 10 frames a user would recognise in Wireshark.
 */
export function conversation(): Uint8Array[] {
  const c = 1000, s = 5000;
  const out: Uint8Array[] = [
    tcpFrame(CLIENT, SERVER, { flags: SYN, seq: c, options: { mss: 1460, sackPerm: true, wscale: 7 } }),
    tcpFrame(SERVER, CLIENT, { srcPort: 80, dstPort: 40000, flags: SYN | ACK, seq: s, ack: c + 1, options: { mss: 1460 } }),
    tcpFrame(CLIENT, SERVER, { flags: ACK, seq: c + 1, ack: s + 1 }),
    tcpFrame(CLIENT, SERVER, { flags: PSH | ACK, seq: c + 1, ack: s + 1, payloadLen: 20 }),
    tcpFrame(SERVER, CLIENT, { srcPort: 80, dstPort: 40000, flags: FIN | ACK, seq: s + 1, ack: c + 21 }),
    tcpFrame(CLIENT, SERVER, { flags: FIN | ACK, seq: c + 21, ack: s + 2 }),
    tcpFrame(CLIENT, SERVER, { srcPort: 40001, dstPort: 81, flags: SYN, seq: 77 }),
    tcpFrame(SERVER, CLIENT, { srcPort: 81, dstPort: 40001, flags: RST | ACK, seq: 0, ack: 78 }),
    tcpFrame(CLIENT6, SERVER6, { srcPort: 50000, dstPort: 443, flags: SYN, seq: 9 }),
    tcpFrame(SERVER6, CLIENT6, { srcPort: 443, dstPort: 50000, flags: SYN | ACK, seq: 99, ack: 10 }),
  ];
  return out;
}

const BASE = 1767225600; // 2026-01-01T00:00:00Z

function pcapPackets(nano: boolean): PcapPacket[] {
  // 1 ms apart; the sub-second field in the file's unit.
  return conversation().map((data, i) => ({ sec: BASE + Math.floor(i / 1000), frac: (i % 1000) * (nano ? 1e6 : 1e3), data }));
}

export interface Fixture {
  name: string;
  bytes: Uint8Array;
  /** Packets the file holds (by construction). */
  packets: number;
  /** Stream offsets where a record/block starts, plus the file length; uncompressed files only. */
  boundaries: number[];
  /** Offsets of the records that carry packets (a subset of boundaries). */
  packetRecords: number[];
  gzip: boolean;
}

/** Record starts of a pcap file (16-byte record headers), read from the bytes. */
export function pcapBoundaries(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = v.getUint32(0, true) === 0xa1b2c3d4 || v.getUint32(0, true) === 0xa1b23c4d;
  const out = [0];
  for (let o = 24; o + 16 <= b.length; o += 16 + v.getUint32(o + 8, le)) out.push(o);
  out.push(b.length);
  return out;
}

/** Block starts of a pcapng file (byte order per section from its byte-order magic). */
export function pcapngBoundaries(b: Uint8Array): { all: number[]; packets: number[] } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const all: number[] = [];
  const packets: number[] = [];
  let le = true;
  for (let o = 0; o + 12 <= b.length;) {
    if (v.getUint32(o, true) === 0x0a0d0d0a) le = v.getUint32(o + 8, true) === 0x1a2b3c4d;
    const type = v.getUint32(o, le);
    all.push(o);
    if (type === 2 || type === 3 || type === 6) packets.push(o);
    o += v.getUint32(o + 4, le);
  }
  all.push(b.length);
  return { all, packets };
}

function pcapFixture(name: string, bytes: Uint8Array): Fixture {
  const boundaries = pcapBoundaries(bytes);
  return { name, bytes, packets: 10, boundaries, packetRecords: boundaries.slice(1, -1), gzip: false };
}

/** Two sections (little- then big-endian), three interfaces, comments, a simple packet block and a custom block. */
export function multiSectionPcapng(): Uint8Array {
  const frames = conversation();
  const tick = (i: number) => BigInt(BASE) * 1_000_000n + BigInt(i) * 1000n;
  const s1: NgSection = {
    comment: 'section one',
    interfaces: [{ linkType: 1, name: 'eth0', snapLen: 262144 }, { linkType: 101, name: 'raw0', description: 'raw IPv4' }],
    blocks: [
      { kind: 'packet', packet: { iface: 0, ticks: tick(0), data: frames[0], comments: ['first SYN'] } },
      { kind: 'packet', packet: { iface: 1, ticks: tick(1), data: rawIp(frames[1]) } },
      { kind: 'raw', type: 4, body: new Uint8Array(4) }, // name resolution block: opt_endofopt only
      { kind: 'packet', packet: { iface: 0, ticks: tick(2), data: frames[2] } },
      { kind: 'packet', packet: { iface: 0, ticks: tick(3), data: frames[3], obsolete: true } },
      { kind: 'packet', packet: { iface: 0, ticks: tick(4), data: frames[4], comments: ['a', 'b'] } },
    ],
  };
  const s2: NgSection = {
    bigEndian: true,
    interfaces: [{ linkType: 1, tsresol: 9, name: 'eth1' }],
    blocks: [
      { kind: 'packet', packet: { iface: 0, ticks: BigInt(BASE) * 1_000_000_000n + 5_000_000n, data: frames[5] } },
      { kind: 'packet', packet: { iface: 0, ticks: 0n, data: frames[6], simple: true } },
      { kind: 'packet', packet: { iface: 0, ticks: BigInt(BASE) * 1_000_000_000n + 7_000_000n, data: frames[7] } },
      { kind: 'packet', packet: { iface: 0, ticks: BigInt(BASE) * 1_000_000_000n + 8_000_000n, data: frames[8] } },
      { kind: 'packet', packet: { iface: 0, ticks: BigInt(BASE) * 1_000_000_000n + 9_000_000n, data: frames[9] } },
    ],
  };
  return writePcapng([s1, s2]);
}

export function fixtures(): Fixture[] {
  const le = writePcap(pcapPackets(false));
  const ng = multiSectionPcapng();
  const ngB = pcapngBoundaries(ng);
  return [
    pcapFixture('pcap little-endian µs', le),
    pcapFixture('pcap big-endian ns', writePcap(pcapPackets(true), { nano: true, bigEndian: true })),
    { name: 'pcapng two sections, three interfaces', bytes: ng, packets: 10, boundaries: ngB.all, packetRecords: ngB.packets, gzip: false },
    { name: 'gzip pcap', bytes: gzip(le), packets: 10, boundaries: [], packetRecords: [], gzip: true },
  ];
}
