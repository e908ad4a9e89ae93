import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatTimestamp, splitTicks } from '../../../src/core/capture/timestamp';
import type { Timestamp } from '../../../src/core/capture/types';

describe('formatTimestamp', () => {
  it('prints µs and ns captures with 9 digits, as tshark frame.time_epoch does', () => {
    // Values from the corpus' tshark JSON (tcpdump/tcp-handshake-nano.pcap, tcpdump/dns_tcp.pcap style).
    assert.equal(formatTimestamp({ sec: 1418145369, frac: 924505488, unitsPerSecond: 1e9 }), '1418145369.924505488');
    assert.equal(formatTimestamp({ sec: 1627225020, frac: 686470, unitsPerSecond: 1e6 }), '1627225020.686470000');
    assert.equal(formatTimestamp({ sec: 0, frac: 0, unitsPerSecond: 1e6 }), '0.000000000');
  });

  it('prints power-of-two resolutions exactly', () => {
    // gopacket/le/test902.pcapng: if_tsresol 2^-8, tshark prints 1519128000.195312500 (50/256 s).
    assert.equal(formatTimestamp({ sec: 1519128000, frac: 50, unitsPerSecond: 256 }), '1519128000.195312500');
    // 2^-10: 1/1024 = 0.0009765625 needs 10 digits.
    assert.equal(formatTimestamp({ sec: 1, frac: 1, unitsPerSecond: 1024 }), '1.0009765625');
  });

  it('keeps finer decimal resolutions in full', () => {
    assert.equal(formatTimestamp({ sec: 5, frac: 1, unitsPerSecond: 1e12 }), '5.000000000001');
    assert.equal(formatTimestamp({ sec: 5, frac: 25, unitsPerSecond: 100 }), '5.250000000');
  });

  it('prints times before the epoch with one minus sign', () => {
    assert.equal(formatTimestamp({ sec: -2, frac: 500000, unitsPerSecond: 1e6 }), '-1.500000000');
  });

  it('prints every decimal-resolution timestamp exactly (decimal expansion by BigInt)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 9 }),
      fc.bigInt({ min: 0n, max: 1n << 52n }),
      fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      (n, sec, f) => {
        const units = 10 ** n;
        const frac = Math.floor(f * units);
        const total = (sec * BigInt(units) + BigInt(frac)) * 10n ** BigInt(9 - n);
        const want = `${total / 1_000_000_000n}.${String(total % 1_000_000_000n).padStart(9, '0')}`;
        assert.equal(formatTimestamp({ sec: Number(sec), frac, unitsPerSecond: units }), want);
      },
    ), { seed: 20261127, numRuns: 3000 });
  });
});

describe('splitTicks', () => {
  it('splits 64-bit tick counts exactly for any resolution (checked with BigInt)', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.constantFrom(1, 10, 100, 256, 1000, 1e6, 1e9, 1e10, 2 ** 20, 2 ** 30, 1e12),
      (ticks, units) => {
        const out: Timestamp = { sec: 0, frac: 0, unitsPerSecond: 0 };
        splitTicks(Number(ticks >> 32n), Number(ticks & 0xffffffffn), units, out);
        const sec = ticks / BigInt(units);
        // Seconds beyond 2^53 cannot be exact in a number; real captures are far below.
        if (sec > BigInt(Number.MAX_SAFE_INTEGER)) return;
        assert.equal(out.sec, Number(sec));
        assert.equal(out.frac, Number(ticks % BigInt(units)));
      },
    ), { seed: 20261127, numRuns: 3000 });
  });
});
