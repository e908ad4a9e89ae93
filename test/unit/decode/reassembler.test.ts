import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { PacketRecord } from '../../../src/core/capture/types';
import { formatAddress } from '../../../src/core/decode/address';
import { Reassembler } from '../../../src/core/decode/reassembler';
import { DecodeResult, newTcpSegment, TCP_SYN } from '../../../src/core/decode/types';
import { ipv4, ipv6, tcp, u16 } from './frames';

const rec = (bytes: number[], linkType = 101): PacketRecord => {
  const data = Uint8Array.from(bytes);
  return { index: 0, offset: 0, capLen: data.length, origLen: data.length, linkType, interfaceId: 0, data, sec: 0, frac: 0, unitsPerSecond: 1e6 };
};
// A SYN with MSS + SACK-permitted + 4 bytes of data: 28-byte TCP header + 4 = 32 bytes of IP data.
const SYN = [...tcp({ options: [2, 4, 0x05, 0xb4, 4, 2, 1, 1] }), 0x61, 0x62, 0x63, 0x64];
/** IPv4 fragment of SYN bytes [from, to) with identification `id`; offsets in 8-byte units. */
const frag4 = (from: number, to: number, more: boolean, id = 0x1234) =>
  ipv4(6, SYN.slice(from, to), { flagsFrag: (more ? 0x2000 : 0) | (from / 8) }).map((b, i) => (i === 4 ? id >> 8 : i === 5 ? id & 0xff : b));

describe('Reassembler', () => {
  it('rebuilds a SYN split over three 8-byte IPv4 fragments and reports it on the last, as tshark does', () => {
    // Like suricata-verify bug-6887-defrag-*: tshark shows TCP on frame 3 only.
    const r = new Reassembler();
    const seg = newTcpSegment();
    assert.equal(r.decode(rec(frag4(0, 8, true)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(8, 16, true)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(16, 32, false)), seg), DecodeResult.Tcp);
    assert.equal(formatAddress(seg.src, 4), '192.0.2.1');
    assert.deepEqual([seg.srcPort, seg.dstPort, seg.flags, seg.mss, seg.sackPermitted, seg.payloadLen], [40000, 80, TCP_SYN, 1460, true, 4]);
  });

  it('completes on whichever fragment fills the last gap, in any order', () => {
    const r = new Reassembler();
    const seg = newTcpSegment();
    assert.equal(r.decode(rec(frag4(16, 32, false)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(0, 8, true)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(0, 8, true)), seg), DecodeResult.Fragment, 'a duplicate does not complete it');
    assert.equal(r.decode(rec(frag4(8, 16, true)), seg), DecodeResult.Tcp);
    assert.equal(seg.payloadLen, 4);
  });

  it('holds a first fragment with the whole TCP header until the datagram is complete', () => {
    const r = new Reassembler();
    const seg = newTcpSegment();
    assert.equal(r.decode(rec(frag4(0, 24, true)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(24, 32, false)), seg), DecodeResult.Tcp);
  });

  it('keeps datagrams with different identifications apart', () => {
    const r = new Reassembler();
    const seg = newTcpSegment();
    assert.equal(r.decode(rec(frag4(0, 16, true, 1)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(16, 32, false, 2)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(16, 32, false, 1)), seg), DecodeResult.Tcp);
  });

  it('rebuilds IPv6 fragments (fragment header)', () => {
    const r = new Reassembler();
    const seg = newTcpSegment();
    const f6 = (from: number, to: number, more: boolean) => ipv6(44, [
      6, 0, // next header TCP, reserved
      ...u16((from / 8) << 3 | (more ? 1 : 0)), // fragment offset (8-byte units) and M flag
      0, 0, 0x12, 0x34, // identification
      ...SYN.slice(from, to),
    ]);
    assert.equal(r.decode(rec(f6(0, 16, true)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(f6(16, 32, false)), seg), DecodeResult.Tcp);
    assert.equal(formatAddress(seg.src, 6), '2001:db8::1');
    assert.deepEqual([seg.ipVersion, seg.srcPort, seg.mss, seg.payloadLen], [6, 40000, 1460, 4]);
  });

  it('passes unfragmented packets through and bounds what it keeps', () => {
    const r = new Reassembler(2);
    const seg = newTcpSegment();
    assert.equal(r.decode(rec(ipv4(6, SYN)), seg), DecodeResult.Tcp);
    for (const id of [1, 2, 3]) assert.equal(r.decode(rec(frag4(0, 8, true, id)), seg), DecodeResult.Fragment);
    assert.equal(r.evicted, 1);
    // Datagram 1 was dropped: its other fragments no longer complete anything.
    assert.equal(r.decode(rec(frag4(8, 16, true, 1)), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(16, 32, false, 1)), seg), DecodeResult.Fragment);
  });

  it('rejects fragments reaching past 64 KiB', () => {
    const r = new Reassembler();
    const far = ipv4(6, [1, 2, 3, 4, 5, 6, 7, 8], { flagsFrag: 0x1fff }); // offset 8191*8 = 65528, +8 bytes
    assert.equal(r.decode(rec(far), newTcpSegment()), DecodeResult.Malformed);
  });
});

describe('Reassembler limits (issue 17: heap exhaustion, quadratic overlaps)', () => {
  /** IPv4 fragment of `len` bytes at byte offset `at` (a multiple of 8) of datagram `id`. */
  const piece = (at: number, len: number, more: boolean, id = 7, fill = 0x41) =>
    rec(ipv4(6, new Array(len).fill(fill), { flagsFrag: (more ? 0x2000 : 0) | (at / 8) }).map((b, i) => (i === 4 ? id >> 8 : i === 5 ? id & 0xff : b)));

  it('keeps at most 256 fragments of a datagram that never completes, and counts the rest as dropped', () => {
    // The reported input: one datagram's fragments repeated without end (506 KB gzip exhausted the heap).
    const r = new Reassembler();
    const seg = newTcpSegment();
    const n = 10_000;
    for (let i = 0; i < n; i++) assert.equal(r.decode(piece(0, 1400, true), seg), DecodeResult.Fragment);
    assert.ok(r.heldBytes <= 65535, `held ${r.heldBytes}`);
    assert.equal(r.pendingDatagrams, 1);
    // Each time the 257th arrives, the 256 kept and itself are dropped.
    assert.equal(r.droppedFragments, Math.floor(n / 257) * 257);
    assert.equal(r.evicted, Math.floor(n / 257));
    const [p] = r.problems();
    assert.match(p.message, /^9,766 IP fragments were dropped before reassembly \(38 datagrams over the limits of 256 fragments per datagram, 4 MiB of fragments or 1,024 datagrams pending/);
  });

  it('holds at most 4 MiB of fragments in all, dropping the oldest datagrams first', () => {
    const r = new Reassembler();
    const seg = newTcpSegment();
    // A fragment at the end of the 64 KiB range makes a datagram hold 64 KiB.
    for (let id = 1; id <= 200; id++) r.decode(piece(64000, 1000, true, id), seg);
    assert.ok(r.heldBytes <= 4 * 1024 * 1024, `held ${r.heldBytes}`);
    assert.equal(r.pendingDatagrams, 64);
    assert.equal(r.droppedFragments, 136);
    // The newest are the ones kept: the last datagram still completes.
    const last = 200;
    assert.equal(r.decode(piece(0, 64000, true, last), seg), DecodeResult.Fragment);
    assert.equal(r.decode(piece(65000, 8, false, last), seg), DecodeResult.Malformed, 'datagram past 64 KiB is refused');
  });

  it('handles a flood of overlapping fragments in linear work, the first arrival winning', () => {
    const r = new Reassembler();
    const seg = newTcpSegment();
    let bytes = 0;
    // Overlapping 64-byte pieces at every 8-byte step of a datagram whose end never comes (the
    // reported 100,000-fragment input took 54 s: every fragment re-walked all earlier ones).
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const at = (i * 8) % 60000;
      r.decode(piece(at, 64, true, 9, i & 0xff), seg);
      bytes += 64;
    }
    // Per fragment at most the 256 kept ranges are walked and only new bytes copied.
    assert.ok(r.work <= n * 256 + bytes, `work ${r.work}`);
    assert.ok(r.heldBytes <= 65535);
  });

  it('overlaps: the bytes that arrived first are kept (a later overlapping fragment cannot rewrite the TCP header)', () => {
    const r = new Reassembler();
    const seg = newTcpSegment();
    assert.equal(r.decode(rec(frag4(0, 16, true)), seg), DecodeResult.Fragment);
    // Bytes 8..24 again, with RST|ACK flags and another data offset in them.
    const forged = SYN.slice(8, 24).map((b, i) => (i === 4 ? 0x50 : i === 5 ? 0x14 : b));
    assert.equal(r.decode(rec(ipv4(6, forged, { flagsFrag: 0x2000 | 1 })), seg), DecodeResult.Fragment);
    assert.equal(r.decode(rec(frag4(24, 32, false)), seg), DecodeResult.Tcp);
    assert.deepEqual([seg.flags, seg.mss, seg.payloadLen], [TCP_SYN, 1460, 4]);
  });
});
