// Analyzer API behaviour the extension relies on (progress, snapshots while reading, events),
// the timeline, per-server slow-handshake outliers and damaged-capture findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, DEFAULT_CONFIG } from '../../../src/core/engine/config';
import { A, Conn, F, S, Trace } from './script';

test('progress and flowsSnapshot while packets are still coming', () => {
  const t = new Trace();
  const a = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  a.handshake(0);
  const b = new Conn(t, '10.0.0.1', 40001, '10.0.0.2', 80);
  b.syn(5);
  assert.deepEqual(t.analyzer.progress(), { packets: 4, flows: 2, handshakesComplete: 1, activeFlows: 2 });
  const snap = t.analyzer.flowsSnapshot(1, 10);
  assert.deepEqual(snap.map((f) => [f.id, f.handshake.complete, f.state]), [[1, true, 'S1'], [2, false, 'S0']]);
  assert.deepEqual(t.analyzer.flowsSnapshot(2, 10).map((f) => f.id), [2]);
  assert.deepEqual(t.analyzer.flowsSnapshot(1, 1).map((f) => f.id), [1]);
  const r = t.finish();
  // After finish the snapshot is the final list.
  assert.deepEqual(t.analyzer.flowsSnapshot(1, 10), r.flows);
  assert.equal(t.analyzer.finish({ info: { format: 'pcap', compressed: false, linkTypes: [], interfaces: [], comments: [] }, packets: 0, bytesRead: 0, problems: [], aborted: false }, 'x'), r);
});

test('timeline: SYNs, SYN-ACKs, completions and RSTs per bin; bins double to stay under the limit', () => {
  const t = new Trace({ timelineMinBinSeconds: 0.001, timelineMaxBins: 10 });
  const a = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  a.syn(0); // bin 0
  a.synAck(2); // 2 ms
  a.c2s(4); // completes at 4 ms
  const b = new Conn(t, '10.0.0.1', 40001, '10.0.0.2', 80);
  b.syn(25); // 25 ms: with 10 bins of 1 ms this does not fit; 2, 4 ms still not; 4 ms bins: bin 6
  t.packet(26, '10.0.0.2', 80, '10.0.0.1', 40001, 0x04 | A, 0, 1001);
  const tl = t.finish().timeline;
  assert.equal(tl.binSeconds, 0.004);
  assert.equal(tl.start, '1700000000.000000000');
  // 0–4 ms: SYN at 0, SYN-ACK at 2; 4–8 ms: the completing ACK at 4; 24–28 ms: SYN and RST.
  assert.deepEqual(tl.syn, [1, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(tl.synAck, [1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(tl.completed, [0, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(tl.rst, [0, 0, 0, 0, 0, 0, 1]);
});

test('slow-handshake outlier: 5× the server median and over 20 ms, under the absolute threshold', () => {
  const t = new Trace();
  // Nine handshakes of 10 ms and one of 150 ms to the same server: median 10 ms,
  // 150 ms > 5 × 10 ms and > 20 ms, but < 200 ms.
  for (let i = 0; i < 10; i++) new Conn(t, '10.0.0.1', 40000 + i, '10.0.0.9', 443).handshake(i * 1000, i === 7 ? 150 : 10);
  const r = t.finish();
  const slow = r.findings.filter((f) => f.code === 'slow-handshake');
  assert.equal(slow.length, 1);
  assert.deepEqual(slow[0].flows, [8]);
  assert.equal(slow[0].details.basis, 'outlier');
  assert.equal(slow[0].details.serverMedianRtt, 0.01);
  assert.match(slow[0].message, /15\.0× this server's median of 10 ms/);
});

test('one capture-damaged finding per reader problem, naming the byte offset', () => {
  const t = new Trace();
  new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80).handshake(0);
  const r = t.finish([{ offset: 4242, packet: 3, message: 'record length 99999 exceeds the snap length' }, { offset: 9000, packet: 3, message: 'bad block' }]);
  const d = r.findings.filter((f) => f.code === 'capture-damaged');
  assert.equal(d.length, 2);
  assert.equal(d[0].message, 'Capture damaged at byte 4242 (after packet 3): record length 99999 exceeds the snap length');
  assert.deepEqual(d[0].details, { offset: 4242, lastGoodPacket: 3 });
  assert.equal(d[0].severity, 'error');
  assert.equal(r.flows.length, 1);
});

test('severities can be overridden; unknown and ill-typed config keys are ignored', () => {
  const c = resolveConfig({ slowRttMs: 50, severities: { refused: 'info' }, maxFlows: 'many' as unknown as number });
  assert.equal(c.slowRttMs, 50);
  assert.equal(c.maxFlows, DEFAULT_CONFIG.maxFlows);
  const t = new Trace({ severities: { refused: 'info' } });
  t.packet(0, '10.0.0.1', 40000, '10.0.0.2', 81, S, 1, 0);
  t.packet(1, '10.0.0.2', 81, '10.0.0.1', 40000, 0x04 | A, 0, 2);
  assert.equal(t.finish().findings[0].severity, 'info');
});

test('FIN per side reaches the flow and its events; unknown flows have none', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.handshake(0);
  c.c2s(30, F | A);
  const r = t.finish();
  assert.deepEqual(r.flows[0].fin, { client: true, server: false });
  const ev = t.analyzer.flowEvents(1);
  assert.equal(ev[ev.length - 1].flags & F, F);
  assert.deepEqual(t.analyzer.flowEvents(99), []);
});

test('distinct sources: exact while the set fits, a HyperLogLog estimate (±3 %) beyond', async () => {
  const { U32Set } = await import('../../../src/core/engine/u32Set');
  const small = new U32Set(16, 1 << 10);
  for (let i = 0; i < 500; i++) small.add(i * 7919);
  for (let i = 0; i < 500; i++) small.add(i * 7919); // duplicates change nothing
  assert.deepEqual([small.count(), small.exact], [500, true]);
  const big = new U32Set(16, 1 << 12); // holds ~3000 exactly
  const n = 200000;
  for (let i = 0; i < n; i++) big.add(((i * 2654435761) >>> 0) ^ 0x5bd1e995);
  assert.equal(big.exact, false);
  assert.ok(Math.abs(big.count() - n) / n < 0.03, `estimate ${big.count()} for ${n}`);
});
