/**
 * Builders of the committed hostile fixtures in test/fixtures/hostile/ (the bytes there must equal
 * what these return: hostileFixtures.test.ts checks it, UPDATE_FIXTURES=1 rewrites them).
 */
import { gzip, writePcap, writePcapng } from '../../helpers/pcapWriter';
import { Bytes, epb, idb, shb } from './bytes';
import { CLIENT, conversation, SERVER, tcpFrame } from './fixtures';

/** Markup a capture can smuggle into any view that treats its strings as HTML or SVG. */
export const HTML_PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.domain)</script>',
  '"><svg onload=alert(1)>',
  "'><a href=\"javascript:alert(1)\">x</a>",
  ']]><!-- &amp; &#x3c;b&#x3e; -->',
];

const SYN = 0x02, ACK = 0x10;
const T0 = 1767225600n * 1_000_000n;

/**
 * A complete handshake whose section comment, interface name and description and every packet
 * comment carry HTML/script payloads (and a NUL, which XML forbids outright).
 */
export function htmlInjectionPcapng(): Uint8Array {
  const p = HTML_PAYLOADS;
  return writePcapng([{
    comment: p[1],
    interfaces: [{ linkType: 1, name: p[0], description: p[2] }],
    blocks: [
      { kind: 'packet', packet: { iface: 0, ticks: T0, data: tcpFrame(CLIENT, SERVER, { flags: SYN, seq: 1000, options: { mss: 1460 } }), comments: [p[0]] } },
      { kind: 'packet', packet: { iface: 0, ticks: T0 + 2000n, data: tcpFrame(SERVER, CLIENT, { srcPort: 80, dstPort: 40000, flags: SYN | ACK, seq: 5000, ack: 1001 }), comments: [p[1], p[2]] } },
      { kind: 'packet', packet: { iface: 0, ticks: T0 + 4000n, data: tcpFrame(CLIENT, SERVER, { flags: ACK, seq: 1001, ack: 5001 }), comments: [`${p[3]}\u0000${p[4]}`] } },
    ],
  }]);
}

/** A pcap of `n` frames cycled from the fixture conversation, 1 ms apart. */
export function bigPcap(n: number): Uint8Array {
  const frames = conversation();
  return writePcap(Array.from({ length: n }, (_, i) => ({ sec: 1767225600 + Math.floor(i / 1000), frac: (i % 1000) * 1000, data: frames[i % frames.length] })));
}

/** A .pcap.gz cut in the middle of its deflate stream (the regression input for the gzip tail fix). */
export function cutPcapGz(): Uint8Array {
  const gz = gzip(bigPcap(3000));
  return gz.slice(0, Math.floor(gz.length / 2));
}

/**
 * One section with every kind of impossible length between good packets: a block declaring
 * 4 GiB, one declaring 0, an EPB shorter than its header, an EPB whose captured length is 4 GiB.
 */
export function badLengthsPcapng(): Uint8Array {
  const frames = conversation();
  const t = 1767225600 * 1e6;
  const b = idb(shb(new Bytes())); // SHB at 0, IDB at 28
  epb(b, 0, t, frames[0]); // a good SYN
  b.u32(6).u32(0xfffffffc).u32(0); // EPB declaring 4 GiB - 4 bytes
  epb(b, 0, t + 1000, frames[1]); // a good SYN-ACK
  b.u32(6).u32(0).u32(0); // a block declaring length 0
  epb(b, 0, t + 2000, frames[2]); // a good ACK
  b.u32(6).u32(16).u32(0).u32(16); // EPB of 16 bytes: shorter than its 32-byte header
  b.u32(6).u32(40).u32(0).u32(0).u32(0).u32(0xffffffff).u32(8).zeros(8).u32(40); // EPB declaring a 4 GiB packet in 8 bytes
  epb(b, 0, t + 3000, frames[3]); // good data
  return b.build();
}

/** Committed hostile fixtures: file name → builder. */
export const HOSTILE_BUILT: Record<string, () => Uint8Array> = {
  'html-injection.pcapng': htmlInjectionPcapng,
  'cut.pcap.gz': cutPcapGz,
  'bad-lengths.pcapng': badLengthsPcapng,
};
