import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PairSet } from '../../../src/core/engine/pairSet';

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
      },
    ), { seed: 20261127, numRuns: 200 });
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
    assert.equal(s.bytes, (1 << 21) * 8, 'the table never exceeds 2^21 slots (16 MiB)');
    assert.ok(s.has(Math.imul(7, 0x9e3779b1), 7), 'members added before the cap stay');
  });
});
