// The stored flows' retransmission intervals read back exactly as they were given, for any mix
// of flows with and without them, entries that cross a chunk's end and entries larger than one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntervalPool } from '../../../src/core/store/intervalPool';

test('intervals read back exactly, by row, across chunk ends', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ gap: fc.integer({ min: 1, max: 5 }), a: fc.array(fc.double({ noNaN: true }), { maxLength: 8 }), b: fc.array(fc.double({ noNaN: true }), { maxLength: 8 }) }), { maxLength: 200 }),
      (entries) => {
        const pool = new IntervalPool();
        const kept = new Map<number, [number[], number[]]>();
        let row = 0;
        for (const e of entries) {
          row += e.gap;
          pool.add(row, e.a, e.b);
          kept.set(row, [e.a, e.b]);
        }
        for (let r = 0; r <= row + 1; r++) assert.deepEqual(pool.get(r), kept.get(r) ?? null);
      },
    ),
    { seed: 20261207, numRuns: 200 },
  );
});

test('70,000 flows with backoffs fill more than one chunk, and one list longer than a chunk still fits', () => {
  const pool = new IntervalPool();
  for (let row = 0; row < 70_000; row++) pool.add(row, [1, 2], [row % 7]);
  const long = Array.from({ length: 70_000 }, (_, i) => i / 1000);
  pool.add(70_000, long, []);
  pool.add(70_001, [0.5], [3]);
  assert.equal(pool.size, 70_002);
  assert.deepEqual(pool.get(0), [[1, 2], [0]]);
  assert.deepEqual(pool.get(69_999), [[1, 2], [69_999 % 7]]);
  assert.deepEqual(pool.get(70_000), [long, []]);
  assert.deepEqual(pool.get(70_001), [[0.5], [3]]);
  assert.equal(pool.get(70_002), null);
});
