// Issue 17: the memory sweep must never finish a handshake that is still in progress. Scaled
// down from the reported inputs (40,000 keep-alive connections, 30,300 SYN retries, a 2-million
// SYN flood answered by a server that retransmits every SYN-ACK twice) by lowering
// maxActiveFlows, so the sweep runs many times while the handshakes are in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { A, S, Trace } from './script';

const SERVER = '198.51.100.80';
const client = (i: number) => `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
const codes = (r: AnalysisResult) => [...new Set(r.findings.map((f) => f.code))].sort();

test('4,000 clean connections in flight at once, 1,000 active allowed: every one completes, no finding', () => {
  const N = 4000;
  const t = new Trace({ maxActiveFlows: 1000 });
  // All SYNs within 40 ms, then all SYN-ACKs, then all ACKs and requests: 4,000 handshakes in
  // progress at once, none older than 100 ms when the sweeps run.
  for (let i = 0; i < N; i++) t.packet(i * 0.01, client(i), 40000, SERVER, 443, S, i * 7, 0);
  for (let i = 0; i < N; i++) t.packet(50 + i * 0.01, SERVER, 443, client(i), 40000, S | A, 9000 + i, i * 7 + 1);
  for (let i = 0; i < N; i++) {
    t.packet(100 + i * 0.01, client(i), 40000, SERVER, 443, A, i * 7 + 1, 9001 + i);
    t.packet(100.005 + i * 0.01, client(i), 40000, SERVER, 443, A, i * 7 + 1, 9001 + i, 200);
  }
  const r = t.finish();
  assert.equal(r.summary.flows, N);
  assert.equal(r.summary.handshakesComplete, N);
  assert.deepEqual([r.summary.halfOpen, r.summary.syn, r.summary.synRetransmissions], [0, N, 0]);
  assert.deepEqual(codes(r), []);
});

test('SYNs retransmitted (same ISN) while the sweep runs: one flow each, retries counted, no port reuse', () => {
  const N = 3000;
  const t = new Trace({ maxActiveFlows: 500 });
  for (let i = 0; i < N; i++) t.packet(i * 0.1, client(i), 40000, SERVER, 22, S, 1000 + i, 0);
  // Linux retries after 1 s; the server answers the retry.
  for (let i = 0; i < N; i++) {
    t.packet(1000 + i * 0.1, client(i), 40000, SERVER, 22, S, 1000 + i, 0);
    t.packet(1000.03 + i * 0.1, SERVER, 22, client(i), 40000, S | A, 5000 + i, 1001 + i);
    t.packet(1000.06 + i * 0.1, client(i), 40000, SERVER, 22, A, 1001 + i, 5001 + i);
  }
  const r = t.finish();
  assert.equal(r.summary.flows, N);
  assert.deepEqual([r.summary.syn, r.summary.synRetransmissions, r.summary.handshakesComplete], [2 * N, N, N]);
  assert.ok(!codes(r).includes('port-reuse'), codes(r).join());
  assert.ok(!codes(r).includes('unanswered-syn'), codes(r).join());
  // Wireshark's initial RTT runs from the retry: 60 µs, not 1 s.
  assert.ok(r.flows.every((f) => f.handshake.rtt !== null && Math.abs(f.handshake.rtt - 60e-6) < 1e-9));
});

test('a flood answered by a server that retransmits every SYN-ACK twice: retransmissions counted, no SYN-cookie claim', () => {
  const N = 3000;
  const t = new Trace({ maxActiveFlows: 500 });
  // 1,000 spoofed SYNs per second; the server answers each after 25 µs and again 1 s and 3 s later.
  const events: [number, () => void][] = [];
  for (let i = 0; i < N; i++) {
    const at = 1000 + i;
    const src = `23.0.${(i >> 8) & 0xff}.${i & 0xff}`;
    events.push([at, () => t.packet(at, src, 1024 + i, SERVER, 80, S, 100 + i, 0)]);
    for (const d of [0.025, 1000.025, 3000.025]) events.push([at + d, () => t.packet(at + d, SERVER, 80, src, 1024 + i, S | A, 7000 + i, 101 + i, 0, { mss: 1460 })]);
  }
  events.sort((a, b) => a[0] - b[0]);
  for (const [, send] of events) send();
  t.packet(20000, '192.0.2.1', 1, '192.0.2.2', 2, A, 1, 1); // the capture runs on past every retry
  const r = t.finish();
  assert.equal(r.summary.flows, N + 1);
  assert.deepEqual([r.summary.synAck, r.summary.synAckRetransmissions, r.summary.halfOpen], [3 * N, 2 * N, N]);
  const flood = r.findings.filter((f) => f.code === 'syn-flood');
  assert.equal(flood.length, 1);
  assert.notEqual(flood[0].details.synCookies, 'likely');
  assert.doesNotMatch(flood[0].message, /SYN cookies/);
  assert.equal(flood[0].details.synAckRetransmissions, 2 * N);
  assert.ok(!codes(r).includes('capture-limits'));
});

test('above maxLiveFlows live handshakes are finished early, and the result says so instead of reporting them', () => {
  const N = 3000;
  const t = new Trace({ maxActiveFlows: 200, maxLiveFlows: 1000 });
  for (let i = 0; i < N; i++) t.packet(i * 0.01, client(i), 40000, SERVER, 443, S, i * 7, 0);
  const r = t.finish();
  const lim = r.findings.filter((f) => f.code === 'capture-limits');
  assert.equal(lim.length, 1);
  assert.equal(lim[0].severity, 'warning');
  assert.ok(lim[0].packet > 1000 && lim[0].packet < N, `first packet affected ${lim[0].packet}`);
  assert.ok((lim[0].details.handshakesInProgress as number) > 0);
  assert.match(lim[0].message, /finished early, from packet \d+ on/);
  // Those handshakes were live: no unanswered-syn for them (the rest are incomplete at the end).
  assert.equal(r.summary.flows, N);
  assert.ok(!codes(r).includes('unanswered-syn'), codes(r).join());
});
