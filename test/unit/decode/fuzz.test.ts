import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodePacket } from '../../../src/core/decode/decodePacket';
import { Reassembler } from '../../../src/core/decode/reassembler';
import { DecodeResult, newTcpSegment } from '../../../src/core/decode/types';
import { ETH_IPV4, ETH_IPV6, ethernet, ipv4, ipv6, tcp, u16, udp } from './frames';

const LINK_TYPES = [0, 1, 9, 12, 14, 50, 51, 101, 104, 105, 108, 113, 127, 166, 192, 228, 229, 239, 242, 276, 999];

describe('decoder on arbitrary bytes (seeded fuzz)', () => {
  it('never throws and returns a known result for any link type and bytes', () => {
    const seg = newTcpSegment();
    fc.assert(fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 200 }), (lt, bytes) => {
      const r = decodePacket(lt, bytes, seg);
      assert.ok(r >= DecodeResult.Tcp && r <= DecodeResult.Malformed);
      if (r === DecodeResult.Tcp) assert.ok(seg.payloadLen >= 0);
    }), { seed: 20261127, numRuns: 5000 });
  });

  it('never throws on valid frames with random damage', () => {
    const seg = newTcpSegment();
    const frames = [
      [...ethernet(ETH_IPV4), ...ipv4(6, tcp({ options: [2, 4, 5, 180, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0] }))],
      [...ethernet(ETH_IPV6), ...ipv6(0, [6, 0, 1, 4, 0, 0, 0, 0, ...tcp({ options: [34, 10, 1, 2, 3, 4, 5, 6, 7, 8] })])],
      [...ethernet(0x8100), 0, 5, 0x88, 0x47, 0, 1, 1, 64, ...ipv4(4, ipv4(6, tcp()))],
    ];
    fc.assert(fc.property(fc.constantFrom(...frames), fc.array(fc.record({ at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }), fc.nat(), (f, muts, cut) => {
      const b = Uint8Array.from(f);
      for (const m of muts) b[m.at % b.length] = m.v;
      const r = decodePacket(1, b.subarray(0, b.length - (cut % 20)), seg);
      assert.ok(r >= DecodeResult.Tcp && r <= DecodeResult.Malformed);
    }), { seed: 20261127, numRuns: 5000 });
  });
});

describe('the issue 17 encapsulations with random damage (seeded fuzz)', () => {
  it('never throw and return a known result', () => {
    const seg = newTcpSegment();
    const inner = ipv4(6, tcp());
    const wlan = [0x88, 0x02, 0, 0, ...new Array(18).fill(1), 0, 0, 0, 0, 0xaa, 0xaa, 3, 0, 0, 0, ...u16(0x0800), ...inner];
    const overUdp = (port: number, p: number[]) => [...ethernet(ETH_IPV4), ...ipv4(17, udp(port, port, p))];
    const frames: Array<[number, number[]]> = [
      [1, overUdp(2152, [0x34, 0xff, ...u16(8 + inner.length), 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0, 0, 0, ...inner])],
      [1, overUdp(1701, [0x4a, 0x02, 0, 0, 0, 5, 0, 6, 0, 1, 0, 2, 0, 2, 0, 0, 0xff, 0x03, 0, 0x21, ...inner])],
      // Frame control in Cisco byte order, as Wireshark reads CAPWAP.
      [1, overUdp(5247, [0, 0x10, 0x03, 0, 0, 0, 0, 0, 0x02, 0x88, ...wlan.slice(2)])],
      [1, [...ethernet(ETH_IPV4), ...ipv4(47, [0x10, 0, 0x22, 0xeb, 0, 0, 0, 1, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...new Array(8).fill(0), ...ethernet(ETH_IPV4), ...inner])]],
      // Two presence words, TSFT aligned to 8 (4 pad bytes), flags with data pad: 2 bytes after the QoS header.
      [127, [0, 0, 26, 0, 0x07, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x20, 2, ...wlan.slice(0, 26), 0, 0, ...wlan.slice(26)]],
      [192, [0, 0, 8, 0, 105, 0, 0, 0, ...wlan]],
      [239, [2, 0, 0, 1, 8, 0, 1, 0, 8, 0, 3, 0, 4 + inner.length, 0, 9, 0, ...inner]],
      [104, [0x0f, 0, 8, 0, ...inner]],
    ];
    for (const [lt, f] of frames) assert.equal(decodePacket(lt, Uint8Array.from(f), seg), DecodeResult.Tcp, `undamaged frame on link type ${lt}: ${f.slice(0, 60).join(',')}`);
    fc.assert(fc.property(fc.constantFrom(...frames), fc.array(fc.record({ at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }), fc.nat(), ([lt, f], muts, cut) => {
      const b = Uint8Array.from(f);
      for (const m of muts) b[m.at % b.length] = m.v;
      const r = decodePacket(lt, b.subarray(0, b.length - (cut % 40)), seg);
      assert.ok(r >= DecodeResult.Tcp && r <= DecodeResult.Malformed);
    }), { seed: 20261127, numRuns: 5000 });
  });
});

describe('reassembler on random fragments (seeded fuzz)', () => {
  it('stays within its limits whatever the fragments', () => {
    const limits = { maxPending: 4, maxFragments: 8, maxBytes: 16384 };
    fc.assert(fc.property(fc.array(fc.record({
      id: fc.integer({ min: 0, max: 9 }), at: fc.integer({ min: 0, max: 8000 }), len: fc.integer({ min: 1, max: 200 }), more: fc.boolean(),
    }), { maxLength: 200 }), (frags) => {
      const r = new Reassembler(limits);
      const seg = newTcpSegment();
      let sent = 0;
      for (const f of frags) {
        const data = Uint8Array.from(ipv4(6, new Array(f.len).fill(7), { flagsFrag: (f.more ? 0x2000 : 0) | f.at }).map((b, i) => (i === 5 ? f.id : b)));
        r.decode({ index: ++sent, offset: 0, capLen: data.length, origLen: data.length, linkType: 101, interfaceId: 0, data, sec: 0, frac: 0, unitsPerSecond: 1e6 }, seg);
        assert.ok(r.pendingDatagrams <= limits.maxPending);
        // The byte budget can be passed only by the datagram being added (at most 64 KiB).
        assert.ok(r.heldBytes <= limits.maxBytes + 65536, `${r.heldBytes}`);
        assert.ok(r.droppedFragments <= sent);
      }
    }), { seed: 20261127, numRuns: 300 });
  });


  it('never throws and always returns a known result', () => {
    const syn = tcp({ options: [2, 4, 5, 180, 4, 2, 1, 1] });
    fc.assert(fc.property(fc.array(fc.record({
      id: fc.integer({ min: 0, max: 3 }), v6: fc.boolean(), from: fc.integer({ min: 0, max: 8 }), words: fc.integer({ min: 0, max: 6 }),
      more: fc.boolean(), trash: fc.uint8Array({ maxLength: 40 }),
    }), { maxLength: 30 }), (frags) => {
      const r = new Reassembler(3);
      const seg = newTcpSegment();
      for (const f of frags) {
        const body = Array.from(f.trash.length > 0 ? f.trash : Uint8Array.from(syn)).slice(0, f.words * 8 || 8);
        const bytes = f.v6
          ? ipv6(44, [6, 0, ...u16((f.from << 3) | (f.more ? 1 : 0)), 0, 0, 0, f.id, ...body])
          : ipv4(6, body, { flagsFrag: (f.more ? 0x2000 : 0) | f.from }).map((b, i) => (i === 5 ? f.id : b));
        const data = Uint8Array.from(bytes);
        const res = r.decode({ index: 0, offset: 0, capLen: data.length, origLen: data.length, linkType: 101, interfaceId: 0, data, sec: 0, frac: 0, unitsPerSecond: 1e6 }, seg);
        assert.ok(res >= DecodeResult.Tcp && res <= DecodeResult.Malformed);
      }
    }), { seed: 20261127, numRuns: 2000 });
  });
});
