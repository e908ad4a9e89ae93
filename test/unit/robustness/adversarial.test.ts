// Hand-built hostile captures, each aimed at one weakness: huge declared lengths, blocks shorter
// than their own header, endless header chains, impossible header lengths, snaplen 0, interface
// floods, a gzip bomb, time running backwards or before 1970, duplicated packets. Each asserts
// what the user sees: problems with byte offsets, counts, no exception, memory bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { writePcapng } from '../../helpers/pcapWriter';
import { Bytes, epb, idb, pcapHeader, pcapRecord, shb } from './bytes';
import { CLIENT, CLIENT6, SERVER, SERVER6, tcpFrame } from './fixtures';
import { runPipeline } from './pipeline';

const SYN = 0x02, ACK = 0x10, RST = 0x04;
const T0 = 1767225600;
const syn = () => tcpFrame(CLIENT, SERVER, { flags: SYN, seq: 1000 });
const synAck = () => tcpFrame(SERVER, CLIENT, { srcPort: 80, dstPort: 40000, flags: SYN | ACK, seq: 5000, ack: 1001 });
const ack = () => tcpFrame(CLIENT, SERVER, { flags: ACK, seq: 1001, ack: 5001 });

async function run(bytes: Uint8Array, chunkSizes?: number[]) {
  const r = await runPipeline(bytes, { chunkSizes, render: 3 });
  assert.equal(r.formatError, null, `refused: ${r.formatError?.message}`);
  return { ...r, problems: r.summary!.problems, result: r.result! };
}

const rss = (): number => process.memoryUsage.rss();
const MiB = 1024 * 1024;

test('pcap record declaring a 4 GiB captured length: reported at its offset, reading resumes at the next record', async () => {
  const b = pcapHeader();
  b.u32(T0).u32(0) // ts_sec, ts_usec
    .u32(0xffffffff) // captured length: 4 GiB - 1
    .u32(0xffffffff); // original length
  pcapRecord(b, T0, 1, syn()); // a good record at offset 40
  const before = rss();
  const r = await run(b.build());
  assert.ok(rss() - before < 64 * MiB, 'nothing near 4 GiB was allocated');
  assert.equal(r.problems[0].offset, 24);
  assert.match(r.problems[0].message, /offset 24 declares captured length 4294967295/);
  assert.ok(r.problems.some((p) => p.offset === 40 && /resynchronised/.test(p.message)));
  assert.deepEqual(r.packets.map((p) => p.offset), [40]);
  assert.equal(r.result.summary.flows, 1);
});

test('pcapng blocks declaring 4 GiB: total length and captured length both refused with their offsets', async () => {
  const b = shb(new Bytes());
  idb(b); // offset 28
  b.u32(6) // offset 48: EPB
    .u32(0xfffffffc) // block total length: 4 GiB - 4
    .u32(0); // (first body word)
  b.u32(6) // offset 60: EPB
    .u32(40) // block total length 40: room for 8 packet bytes
    .u32(0).u32(0).u32(0) // interface 0, timestamp high, low
    .u32(0xffffffff) // captured length: 4 GiB - 1
    .u32(8) // original length
    .zeros(8) // 8 bytes of "packet"
    .u32(40); // block total length again
  epb(b, 0, T0 * 1e6, syn()); // offset 100
  const r = await run(b.build(), [7, 64]);
  assert.ok(r.problems.some((p) => p.offset === 48 && /declares length 4294967292/.test(p.message)));
  assert.ok(r.problems.some((p) => p.offset === 60 && /captured length 4294967295/.test(p.message)));
  assert.deepEqual(r.packets.map((p) => p.offset), [100]);
});

for (const len of [0, 4, 8]) {
  test(`pcapng block declaring total length ${len} (shorter than the 12-byte block header): reported, next block read`, async () => {
    const b = shb(new Bytes());
    idb(b); // offset 28
    b.u32(6) // offset 48: EPB
      .u32(len) // block total length: impossible
      .u32(len); // what would be the trailer of a block this short
    epb(b, 0, T0 * 1e6, syn()); // offset 60
    const r = await run(b.build());
    assert.equal(r.problems[0].offset, 48);
    assert.match(r.problems[0].message, new RegExp(`offset 48 declares length ${len}`));
    assert.deepEqual(r.packets.map((p) => p.offset), [60]);
  });
}

test('pcapng enhanced packet block shorter than its own 32-byte header: skipped with a problem, next block read', async () => {
  const b = shb(new Bytes());
  idb(b); // offset 28
  b.u32(6) // offset 48: EPB
    .u32(16) // block total length 16: consistent framing, but no room for the EPB fields
    .u32(0) // interface id
    .u32(16); // block total length again
  epb(b, 0, T0 * 1e6, syn()); // offset 64
  const r = await run(b.build());
  assert.deepEqual(r.problems.map((p) => p.offset), [48]);
  assert.match(r.problems[0].message, /shorter than 32/);
  assert.deepEqual(r.packets.map((p) => p.offset), [64]);
});

/** Ethernet + IPv6 + `n` destination-options headers (8 bytes each) + a 20-byte TCP SYN. */
function ipv6Chain(n: number): Uint8Array {
  const tcp = tcpFrame(CLIENT6, SERVER6, { srcPort: 50000, dstPort: 443, flags: SYN, seq: 9 }).slice(14 + 40);
  const b = new Bytes(false)
    .bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]) // destination, source MAC
    .u16(0x86dd) // EtherType IPv6
    .u32(0x60000000) // version 6, traffic class, flow label
    .u16(n * 8 + tcp.length) // payload length
    .u8(n > 0 ? 60 : 6) // next header: destination options (or TCP)
    .u8(64) // hop limit
    .bytes(CLIENT6.ip).bytes(SERVER6.ip); // source, destination
  for (let i = 0; i < n; i++) {
    b.u8(i === n - 1 ? 6 : 60) // next header: another destination-options header, TCP last
      .u8(0) // header extension length: 0 = 8 bytes
      .bytes([1, 4, 0, 0, 0, 0]); // PadN option filling the header
  }
  return b.bytes(tcp).build();
}

test('IPv6 with an endless chain of extension headers: the packet is counted malformed, short chains still decode', async () => {
  const b = pcapHeader();
  pcapRecord(b, T0, 0, ipv6Chain(3)); // 3 headers: a normal packet
  pcapRecord(b, T0, 1, ipv6Chain(8000)); // 64 000 bytes of headers: more than any stack sends
  const r = await run(b.build());
  assert.equal(r.packets.length, 2);
  assert.equal(r.result.capture.decoded!.tcp, 1);
  assert.equal(r.result.capture.decoded!.malformed, 1);
  assert.equal(r.result.summary.flows, 1);
});

test('IPv4 header length below 20, TCP data offset 0 or beyond the segment: no exception, counted as tshark 4.0 does', async () => {
  const shortIhl = syn();
  shortIhl[14] = 0x44; // version 4, IHL 4 words = 16 bytes: below the 20-byte minimum
  const zeroOffset = syn();
  zeroOffset[14 + 20 + 12] = 0x00; // TCP data offset 0: "Bogus TCP header length"
  const longOffset = synAck();
  longOffset[14 + 20 + 12] = 0xf0; // TCP data offset 15 words = 60 bytes, in a 20-byte segment
  const b = pcapHeader();
  pcapRecord(b, T0, 0, shortIhl);
  pcapRecord(b, T0, 1, zeroOffset);
  pcapRecord(b, T0, 2, syn()); // a good SYN, so the test sees the decoder working
  pcapRecord(b, T0, 3, longOffset);
  const r = await run(b.build());
  assert.equal(r.result.capture.decoded!.malformed, 2, 'short IP header and data offset 0 are malformed');
  // tshark still shows a header longer than its segment as a segment ("Short segment") with its
  // flags: the SYN-ACK answers the SYN, nothing is read past the 20 bytes.
  assert.equal(r.result.capture.decoded!.tcp, 2);
  assert.equal(r.result.summary.flows, 1);
  assert.equal(r.result.summary.synAck, 1);
});

test('TCP header cut by the snap length: still a SYN, options unknown', async () => {
  const full = tcpFrame(CLIENT, SERVER, { flags: SYN, seq: 1000, options: { mss: 1460, sackPerm: true, wscale: 7 } });
  const b = pcapHeader(1, 58);
  pcapRecord(b, T0, 0, full.slice(0, 58), full.length); // 14 + 20 + 24 of the 14 + 20 + 32 bytes
  const r = await run(b.build());
  assert.equal(r.result.capture.decoded!.tcp, 1);
  assert.equal(r.result.summary.syn, 1);
});

test('snaplen 0 in the file header and empty records: packets still read and counted', async () => {
  const b = pcapHeader(1, 0); // snaplen 0
  pcapRecord(b, T0, 0, syn());
  pcapRecord(b, T0, 1, new Uint8Array(0), 60); // captured length 0 of a 60-byte frame
  pcapRecord(b, T0, 2, synAck());
  const r = await run(b.build());
  assert.deepEqual(r.packets.map((p) => p.capLen), [syn().length, 0, synAck().length]);
  assert.equal(r.result.capture.decoded!.malformed, 1);
  assert.equal(r.result.summary.flows, 1);
});

test('pcapng interface with snaplen 0 and a simple packet block: the whole packet is captured', async () => {
  const b = shb(new Bytes());
  idb(b, 1, 0); // snaplen 0: no limit
  const frame = syn();
  const padded = (frame.length + 3) & ~3;
  b.u32(3) // simple packet block
    .u32(16 + padded) // block total length
    .u32(frame.length) // original length
    .bytes(frame).zeros(padded - frame.length)
    .u32(16 + padded); // block total length again
  const r = await run(b.build());
  assert.deepEqual(r.packets.map((p) => p.capLen), [frame.length]);
  assert.equal(r.result.summary.syn, 1);
});

test('a million interface description blocks: interfaces kept are bounded, packets on kept interfaces still read', { timeout: 120_000 }, async () => {
  const N = 1_000_000;
  const bytes = new Uint8Array(28 + N * 20 + 200);
  const v = new DataView(bytes.buffer);
  bytes.set(shb(new Bytes()).build(), 0);
  let o = 28;
  for (let i = 0; i < N; i++, o += 20) {
    v.setUint32(o, 1, true); // IDB
    v.setUint32(o + 4, 20, true); // block total length
    v.setUint16(o + 8, 1, true); // LINKTYPE_ETHERNET
    v.setUint32(o + 16, 20, true); // block total length again
  }
  const tail = epb(new Bytes(), 5, T0 * 1e6, syn()); // a packet on interface 5
  epb(tail, N - 1, T0 * 1e6 + 1, synAck()); // and one on the last interface declared
  const t = tail.build();
  bytes.set(t, o);
  const input = bytes.subarray(0, o + t.length);
  let peak = 0;
  const before = rss();
  async function* sampled(): AsyncGenerator<Uint8Array> {
    for (let p = 0; p < input.length; p += 1 << 20) {
      peak = Math.max(peak, rss());
      yield input.subarray(p, p + (1 << 20));
    }
  }
  let packets = 0;
  const s = await readCaptureChunks(sampled(), () => { packets++; });
  peak = Math.max(peak, rss());
  assert.ok(s.info.interfaces.length <= 65536, `${s.info.interfaces.length} interfaces kept`);
  assert.ok(s.problems.some((p) => /interfaces/.test(p.message) && p.offset >= 28), 'the flood is reported with its offset');
  assert.ok(packets >= 1, 'the packet on interface 5 is read');
  assert.ok(peak - before < 96 * MiB, `memory grew ${((peak - before) / MiB).toFixed(0)} MiB reading ${(input.length / MiB).toFixed(0)} MiB of interfaces`);
});

test('gzip bomb (384 MiB from 0.4 MiB, ratio > 1000:1): streamed to the end in bounded memory', { timeout: 300_000 }, async () => {
  // Concatenated gzip members (RFC 1952 §2.2): a header member, 24 copies of one member holding a
  // 16 MiB pcapng block of an unknown type (zeros), and a member with one packet.
  const headerMember = gzipSync(idb(shb(new Bytes())).build());
  const BLOCK = 16 * MiB;
  const big = new Uint8Array(BLOCK);
  const bv = new DataView(big.buffer);
  bv.setUint32(0, 0x00000bee, true); // block type: unknown, skipped by length
  bv.setUint32(4, BLOCK, true); // block total length: 16 MiB (Wireshark's maximum)
  bv.setUint32(BLOCK - 4, BLOCK, true); // block total length again
  const bomb = gzipSync(big, { level: 9 });
  const COPIES = 24;
  const lastMember = gzipSync(epb(new Bytes(), 0, T0 * 1e6, syn()).build());
  const compressed = headerMember.length + COPIES * bomb.length + lastMember.length;
  const uncompressed = 48 + COPIES * BLOCK + 32 + ((syn().length + 3) & ~3);
  assert.ok(uncompressed / compressed > 1000, `ratio ${(uncompressed / compressed).toFixed(0)}:1`);
  let peak = 0;
  const before = rss();
  async function* file(): AsyncGenerator<Uint8Array> {
    yield headerMember;
    for (let i = 0; i < COPIES; i++) {
      peak = Math.max(peak, rss());
      // Each copy in 64 KiB slices, as a file read would deliver them.
      for (let o = 0; o < bomb.length; o += 65536) yield bomb.subarray(o, o + 65536);
    }
    yield lastMember;
  }
  const offsets: number[] = [];
  const s = await readCaptureChunks(file(), (p) => { offsets.push(p.offset); peak = Math.max(peak, rss()); });
  peak = Math.max(peak, rss());
  assert.deepEqual(s.problems, []);
  assert.equal(s.bytesRead, compressed, 'every compressed byte was consumed');
  assert.deepEqual(offsets, [48 + COPIES * BLOCK], 'the packet after 384 MiB of padding is read at its offset');
  assert.ok(peak - before < 128 * MiB, `memory grew ${((peak - before) / MiB).toFixed(0)} MiB for ${(uncompressed / MiB).toFixed(0)} MiB decompressed`);
});

test('timestamps before 1970 and running backwards: no exception, times printed as negative epoch seconds', async () => {
  // if_tsoffset (pcapng IDB option 14) moves the interface's clock 2 000 000 000 s back: ~1962.
  const bytes = writePcapng([{
    interfaces: [{ linkType: 1, tsOffset: -2_000_000_000n }],
    blocks: [
      { kind: 'packet', packet: { iface: 0, ticks: BigInt(T0) * 1_000_000n + 100_000n, data: syn() } },
      { kind: 'packet', packet: { iface: 0, ticks: BigInt(T0) * 1_000_000n + 50_000n, data: synAck() } }, // 50 ms before the SYN
      { kind: 'packet', packet: { iface: 0, ticks: BigInt(T0) * 1_000_000n + 150_000n, data: ack() } },
    ],
  }]);
  const r = await run(bytes);
  assert.equal(r.packets[0].sec, T0 - 2_000_000_000);
  assert.equal(r.result.capture.start, '-232774399.900000000'); // -232774400 s + 0.1 s
  assert.equal(r.result.summary.flows, 1);
  assert.equal(r.result.flows[0].client.ip, '192.0.2.10');
});

test('first packet at the epoch, last in 2106: the timeline stays within its bin limit', async () => {
  const b = pcapHeader();
  pcapRecord(b, 0, 0, syn()); // 1970-01-01
  pcapRecord(b, 0xffffffff, 999999, synAck()); // 2106-02-07
  pcapRecord(b, 1, 0, tcpFrame(CLIENT, SERVER, { srcPort: 40001, flags: SYN, seq: 1 })); // back to 1970
  const r = await run(b.build());
  const bins = r.result.timeline.syn.length;
  assert.ok(bins >= 1 && bins <= 1000, `${bins} bins`);
  assert.equal(r.result.timeline.syn.reduce((a, x) => a + x, 0), 2, 'both SYNs counted');
  assert.equal(r.result.summary.flows, 2);
});

test('every packet captured twice (span port duplicates): one flow, handshake complete', async () => {
  const b = pcapHeader();
  let us = 0;
  for (const f of [syn(), synAck(), ack()]) {
    pcapRecord(b, T0, us, f);
    pcapRecord(b, T0, us + 1, f); // the same frame again 1 µs later
    us += 1000;
  }
  const r = await run(b.build());
  assert.equal(r.packets.length, 6);
  assert.equal(r.result.summary.flows, 1);
  assert.equal(r.result.flows[0].handshake.complete, true);
  assert.equal(r.result.summary.refused, 0);
});

test('a RST storm on one 4-tuple: one refused flow per SYN, no exception', async () => {
  const b = pcapHeader();
  for (let i = 0; i < 2000; i++) {
    pcapRecord(b, T0 + i, 0, tcpFrame(CLIENT, SERVER, { flags: SYN, seq: 1000 + i }));
    pcapRecord(b, T0 + i, 10, tcpFrame(SERVER, CLIENT, { srcPort: 80, dstPort: 40000, flags: RST | ACK, seq: 0, ack: 1001 + i }));
  }
  const r = await run(b.build());
  assert.equal(r.result.summary.refused, 2000);
});
