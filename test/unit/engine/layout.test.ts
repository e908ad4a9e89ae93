// Offsets are declared, not numbered by hand: each layout gives every field its own slots, in
// declaration order, and a time point's layout is the TIME_POINT slots the slab reserves for one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PER_FLOW, PER_SIDE, slabOffsets, TIME_POINT } from '../../../src/core/engine/slabLayout';
import { POINT, readPoint, writePoint } from '../../../src/core/engine/time';

test('a time point takes the TIME_POINT slots, and what is written at an offset reads back', () => {
  assert.equal(POINT.SLOTS, TIME_POINT);
  const a = new Float64Array(3 + TIME_POINT);
  writePoint(a, 3, { index: 42, sec: 1700000000, ns: 649000, frac: 649, ups: 1e6 });
  assert.deepEqual(readPoint(a, 3), { packet: 42, sec: 1700000000, ns: 649000, frac: 649, ups: 1e6 });
  assert.deepEqual([...a.subarray(0, 3)], [0, 0, 0], 'nothing before the offset is touched');
});

test('fields get consecutive slots: two per side, one per flow', () => {
  const L = slabOffsets({ a: PER_SIDE, b: PER_FLOW, c: TIME_POINT, d: PER_SIDE });
  assert.deepEqual({ ...L }, { a: 0, b: 2, c: 3, d: 8, SLOTS: 10 });
});
