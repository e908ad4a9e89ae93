// Issues 17 and 22, the smaller wrong answers. Each expectation was checked against tshark 4.0
// on the same packets written to a pcap (tcp.completeness, tcp.analysis.initial_rtt,
// tcp.analysis.retransmission, tcp.analysis.reused_ports).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A, Conn, F, R, S, Trace } from './script';

test('a lone SYN+RST segment: completeness 1 as tshark (the RST bit is not set by a SYN)', () => {
  const t = new Trace();
  t.packet(0, '10.0.0.1', 40000, '10.0.0.2', 80, S | R, 1000, 0);
  const [f] = t.finish().flows;
  assert.equal(f.completeness, 1);
});

test('a handshake whose timestamps go backwards reports no negative time', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40001, '10.0.0.2', 80);
  c.syn(10000);
  c.synAck(9900); // the clock stepped back 100 ms between the SYN and the SYN-ACK
  c.c2s(9950);
  const r = t.finish();
  const h = r.flows[0].handshake;
  // tshark prints initial_rtt −0.05 s: a negative duration measures nothing, so null here.
  assert.equal(h.complete, true);
  assert.deepEqual([h.rtt, h.serverRtt, h.connectTime], [null, null, null]);
  assert.equal(h.clientRtt, 0.05);
  assert.ok(!r.findings.some((x) => x.code === 'slow-handshake'));
});

test('SPAN duplicates (every packet twice, 2 µs apart) are no retries', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40002, '10.0.0.2', 80);
  c.syn(0);
  c.syn(0.002);
  c.synAck(10);
  c.synAck(10.002);
  t.packet(20, '10.0.0.1', 40002, '10.0.0.2', 80, A, 1001, 5001);
  t.packet(20.002, '10.0.0.1', 40002, '10.0.0.2', 80, A, 1001, 5001);
  const r = t.finish();
  const [f] = r.flows;
  // tshark flags the copies as retransmissions: the counts stay tshark's…
  assert.deepEqual([f.syn, f.synRetransmissions, f.synAck, f.synAckRetransmissions], [2, 1, 2, 1]);
  // …but they are no retry: no backoff "after 2 µs", no retransmission finding.
  assert.deepEqual([f.synIntervals, f.synAckIntervals], [[], []]);
  assert.deepEqual(r.findings.map((x) => x.code), []);
  // initial_rtt 0.019998 (from the second copy of the SYN, as tshark's ts_mru_syn).
  assert.equal(f.handshake.rtt, 0.019998);
});

test('a 4-tuple reused with the same ISN after the first connection completed: no "connecting took longer"', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40003, '10.0.0.2', 80, 4000, 8000);
  c.handshake(0, 20);
  c.c2s(30, F | A);
  c.s2c(40, F | A);
  c.c2s(50);
  // 160 ms later the same SYN (same ISN) again; the server answers with a new ISN.
  t.packet(160, '10.0.0.1', 40003, '10.0.0.2', 80, S, 4000, 0);
  t.packet(170, '10.0.0.2', 80, '10.0.0.1', 40003, S | A, 9000, 4001);
  t.packet(180, '10.0.0.1', 40003, '10.0.0.2', 80, A, 4001, 9001);
  const r = t.finish();
  // tshark: one stream, syn_retrans 1, reused_ports on the new SYN-ACK, initial_rtt 0.02.
  assert.equal(r.flows.length, 1);
  const [f] = r.flows;
  assert.deepEqual([f.synRetransmissions, f.portReuse, f.handshake.rtt], [1, true, 0.02]);
  const retx = r.findings.find((x) => x.code === 'syn-retransmission');
  assert.ok(retx);
  assert.doesNotMatch(retx.message, /connecting took/);
  assert.match(retx.message, /the first one was answered and the handshake completed/);
});

test('a SYN-ACK as the last frame of the capture: incomplete at capture end (info), not half-open', () => {
  const t = new Trace();
  const c = new Conn(t, '10.0.0.1', 40004, '10.0.0.2', 443);
  c.syn(0);
  c.synAck(0.04);
  const r = t.finish();
  assert.deepEqual(r.findings.map((x) => [x.code, x.severity]), [['incomplete-at-end', 'info']]);
  assert.equal(r.findings[0].packet, 2);
  assert.match(r.findings[0].message, /incomplete at capture end: SYN-ACK sent, no ACK yet/);
});
