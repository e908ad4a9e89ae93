import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../../src/core/stories/clock';
import { concurrency, median, peakInWindow } from '../../../src/core/stories/stats';

test('nanosecond times keep their precision where a double would not', () => {
  const c = new Clock('1700000000.000000001');
  // 1700000000.000000001 and …002 are the same double; on the clock they are 1 ns apart.
  assert.equal(c.ns('1700000000.000000002') - c.ns('1700000000.000000001'), 1);
  assert.equal(c.format(c.ns('1700000012.345678901')), '1700000012.345678901');
});

test('times print at the file precision, negative epochs the way people write them', () => {
  const us = new Clock('1700000000.250000');
  assert.equal(us.format(us.ns('1700000001.5')), '1700000001.500000');
  const neg = new Clock('-5.250000');
  assert.equal(neg.format(neg.ns('-5.250000')), '-5.250000');
  assert.equal(neg.format(neg.ns('-4.000000')), '-4.000000');
  assert.ok(Number.isNaN(us.ns('soon')));
});

test('the busiest one-second window of connects 20 ms apart holds 50, not 51', () => {
  // 500 connects at 0, 20, 40 … 9980 ms: any window [t, t + 1 s) starting on a connect holds
  // exactly t … t + 980 ms, 50 of them.
  const times = Array.from({ length: 500 }, (_, i) => i * 20_000_000);
  assert.deepEqual(peakInWindow(times, 1e9), { count: 50, at: 0 });
  assert.deepEqual(peakInWindow([], 1e9).count, 0);
});

test('concurrency counts overlapping intervals per bin; touching intervals do not overlap', () => {
  // [0,10) [5,15) [10,20): at most two at once (5–10 and 10–15); bins of 10 see 2 and 2.
  const r = concurrency(Float64Array.of(0, 5, 10), Float64Array.of(10, 15, 20), 0, 10, 2);
  assert.equal(r.peak, 2);
  assert.equal(r.peakAt, 5);
  assert.deepEqual(r.perBin, [2, 2]);
  // One interval spanning four bins shows in each of them.
  assert.deepEqual(concurrency(Float64Array.of(1), Float64Array.of(39), 0, 10, 4).perBin, [1, 1, 1, 1]);
  // Empty intervals never count, wherever they sort.
  assert.deepEqual(concurrency(Float64Array.of(7, 1, 3), Float64Array.of(7, 39, 2), 0, 10, 4), { peak: 1, peakAt: 1, perBin: [1, 1, 1, 1] });
});

test('median of an even count is the mean of the middle two', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('epoch strings of every shape read to the exact nanosecond (BigInt arithmetic as the reference)', async () => {
  const fc = (await import('fast-check')).default;
  const base = 1_700_000_000;
  const c = new Clock(`${base}.000000`);
  fc.assert(fc.property(
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.stringMatching(/^\d{0,12}$/),
    fc.constantFrom('', ' ', '\t'),
    fc.boolean(),
    (offset, fracDigits, pad, withDot) => {
      const whole = base + offset;
      const text = `${pad}${whole}${withDot || fracDigits ? `.${fracDigits}` : ''}${pad}`;
      // What the time means: the first nine fraction digits count, the rest are below a nanosecond.
      const frac = BigInt((fracDigits + '000000000').slice(0, 9));
      const exact = (BigInt(whole) - BigInt(base)) * 1_000_000_000n + frac;
      assert.equal(c.ns(text), Number(exact), JSON.stringify(text));
    },
  ), { seed: 20261127, numRuns: 2000 });
});
