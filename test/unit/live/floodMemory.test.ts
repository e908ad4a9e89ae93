// A follower runs for hours and a SYN flood is a burst: while it lasts, its live attempts need
// slab records, parked records and table cells by the ten thousand; once they are finished, what
// the live flows hold must go back to what ordinary traffic needs (issue 18: RSS flat across a
// flood), or every flood raises a long follow's memory for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../src/core/engine/config';
import { LiveTracker } from '../../../src/core/live/tracker';
import { A, F, S, Trace } from '../engine/script';

const SERVER = '198.51.100.80';
const CLIENT = '192.0.2.10';

/** One ordinary connection: handshake, then a FIN each way. */
function connection(t: Trace, ms: number, port: number): void {
  t.packet(ms, CLIENT, port, SERVER, 443, S, 100, 0, 0, { mss: 1460 });
  t.packet(ms + 0.2, SERVER, 443, CLIENT, port, S | A, 500, 101, 0, { mss: 1460 });
  t.packet(ms + 0.4, CLIENT, port, SERVER, 443, A, 101, 501);
  t.packet(ms + 1, CLIENT, port, SERVER, 443, F | A, 101, 501);
  t.packet(ms + 1.2, SERVER, 443, CLIENT, port, F | A, 501, 102);
  t.packet(ms + 1.4, CLIENT, port, SERVER, 443, A, 102, 502);
}

test('once a 40,000-SYN flood is finished, the live flows hold what ordinary traffic needs again', () => {
  const config = { ...DEFAULT_CONFIG, maxFlows: 100 };
  const t = new Trace(config);
  // What a follower adds: each live flow's share of the summary, as of its last packet.
  const tracker = new LiveTracker(t.analyzer, config, () => {}, false);
  const snapshot = (ms: number): void => void tracker.snapshot({ sec: t.base + Math.floor(ms / 1000), ns: (ms % 1000) * 1e6 });
  let port = 10000;
  for (let ms = 0; ms < 2000; ms += 10) connection(t, ms, port++);
  t.analyzer.sweepNow();
  snapshot(2000);
  const before = t.analyzer.internals();
  // 40,000 spoofed sources at 20,000 SYN/s, each answered 25 µs later: all live at once.
  for (let i = 0; i < 40_000; i++) {
    const ms = 2000 + i * 0.05;
    const src = `23.1.${(i >> 8) & 0xff}.${i & 0xff}`;
    t.packet(ms, src, 20000 + (i % 40000), SERVER, 80, S, 1000 + i, 0, 0, { mss: 1460 });
    t.packet(ms + 0.025, SERVER, 80, src, 20000 + (i % 40000), S | A, 50000 + i, 1001 + i, 0, { mss: 1460 });
  }
  snapshot(4000);
  const during = t.analyzer.internals();
  assert.ok(tracker.heldRowChunks >= 20, `the flood's live rows: ${tracker.heldRowChunks} chunks`);
  assert.ok(during.parkedChunks + during.slabChunks >= 20, `the flood held ${JSON.stringify(during)}`);
  assert.ok(during.tableCells >= 65536, `the flood's table: ${during.tableCells} cells`);
  // Ordinary traffic again, past every retry horizon; the follower sweeps as capture time passes.
  for (let ms = 4000; ms < 100_000; ms += 50) {
    connection(t, ms, port++);
    if (ms % 1000 === 0) {
      t.analyzer.sweepNow();
      snapshot(ms);
    }
  }
  const after = t.analyzer.internals();
  assert.ok(after.slabChunks <= Math.max(before.slabChunks, 4), `slab chunks: ${before.slabChunks} before, ${after.slabChunks} after`);
  assert.ok(after.parkedChunks <= 4, `parked chunks after: ${after.parkedChunks}`);
  assert.ok(after.tableCells <= before.tableCells, `table cells: ${before.tableCells} before, ${after.tableCells} after`);
  assert.ok(tracker.heldRowChunks <= 4, `live rows after: ${tracker.heldRowChunks} chunks`);
  // The live summary still counts what analyze counts of the same packets.
  const live = tracker.summary();
  tracker.detach();
  const r = t.finish();
  assert.equal(r.summary.flows, 200 + 40_000 + 1920);
  assert.equal(r.summary.handshakesComplete, 200 + 1920);
  assert.equal(live.flows, r.summary.flows);
  assert.equal(live.handshakesComplete, r.summary.handshakesComplete);
  assert.equal(live.syn, r.summary.syn);
  assert.equal(live.synAck, r.summary.synAck);
});
