// Story chart captions: the unit is said once. Labels and units as src/core/stories/* write them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesLabel } from '../../../src/render/format';

test('a label that already names the counted thing does not repeat the unit', () => {
  // The review's example: "SYNs per 1 s bin (SYNs)".
  assert.equal(seriesLabel('SYNs per 1 s bin', 'SYNs'), 'SYNs per 1 s bin');
  assert.equal(seriesLabel('pending connects', 'connects'), 'pending connects');
  // conn/s is "connections per second", which the label says in words.
  assert.equal(seriesLabel('new connections per second', 'conn/s'), 'new connections per second');
});

test('a label that does not name its unit gets it, in one pair of parentheses', () => {
  assert.equal(seriesLabel('pending longer than 3 s', 'connects'), 'pending longer than 3 s (connects)');
  // "s" in "1 s bin" is not "ms"; the parenthesis the label ends with takes the unit.
  assert.equal(seriesLabel('legitimate handshake RTT (median per 1 s bin)', 'ms'), 'legitimate handshake RTT (median per 1 s bin, ms)');
  // A per-second unit needs the label to say "per second", not just the noun.
  assert.equal(seriesLabel('new connections', 'conn/s'), 'new connections (conn/s)');
  assert.equal(seriesLabel('SYNs', ''), 'SYNs');
});
