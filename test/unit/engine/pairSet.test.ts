import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PairSet, RecentPairs } from '../../../src/core/engine/pairSet';

describe('PairSet (flows finished early)', () => {
  it('holds exactly the pairs added, whatever their values (checked against a Set of strings)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 3 })), { maxLength: 3000 }),
      fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }),
      (added, probes) => {
        const s = new PairSet(16, 1 << 16);
        const ref = new Set<string>();
        // Small second halves make many pairs share one half: only both together may match.
        for (const [a, b] of added) {
          s.add(a, b);
          ref.add(`${a >>> 0},${b}`);
        }
        assert.equal(s.size, ref.size);
        for (const [a, b] of [...added, ...probes]) assert.equal(s.has(a, b), ref.has(`${a >>> 0},${b}`));
        assert.equal(s.has(0, 0), ref.has('0,0'));
        // The filter never hides a member (whose first half it must then let through).
        for (const [a] of added) assert.ok(s.mayHaveFirst(a), `first half ${a}`);
      },
    ), { seed: 20261127, numRuns: 200 });
  });

  it('lets through every first half added, across growth, and few others', () => {
    const s = new PairSet(16, 1 << 21);
    const n = 500_000;
    for (let i = 1; i <= n; i++) {
      // Table hashes (signed, as the sweep passes them) sharing a first half in pairs, as a
      // quiet attempt's 4-tuple and ISN do.
      const a = Math.imul(i, 0x9e3779b1) ^ (i >>> 3);
      s.add(a, i);
      s.add(a, ~i);
      if (i % 4099 === 0) for (let j = 1; j <= i; j += 101) assert.ok(s.mayHaveFirst(Math.imul(j, 0x9e3779b1) ^ (j >>> 3)), `member ${j} of ${i}`);
    }
    s.add(0, 0);
    assert.ok(s.mayHaveFirst(0));
    let passed = 0;
    const probes = 200_000;
    for (let i = 1; i <= probes; i++) if (s.mayHaveFirst(Math.imul(n + i, 0x2545f491) + 12345)) passed++;
    assert.ok(passed < probes * 0.1, `${passed} of ${probes} non-members let through`);
  });

  it('remembers a million flows (the 10^6-open-connections case) and stops growing at its cap', () => {
    const s = new PairSet(1 << 16, 1 << 21);
    for (let i = 1; i <= 1_000_000; i++) s.add(Math.imul(i, 0x9e3779b1), i);
    assert.equal(s.size, 1_000_000);
    assert.equal(s.full, false);
    for (let i = 1; i <= 1_000_000; i += 997) assert.ok(s.has(Math.imul(i, 0x9e3779b1), i), `member ${i}`);
    assert.ok(!s.has(Math.imul(1_000_001, 0x9e3779b1), 1_000_001));
    for (let i = 1_000_001; i <= 2_000_000; i++) s.add(Math.imul(i, 0x9e3779b1), i);
    assert.equal(s.full, true);
    assert.equal(s.bytes, (1 << 21) * 8 + (1 << 21) / 2, 'the table never exceeds 2^21 slots (16 MiB, and its filter 1 MiB)');
    assert.ok(s.has(Math.imul(7, 0x9e3779b1), 7), 'members added before the cap stay');
  });
});

describe('RecentPairs (what a follower remembers of flows finished early)', () => {
  it('after millions of flows it still knows the most recent ones, forgets the oldest, and stays within two generations', () => {
    const gen = 196_608;
    const s = new RecentPairs(gen);
    const total = 3_000_000;
    for (let i = 1; i <= total; i++) s.add(Math.imul(i, 0x9e3779b1), i);
    // The last full generation and the one being filled: every member of the most recent `gen`.
    for (let i = total - gen + 1; i <= total; i += 7) assert.ok(s.has(Math.imul(i, 0x9e3779b1), i), `recent member ${i}`);
    for (let i = 1; i <= total - 2 * gen; i += 997) assert.ok(!s.has(Math.imul(i, 0x9e3779b1), i), `old member ${i}`);
    assert.ok(s.bytes <= 2 * (1 << 18) * 8.5, `two generations of 2^18 slots (and their filters) at most: ${s.bytes}`);
    // A PairSet of the same stream would have stopped at its cap and missed them.
    const one = new PairSet(1 << 16, 1 << 21);
    for (let i = 1; i <= total; i++) one.add(Math.imul(i, 0x9e3779b1), i);
    assert.ok(!one.has(Math.imul(total, 0x9e3779b1), total));
  });

  it('below one generation it holds exactly what a PairSet holds', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 3 })), { maxLength: 2000 }),
      (added) => {
        const r = new RecentPairs(4096);
        const p = new PairSet(16, 1 << 16);
        for (const [a, b] of added) {
          r.add(a, b);
          p.add(a, b);
        }
        for (const [a, b] of added) {
          assert.equal(r.has(a, b), p.has(a, b));
          assert.ok(r.mayHaveFirst(a));
        }
        assert.equal(r.has(12345, 99), p.has(12345, 99));
      },
    ), { seed: 20261207, numRuns: 100 });
  });
});
