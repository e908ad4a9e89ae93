import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { U32Set } from '../../../src/core/engine/u32Set';

/**
 * The textbook HyperLogLog (Flajolet et al. 2007; registers fed with every value from the first,
 * small- and large-range corrections as in the paper) over the same 32-bit mixer, written out
 * here independently of U32Set: the set makes its registers only when its exact table is full.
 */
function referenceCount(values: number[], exactLimit: number): { count: number; exact: boolean } {
  const distinct = new Set(values.map((v) => v >>> 0));
  if (distinct.size <= exactLimit) return { count: distinct.size, exact: true };
  const b = 14;
  const m = 1 << b;
  const reg = new Uint8Array(m);
  for (const v0 of values) {
    const v = v0 >>> 0;
    let h = v ^ (v >>> 16);
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    const x = (h ^ (h >>> 16)) >>> 0;
    const rest = (x << b) >>> 0;
    const rank = rest === 0 ? 32 - b + 1 : Math.clz32(rest) + 1;
    reg[x >>> (32 - b)] = Math.max(reg[x >>> (32 - b)], rank);
  }
  let sum = 0;
  let zeros = 0;
  for (const r of reg) {
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  let e = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
  if (e <= 2.5 * m && zeros > 0) e = m * Math.log(m / zeros);
  return { count: Math.round(e), exact: false };
}

describe('U32Set (distinct sources per server)', () => {
  it('counts exactly while its table has room, then as a HyperLogLog of every value ever added', () => {
    fc.assert(fc.property(
      // Values from a small range repeat often: duplicates before and after the table fills.
      fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })), { maxLength: 400 }),
      (values) => {
        const s = new U32Set(16, 32); // 32 slots hold 24 members exactly
        for (const v of values) s.add(v);
        const ref = referenceCount(values, 24);
        assert.equal(s.exact, ref.exact);
        // Once inexact, the estimate never reports fewer than the members it holds exactly.
        assert.equal(s.count(), ref.exact ? ref.count : Math.max(24, ref.count));
      },
    ), { seed: 20261127, numRuns: 300 });
  });

  it('costs its table only until the table is full (a million per-server sets must fit)', () => {
    const before = process.memoryUsage().arrayBuffers;
    const sets: U32Set[] = [];
    for (let i = 0; i < 10000; i++) {
      const s = new U32Set(16, 1 << 21);
      s.add(i);
      sets.push(s);
    }
    const perSet = (process.memoryUsage().arrayBuffers - before) / sets.length;
    assert.ok(perSet < 1024, `${perSet.toFixed(0)} bytes of buffers per set`);
  });
});

describe('SetBudget (all servers\' source sets together)', () => {
  it('sets stay inside the budget: exact, then estimates, then lower bounds; a dropped set gives its bytes back', async () => {
    const { SetBudget } = await import('../../../src/core/engine/u32Set');
    const value = (s: number, i: number): number => (Math.imul(i + 1, 2654435761) ^ Math.imul(s + 1, 0x5bd1e995)) >>> 0;
    const budget = new SetBudget(100 * 1024);
    const sets: U32Set[] = [];
    const n = 20000;
    for (let s = 0; s < 12; s++) {
      const set = new U32Set(16, 1 << 21, budget);
      sets.push(set);
      for (let i = 0; i < n; i++) {
        set.add(value(s, i));
        if (i % 997 === 0) assert.ok(budget.used <= budget.max, `budget ${budget.used} of ${budget.max}`);
      }
    }
    assert.ok(budget.used <= budget.max);
    const kinds = sets.map((x) => (x.exact ? 'exact' : x.lowerBoundOnly ? 'lower bound' : 'estimate'));
    assert.ok(!kinds.includes('exact'), '20,000 members never fit 100 KiB');
    assert.equal(kinds[0], 'estimate', 'the first set switches to a HyperLogLog');
    assert.equal(kinds[kinds.length - 1], 'lower bound', 'once no HyperLogLog fits, sets report what they hold');
    for (const [k, x] of sets.entries()) {
      if (kinds[k] === 'estimate') assert.ok(Math.abs(x.count() - n) / n < 0.03, `set ${k}: estimate ${x.count()} for ${n}`);
      else assert.ok(x.count() > 0 && x.count() < n, `set ${k}: lower bound ${x.count()}`);
    }
    // Dropping the estimates (16 KiB each) makes room: a new set counts 1,000 members exactly.
    for (const [k, x] of sets.entries()) if (kinds[k] === 'estimate') x.dispose();
    const fresh = new U32Set(16, 1 << 21, budget);
    for (let i = 0; i < 1000; i++) fresh.add(value(99, i));
    assert.deepEqual([fresh.count(), fresh.exact], [1000, true]);
  });
});
