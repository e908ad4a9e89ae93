import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodePacket } from '../../../src/core/decode/decodePacket';
import { DecodeResult, newTcpSegment } from '../../../src/core/decode/types';
import { ETH_IPV4, ETH_IPV6, ethernet, ipv4, ipv6, tcp } from './frames';

const LINK_TYPES = [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 166, 228, 229, 242, 276, 999];

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
