// The slab of live flows' numbers after a burst: a SYN flood's live attempts take tens of
// chunks; once they are finished the slab must give those chunks back (a follower runs for
// hours), and every record it hands out must still start as zeros.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Slab } from '../../../src/core/engine/slab';

const STRIDE = 8;

function fill(slab: Slab, r: number, v: number): void {
  const c = slab.chunk(r);
  c.a.fill(v, slab.offset(r), slab.offset(r) + STRIDE);
  c.addrs.fill(v & 255, slab.addrAt(r), slab.addrAt(r) + 32);
}

function isZero(slab: Slab, r: number): boolean {
  const c = slab.chunk(r);
  for (let i = 0; i < STRIDE; i++) if (c.a[slab.offset(r) + i] !== 0) return false;
  for (let i = 0; i < 32; i++) if (c.addrs[slab.addrAt(r) + i] !== 0) return false;
  return true;
}

test('after a burst of 40,000 records is released, the slab keeps the chunks its remaining records need, not the burst\'s', () => {
  const slab = new Slab(STRIDE);
  const steady: number[] = [];
  for (let i = 0; i < 1000; i++) steady.push(slab.alloc());
  const burst: number[] = [];
  for (let i = 0; i < 40_000; i++) {
    const r = slab.alloc();
    fill(slab, r, 7);
    burst.push(r);
  }
  assert.ok(slab.chunkCount >= 40, `the burst took ${slab.chunkCount} chunks`);
  // Flows keep opening and closing while the burst's records go back, oldest first.
  for (let i = 0; i < burst.length; i++) {
    slab.release(burst[i]!);
    if (i % 10 === 0) {
      const r = slab.alloc();
      assert.ok(isZero(slab, r), 'a reused record starts as zeros');
      fill(slab, r, 9);
      steady.push(r);
      slab.release(steady.shift()!);
    }
  }
  assert.ok(slab.chunkCount <= 5, `${slab.chunkCount} chunks held for ${steady.length} records`);
  for (const r of steady) assert.ok(r >>> 10 < 8, `record ${r} in a low chunk`);
});

test('records handed out are distinct and zeroed whatever the order of releases', () => {
  const slab = new Slab(STRIDE);
  const live = new Set<number>();
  let seed = 12345;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let step = 0; step < 200_000; step++) {
    if (live.size === 0 || rnd() < 0.52 - live.size / 200_000) {
      const r = slab.alloc();
      assert.ok(!live.has(r), `record ${r} handed out twice`);
      assert.ok(isZero(slab, r), `record ${r} not zeroed`);
      fill(slab, r, 3);
      live.add(r);
    } else {
      const pick = [...live][Math.floor(rnd() * Math.min(live.size, 64))]!;
      live.delete(pick);
      slab.release(pick);
    }
  }
});
