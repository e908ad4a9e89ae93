// A sweep's cut-off (src/core/engine/select.ts) must be the value a native sort of the ages puts
// at that place: which flows a sweep finishes, and so the output, depends on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { largest, nthSmallest } from '../../../src/core/engine/select';

/** Deterministic pseudo-random numbers (xorshift). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Ages as sweeps see them, and the awkward ones: many equal, ±0, NaN, sorted, reversed. */
function cases(): Float64Array[] {
  const r = rng(7);
  const out: Float64Array[] = [];
  for (let t = 0; t < 300; t++) {
    const m = 1 + Math.floor(r() * (t < 250 ? 40 : 3000));
    const kind = t % 6;
    const a = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const x = r();
      a[i] = kind === 0 ? Math.floor(x * 5) : kind === 1 ? (x < 0.3 ? -0 : x < 0.6 ? 0 : x) : kind === 2 ? (x < 0.1 ? NaN : Math.floor(x * 1e12)) : kind === 3 ? i : kind === 4 ? m - i : x * 1e15;
    }
    out.push(a);
  }
  return out;
}

test('nthSmallest and largest give what a sorted copy has at that place (0 and −0 alike)', () => {
  for (const ages of cases()) {
    const m = ages.length;
    const sorted = ages.slice().sort();
    const scratch = new Float64Array(m);
    for (let n = 1; n <= m; n += Math.max(1, Math.floor(m / 17))) {
      const got = nthSmallest(scratch, ages, m, n);
      const want = sorted[n - 1];
      assert.ok(Number.isNaN(want) ? Number.isNaN(got) : got === want, `m=${m} n=${n}: ${got} ≠ ${want}`);
    }
    const top = largest(ages, m);
    const last = sorted[m - 1];
    assert.ok(Number.isNaN(last) ? Number.isNaN(top) : top === last, `largest of ${m}: ${top} ≠ ${last}`);
  }
});

test('nthSmallest leaves the ages as they were', () => {
  const ages = Float64Array.from([5, 3, 9, 1, 3, 7]);
  nthSmallest(new Float64Array(6), ages, 6, 3);
  assert.deepEqual([...ages], [5, 3, 9, 1, 3, 7]);
});
