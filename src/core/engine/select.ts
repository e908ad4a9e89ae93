/**
 * The cut-off a sweep finishes flows up to (sweep.ts): the value a native sort of the candidates'
 * ages would put at a given place, found without sorting them all.
 */

/**
 * What a native sort of `ages[0..m)` puts last: NaN if there is one, else the largest (0 and −0
 * compare the same below): finishing every candidate (the quiet attempts of a sweep) needs no
 * sort at all.
 */
export function largest(ages: Float64Array, m: number): number {
  let max = -Infinity;
  for (let i = 0; i < m; i++) {
    const k = ages[i];
    if (k !== k) return NaN;
    if (k > max) max = k;
  }
  return max;
}

/**
 * The n-th smallest (from 1) of `ages[0..m)` where a native sort puts it (NaN last; 0 and −0
 * compare the same below), selected in `scratch`: above maxLiveFlows each sweep finishes the
 * oldest of half a million live attempts, and sorting all their ages every time was a twentieth
 * of the 10^7-source flood's CPU. Quickselect, falling back to a sort of what is left after 64
 * rounds (inputs that defeat the median-of-three pivot).
 */
export function nthSmallest(scratch: Float64Array, ages: Float64Array, m: number, n: number): number {
  let k = 0;
  for (let i = 0; i < m; i++) {
    const v = ages[i];
    if (v === v) scratch[k++] = v;
  }
  if (n > k) return NaN;
  const want = n - 1;
  let lo = 0;
  let hi = k - 1;
  for (let round = 0; lo < hi; round++) {
    if (round === 64) {
      scratch.subarray(lo, hi + 1).sort();
      break;
    }
    const pivot = median3(scratch[lo], scratch[(lo + hi) >>> 1], scratch[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scratch[i] < pivot) i++;
      while (scratch[j] > pivot) j--;
      if (i <= j) {
        const t = scratch[i];
        scratch[i++] = scratch[j];
        scratch[j--] = t;
      }
    }
    // [lo, j] ≤ pivot ≤ [i, hi], and what lies between equals the pivot.
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  return scratch[want];
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
