// The flow table's hashes are keyed with a random seed per Analyzer (against hash flooding).
// A user must still get the same report from the same capture every time, so output may not
// depend on the table's hash order: two Analyzers (two seeds) must agree byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A, S, Trace } from './script';

const SERVER = '198.51.100.80';

/** 20,000 distinct 4-tuples: some complete, some answered by RST, most left half-open. */
function capture(t: Trace): void {
  for (let i = 0; i < 20_000; i++) {
    const src = `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
    const sport = 1024 + (i % 50_000);
    const ms = 1000 + i * 0.5;
    t.packet(ms, src, sport, SERVER, 80, S, 1000 + i, 0);
    if (i % 3 === 0) {
      t.packet(ms + 0.1, SERVER, 80, src, sport, S | A, 9000 + i, 1001 + i);
      t.packet(ms + 0.2, src, sport, SERVER, 80, A, 1001 + i, 9001 + i);
    } else if (i % 3 === 1) {
      t.packet(ms + 0.1, SERVER, 80, src, sport, 0x04 | A, 0, 1001 + i);
    }
  }
  // Port reuse after the flows were finished early for memory (the retired-tuple sets).
  t.packet(20_000, '10.0.0.7', 1031, SERVER, 80, S, 555, 0);
}

test('two analyzers (two hash seeds) give identical results for many distinct flows, with and without early finishing', () => {
  for (const config of [{}, { maxActiveFlows: 2000 }]) {
    const a = new Trace(config);
    const b = new Trace(config);
    capture(a);
    capture(b);
    const ra = a.finish();
    const rb = b.finish();
    assert.equal(ra.summary.flows, 20_001);
    assert.equal(JSON.stringify(ra), JSON.stringify(rb));
  }
});

test('flow-table lookups stay short for many similar 4-tuples (hash spread)', () => {
  const t = new Trace();
  capture(t);
  // Linear probing at ≤ 50 % load: expected probes are ~1.5 and the longest chain over 20,000
  // keys is a few dozen; a degenerate hash would walk thousands.
  assert.ok(t.analyzer.internals().maxProbe < 100, `longest probe ${t.analyzer.internals().maxProbe}`);
});
