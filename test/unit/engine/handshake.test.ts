// Per-flow handshake facts from scripted packet sequences; every expected value is derived by
// hand from the packets listed in the test (comments say how).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { A, Conn, F, R, S, Trace } from './script';
import { formatDuration } from '../../../src/render/format';

/** Findings of the engine itself (the stories add their own codes on top). */
function engineCodes(r: AnalysisResult): string[] {
  const stories = new Set(['connection-churn', 'slow-connect', 'connect-pileup']);
  return r.findings.map((x) => x.code).filter((c) => !stories.has(c));
}

test('clean handshake, one exchange, FIN close: times, counts, Zeek state/history, completeness', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.syn(0); // frame 1
  c.synAck(10); // frame 2
  c.c2s(20); // 3: pure ACK completing the handshake (ack = 5000 + 1)
  c.c2s(30, A, 100); // 4: request
  c.s2c(40); // 5: pure ACK
  c.s2c(50, A, 200); // 6: response
  c.c2s(60, F | A); // 7
  c.s2c(70, F | A); // 8
  c.c2s(80); // 9
  const r = t.finish();
  assert.equal(r.flows.length, 1);
  const f = r.flows[0];
  assert.deepEqual([f.client, f.server, f.roleBasis], [{ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 80 }, 'first-syn']);
  assert.equal(f.handshake.complete, true);
  assert.deepEqual([f.handshake.syn?.packet, f.handshake.synAck?.packet, f.handshake.ack?.packet], [1, 2, 3]);
  // ACK − SYN = 20 ms, SYN-ACK − SYN = 10 ms, ACK − SYN-ACK = 10 ms, exactly.
  assert.equal(f.handshake.rtt, 0.02);
  assert.equal(f.handshake.serverRtt, 0.01);
  assert.equal(f.handshake.clientRtt, 0.01);
  assert.equal(f.handshake.syn?.time, '1700000000.000000000');
  assert.equal(f.handshake.ack?.time, '1700000000.020000000');
  assert.deepEqual(f.packets, { client: 5, server: 4 });
  assert.deepEqual(f.payloadBytes, { client: 100, server: 200 });
  assert.equal(f.exchanges, 1);
  assert.deepEqual([f.syn, f.synRetransmissions, f.synAck, f.synAckRetransmissions], [1, 0, 1, 0]);
  // Zeek: S (SYN) h (SYN-ACK) A (pure ACK) D (client data) a d (server ack, data) F f.
  assert.equal(f.history, 'ShADadFf');
  assert.equal(f.state, 'SF');
  // Wireshark: SYN 1 + SYN-ACK 2 + ACK 4 + DATA 8 + FIN 16.
  assert.equal(f.completeness, 31);
  assert.deepEqual(f.fin, { client: true, server: true });
  assert.equal(f.reset, null);
  assert.deepEqual(f.options.client, { mss: 1460, windowScale: 7, sackPermitted: true, timestamps: true, fastOpen: null });
  assert.deepEqual(r.findings, []);
  assert.equal(r.summary.handshakesComplete, 1);
});

test('RTT is exact across a second boundary (no float epoch subtraction)', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 443);
  c.syn(999.999); // 1700000000.999999
  c.synAck(1000.3); // 1700000001.000300
  c.c2s(1000.649); // 1700000001.000649 → ACK − SYN = 650 µs
  const f = t.finish().flows[0];
  assert.equal(f.handshake.rtt, 650 / 1e6);
  assert.equal(f.handshake.serverRtt, 301 / 1e6);
  assert.equal(f.handshake.clientRtt, 349 / 1e6);
});

test('SYN retransmitted with 1 s, 2 s backoff before the answer', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.syn(0);
  c.syn(1000);
  c.syn(3000);
  c.synAck(3010);
  c.c2s(3020);
  const r = t.finish();
  const f = r.flows[0];
  assert.deepEqual([f.syn, f.synRetransmissions], [3, 2]);
  assert.deepEqual(f.synIntervals, [1, 2]);
  // Wireshark's initial RTT runs from the most recent SYN (packet-tcp.c's ts_mru_syn): 20 ms;
  // the application waited 3.02 s (connectTime), the server answered the third SYN in 10 ms.
  assert.equal(f.handshake.rtt, 0.02);
  assert.equal(f.handshake.connectTime, 3.02);
  assert.deepEqual([f.handshake.serverRtt, f.handshake.clientRtt], [0.01, 0.01]);
  assert.deepEqual([f.handshake.measuredSyn?.packet, f.handshake.measuredSynAck?.packet, f.handshake.ackedSynAck?.packet], [3, 4, 4]);
  // Zeek records one S for the same ISN.
  assert.equal(f.history, 'ShA');
  // The retries are the whole story: the server and the path were fast, so no slow-handshake.
  const codes = engineCodes(r).sort();
  assert.deepEqual(codes, ['syn-retransmission']);
  const retx = r.findings.find((x) => x.code === 'syn-retransmission')!;
  assert.deepEqual(retx.flows, [1]);
  assert.equal(retx.packet, 1);
  assert.deepEqual(retx.details.synIntervals, [1, 2]);
  assert.match(retx.message, /the first 2 SYNs went unanswered; 10\.0\.0\.2:80 answered the retry in 10 ms; connecting took 3\.0 s longer/);
});

test('lost final ACK: the server retransmits its SYN-ACK after 1, 2, 4 s', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.syn(0);
  c.synAck(10);
  c.c2s(20); // this ACK was lost beyond the capture point… (seen here, but the server did not get it)
  c.synAck(1010);
  c.synAck(3010);
  c.synAck(7010);
  c.c2s(7020);
  const r = t.finish();
  const f = r.flows[0];
  assert.deepEqual([f.synAck, f.synAckRetransmissions], [4, 3]);
  assert.deepEqual(f.synAckIntervals, [1, 2, 4]);
  assert.equal(f.handshake.complete, true);
  const fd = r.findings.find((x) => x.code === 'synack-retransmission')!;
  assert.ok(fd, 'synack-retransmission finding');
  assert.match(fd.message, /final ACK was lost or late; the client's ACK \(frame 3, 10 ms after the SYN-ACK\) is in the capture: it was lost on the way to the server/);
  assert.equal(fd.packet, 2);
  // Only the SYN-ACK retransmissions made it slow: that is this finding, not slow-handshake.
  // The first ACK (frame 3) is the one Wireshark's initial RTT and the handshake stop at.
  assert.equal(f.handshake.rtt, 0.02);
  assert.deepEqual([f.handshake.serverRtt, f.handshake.clientRtt, f.handshake.ackedSynAck?.packet], [0.01, 0.01, 2]);
  assert.deepEqual(engineCodes(r), ['synack-retransmission']);
  assert.deepEqual(fd.details.synAckIntervals, [1, 2, 4]);
});

test('SYN-ACK retransmitted and never acknowledged: half-open', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.syn(0);
  c.synAck(10);
  c.synAck(1010);
  c.synAck(3010);
  const r = t.finish();
  const f = r.flows[0];
  assert.equal(f.handshake.complete, false);
  // Zeek: orig SYN_SENT → ESTABLISHED on the SYN-ACK, resp ESTABLISHED: S1, history "Sh".
  assert.deepEqual([f.state, f.history], ['S1', 'Sh']);
  // One cause, one finding: the half-open finding tells the retransmissions.
  assert.deepEqual(r.findings.map((x) => x.code), ['half-open']);
  assert.match(r.findings[0].message, /SYN-ACK sent 3 times, retries after 1\.0 s, 2\.0 s/);
  assert.equal(r.summary.halfOpen, 1);
});

test('SYN to a closed port answered by RST/ACK: refused', () => {
  const t = new Trace();
  t.packet(0, '10.0.0.1', 40000, '10.0.0.2', 81, S, 1000, 0);
  t.packet(0.2, '10.0.0.2', 81, '10.0.0.1', 40000, R | A, 0, 1001);
  const r = t.finish();
  const f = r.flows[0];
  assert.equal(f.reset, 'server');
  // Zeek: the responder resets an initial SYN → REJ; history S then r.
  assert.deepEqual([f.state, f.history], ['REJ', 'Sr']);
  // Wireshark: SYN 1 + ACK 4 (RST/ACK without data) + RST 32.
  assert.equal(f.completeness, 37);
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].code, 'refused');
  assert.equal(r.findings[0].packet, 2);
  assert.equal(r.findings[0].details.rstAfter, 0.0002);
  assert.equal(r.summary.refused, 1);
});

test('a SYN never answered, retried with backoff: unanswered-syn, Zeek S0', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.syn(0);
  c.syn(1000);
  c.syn(3000);
  c.syn(7000);
  const r = t.finish();
  const f = r.flows[0];
  assert.deepEqual([f.state, f.history, f.completeness], ['S0', 'S', 1]);
  assert.deepEqual(f.synIntervals, [1, 2, 4]);
  assert.deepEqual(engineCodes(r), ['unanswered-syn']);
  assert.match(r.findings[0].message, /4 SYNs over 7\.0 s/);
});

test('the client resets after the SYN-ACK: reset-during-handshake, RSTO', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.syn(0);
  c.synAck(10);
  c.c2s(11, R);
  const r = t.finish();
  const f = r.flows[0];
  assert.equal(f.reset, 'client');
  // Both endpoints ESTABLISHED after the SYN-ACK, then the originator resets: RSTO.
  assert.deepEqual([f.state, f.history], ['RSTO', 'ShR']);
  assert.deepEqual(r.findings.map((x) => x.code), ['reset-during-handshake']);
});

test('capture starts at the SYN-ACK: client inferred from it, handshake still completes', () => {
  const t = new Trace();
  t.packet(0, '10.0.0.2', 80, '10.0.0.1', 40000, S | A, 5000, 1001);
  t.packet(1, '10.0.0.1', 40000, '10.0.0.2', 80, A, 1001, 5001);
  const f = t.finish().flows[0];
  assert.deepEqual([f.client.port, f.server.port, f.roleBasis], [40000, 80, 'first-syn-ack']);
  assert.equal(f.handshake.complete, true);
  assert.equal(f.handshake.rtt, null); // no SYN: no ACK − SYN
  assert.equal(f.handshake.clientRtt, 0.001);
  // Zeek flips (SYN-ACK first from a server port): "^" then h, A.
  assert.equal(f.history, '^hA');
});

test('mid-stream packets only: roles from the ports, Zeek OTH', () => {
  const t = new Trace();
  t.packet(0, '10.0.0.2', 443, '10.0.0.1', 51000, A, 9000, 7000, 1200);
  t.packet(1, '10.0.0.1', 51000, '10.0.0.2', 443, A, 7000, 10200);
  const f = t.finish().flows[0];
  assert.deepEqual([f.client.port, f.server.port, f.roleBasis], [51000, 443, 'well-known-port']);
  // Zeek flips (443 is a likely server port, 51000 is not), so 10.0.0.1 is the originator:
  // ^, then d (responder data), A (originator ACK); both PARTIAL → OTH.
  assert.deepEqual([f.history, f.state], ['^dA', 'OTH']);
  // tshark 4.0 counts ACK 4 + DATA 8 for a stream of two non-SYN packets.
  assert.equal(f.completeness, 12);
});

test('simultaneous open', () => {
  const t = new Trace();
  t.packet(0, '10.0.0.1', 5000, '10.0.0.2', 6000, S, 100, 0);
  t.packet(1, '10.0.0.2', 6000, '10.0.0.1', 5000, S, 900, 0);
  t.packet(2, '10.0.0.1', 5000, '10.0.0.2', 6000, S | A, 100, 901);
  t.packet(3, '10.0.0.2', 6000, '10.0.0.1', 5000, S | A, 900, 101);
  const r = t.finish();
  const f = r.flows[0];
  assert.equal(f.simultaneousOpen, true);
  assert.equal(f.handshake.complete, true);
  assert.deepEqual([f.client.port, f.server.port], [5000, 6000]);
  assert.ok(r.findings.some((x) => x.code === 'simultaneous-open'));
});

test('port reuse: a new SYN with a new ISN on a used 4-tuple starts a new flow flagged on the second', () => {
  const t = new Trace();
  const a = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80, 1000, 5000);
  a.handshake(0);
  a.c2s(30, F | A);
  a.s2c(40, F | A);
  a.c2s(50);
  const b = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80, 777777, 888888);
  b.handshake(100);
  const r = t.finish();
  assert.equal(r.flows.length, 2);
  assert.deepEqual(r.flows.map((f) => f.portReuse), [false, true]);
  assert.deepEqual(r.flows.map((f) => f.firstPacket), [1, 7]);
  const pr = r.findings.filter((x) => x.code === 'port-reuse');
  assert.deepEqual(pr.map((x) => x.flows), [[2]]);
});

test('a retransmitted SYN (same ISN) stays in the same flow', () => {
  const t = new Trace();
  const a = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  a.syn(0);
  a.syn(1000);
  assert.equal(t.finish().flows.length, 1);
});

test('options: SYN-ACK accepting window scaling the SYN did not offer is an options-mismatch', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  c.syn(0, { mss: 1460 });
  c.synAck(1, { mss: 1400, ws: 8 });
  c.c2s(2);
  const r = t.finish();
  const f = r.flows[0];
  assert.deepEqual(f.options.server, { mss: 1400, windowScale: 8, sackPermitted: false, timestamps: false, fastOpen: null });
  const m = r.findings.find((x) => x.code === 'options-mismatch');
  assert.ok(m);
  assert.match(m.message, /window scaling accepted but never offered/);
});

test('TCP Fast Open: cookie request, then cookie with data in the SYN', () => {
  const t = new Trace();
  const a = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 443, 100, 500);
  a.syn(0, { mss: 1460, tfo: 'request' });
  a.synAck(1, { mss: 1460, tfo: 8 });
  a.c2s(2);
  const b = new Conn(t, '10.0.0.1', 40001, '10.0.0.2', 443, 300, 700);
  b.syn(10, { mss: 1460, tfo: 8 }, 120);
  const r = t.finish();
  assert.equal(r.flows[0].options.client.fastOpen, 'request');
  assert.equal(r.flows[0].options.server.fastOpen, 'cookie');
  assert.equal(r.flows[1].options.client.fastOpen, 'cookie');
  assert.equal(r.flows[1].synData, 120);
  // tshark: a SYN with payload sets DATA (8) besides SYN (1).
  assert.equal(r.flows[1].completeness, 9);
});

test('flow events: handshake packets with relative seq/ack and notes', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80, 1000, 5000);
  c.syn(0);
  c.syn(1000);
  c.synAck(1010);
  c.c2s(1020);
  c.c2s(1030, A, 10);
  c.s2c(1040); // plain ACK: not an event
  const ev = t.analyzer.flowEvents(1);
  assert.deepEqual(ev.map((e) => [e.packet, e.dir, e.seq, e.ack, e.notes]), [
    [1, 'c2s', 0, 0, []],
    [2, 'c2s', 0, 0, ['retransmission']],
    [3, 's2c', 0, 1, []],
    [4, 'c2s', 1, 1, ['handshake-ack']],
    [5, 'c2s', 1, 1, ['first-data']],
  ]);
  assert.equal(ev[2].rel, 1.01);
  assert.equal(ev[0].options, 'MSS=1460 WS=7 SACK_PERM TS');
});

test('a slow handshake reads the same in its finding as in the diagram: "2.4 s", not "2.39 s"', () => {
  // The issue: the Problems list said 2.39 s where the diagram's RTT label said 2.4 s.
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 443);
  c.syn(0);
  c.synAck(2390);
  c.c2s(2390.05);
  const r = t.finish();
  const slow = r.findings.find((x) => x.code === 'slow-handshake');
  assert.ok(slow, 'slow-handshake finding');
  assert.match(slow.message, /took 2\.4 s \(threshold \d+ ms; the server answered the SYN after 2\.4 s, the client acknowledged the SYN-ACK after 50 µs\)/);
  // The diagram labels its RTT span with this formatter (src/render/sequenceParts.ts).
  assert.equal(formatDuration(r.flows[0].handshake.serverRtt!), '2.4 s');
});
