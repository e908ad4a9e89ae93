// The store keeps a finished flow in small columns (a count in a byte, a time as a delta from the
// flow's first packet) and must give back exactly the Flow the live state gave: values that do
// not fit a column's width (300 SYNs, 70,000 packets, a point a day after the first, a
// timestamp earlier than the first) go to its side map, not wrapped or clipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/engine/analyzer';
import { newTcpSegment, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../../../src/core/decode/types';
import type { Flow } from '../../../src/core/engine/result';
import { FLOW_ROW_BYTES } from '../../../src/core/store/flowStore';
import { storedFlowSource } from '../../../src/core/store/flowViews';
import { ipKey } from '../../../src/core/store/glance';
import { Clock } from '../../../src/core/stories/clock';
import { listedFlows, type FlowSource } from '../../../src/core/stories/storyFlow';

interface Pkt { fromClient: boolean; flags: number; seq: number; ack?: number; len?: number; sec: number; frac: number; ups?: number; iface?: number; vlan?: number }

function feed(a: Analyzer, v6: boolean, cport: number, pkts: Pkt[], first: number, server?: number[]): number {
  const seg: TcpSegment = newTcpSegment();
  const c = v6 ? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] : [192, 0, 2, 1];
  const s = server ?? (v6 ? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99] : [203, 0, 113, 250]);
  let index = first;
  for (const p of pkts) {
    seg.ipVersion = v6 ? 6 : 4;
    seg.src.set(p.fromClient ? c : s);
    seg.dst.set(p.fromClient ? s : c);
    seg.srcPort = p.fromClient ? cport : 443;
    seg.dstPort = p.fromClient ? 443 : cport;
    seg.seq = p.seq;
    seg.ack = p.ack ?? 0;
    seg.flags = p.flags;
    seg.payloadLen = p.len ?? 0;
    seg.mss = p.flags & TCP_SYN ? 1460 : -1;
    seg.vlanCount = p.vlan === undefined ? 0 : 1;
    if (p.vlan !== undefined) seg.vlan[0] = p.vlan;
    a.addSegment(seg, { index: index++, sec: p.sec, frac: p.frac, unitsPerSecond: p.ups ?? 1e9, interfaceId: p.iface ?? 0 });
  }
  return index;
}

function withoutFindings(f: Flow): Omit<Flow, 'findings'> {
  const { findings: _, ...rest } = f;
  return rest;
}

test('a stored flow reads back as the live flow was, wide values and odd times included', () => {
  // Nothing finishes before the end: every flow is live until finish, so the snapshot is the
  // live state (buildFlow) and the result is the store's.
  const a = new Analyzer({ maxFlows: 100, idleTimeoutSeconds: 1e9 });
  let i = 1;
  // 300 SYNs (a byte holds 254), answered a day later, 70,000 data packets.
  const many: Pkt[] = [];
  for (let k = 0; k < 300; k++) many.push({ fromClient: true, flags: TCP_SYN, seq: 1000, sec: 1_700_000_000 + k, frac: 5 });
  many.push({ fromClient: false, flags: TCP_SYN | TCP_ACK, seq: 9000, ack: 1001, sec: 1_700_086_400, frac: 999_999_999 });
  many.push({ fromClient: true, flags: TCP_ACK, seq: 1001, ack: 9001, sec: 1_700_086_401, frac: 1 });
  for (let k = 0; k < 70_000; k++) many.push({ fromClient: true, flags: TCP_ACK, seq: 1001 + k * 100_000, ack: 9001, len: 100_000, sec: 1_700_086_402, frac: k });
  i = feed(a, false, 40001, many, i);
  // IPv6 with a VLAN, on interface 3, µs resolution, its SYN-ACK stamped before its SYN.
  i = feed(a, true, 40002, [
    { fromClient: true, flags: TCP_SYN, seq: 5, sec: 1_700_000_010, frac: 250_000, ups: 1e6, iface: 3, vlan: 7 },
    { fromClient: false, flags: TCP_SYN | TCP_ACK, seq: 77, ack: 6, sec: 1_700_000_009, frac: 999_999, ups: 1e6, iface: 3, vlan: 7 },
    { fromClient: true, flags: TCP_ACK, seq: 6, ack: 78, sec: 1_700_000_010, frac: 250_100, ups: 1e6, iface: 3, vlan: 7 },
    { fromClient: true, flags: TCP_FIN | TCP_ACK, seq: 6, ack: 78, sec: 1_700_000_011, frac: 0, ups: 1e6, iface: 3, vlan: 7 },
  ], i);
  // Refused, with a resolution that is not a power of ten (2^-20 s).
  i = feed(a, false, 40003, [
    { fromClient: true, flags: TCP_SYN, seq: 1, sec: 1_700_000_020, frac: 3, ups: 2 ** 20 },
    { fromClient: false, flags: TCP_RST | TCP_ACK, seq: 0, ack: 2, sec: 1_700_000_020, frac: 700_001, ups: 2 ** 20 },
  ], i);
  // To 255.255.255.255: an address column's all-ones value, kept in the side map.
  i = feed(a, false, 40004, [{ fromClient: true, flags: TCP_SYN, seq: 1, sec: 1_700_000_030, frac: 0 }], i, [255, 255, 255, 255]);
  const live = a.flowsSnapshot(1, 100);
  assert.equal(live.length, 4);
  const r = a.finish({ packets: i - 1, bytesRead: 0, problems: [], info: { format: 'pcap', compressed: false, linkTypes: [1] } } as never, 'x');
  assert.equal(r.flows.length, 4);
  assert.deepEqual(r.flows.map(withoutFindings), live.map(withoutFindings));
  // And the values themselves, from the inputs above.
  const [big, v6, refused, broadcast] = r.flows;
  assert.equal(big.syn, 300);
  assert.equal(big.synRetransmissions, 299);
  assert.equal(big.packets.client, 70_301);
  assert.equal(big.payloadBytes.client, 7_000_000_000);
  assert.equal(big.handshake.synAck?.time, '1700086400.999999999');
  assert.equal(v6.client.ip, '2001:db8::1');
  assert.deepEqual(v6.vlan, [7]);
  assert.deepEqual(v6.interfaces, [3]);
  assert.equal(v6.handshake.synAck?.time, '1700000009.999999000');
  // A SYN-ACK stamped before its SYN measures nothing (engfix: no negative durations), stored or live.
  assert.equal(v6.handshake.serverRtt, null);
  assert.equal(v6.handshake.measuredSynAck?.time, '1700000009.999999000');
  assert.equal(refused.state, 'REJ');
  assert.equal(refused.reset, 'server');
  assert.equal(broadcast.server.ip, '255.255.255.255');
  // The stories' view of the columns (glance.ts) reads the same values, wide ones included, and
  // its server keys match the source's key of the printed address.
  const view = a.liveView();
  const stored = storedFlowSource(view.store, view.nextId - 1);
  const clock = new Clock(r.capture.start);
  const read = (src: FlowSource): unknown[][] => {
    const out: unknown[][] = [];
    src.forEach((f) => out.push([f.id, f.syn, f.serverIp, f.serverPort, f.complete, f.hasSyn, f.startNs(clock), f.connectNs(clock), src.keyOf(f.serverIp) === f.serverKey]));
    return out;
  };
  assert.deepEqual(read(stored), read(listedFlows(r.flows)));
  assert.deepEqual(read(stored).map((x) => x[8]), [true, true, true, true]);
});

test('a server key is the number of a dotted quad as the store prints it, else the text itself', () => {
  assert.equal(ipKey('203.0.113.250'), ((203 << 24) | (113 << 8) | 250) | 0);
  assert.equal(ipKey('255.255.255.255'), -1);
  assert.equal(ipKey('0.0.0.0'), 0);
  for (const text of ['203.0.113.0250', '203.0.113', '203.0.113.256', ' 203.0.113.1', '2001:db8::1', '::ffff:1.2.3.4', '']) assert.equal(ipKey(text), text);
});

test('a stored IPv4 flow takes about 100 bytes of columns', () => {
  // The budget; the id index adds 4.
  assert.ok(FLOW_ROW_BYTES + 4 <= 100, `${FLOW_ROW_BYTES} + 4 bytes`);
});

test('a stored flow keeps the packets that answered each other: retried SYN, SPAN copies, simultaneous open', () => {
  // The times are measured between the packets that answered each other (tshark's
  // tcp.analysis.initial_rtt from the most recent SYN); a flow built from the store must give
  // the same handshake as the live one, and the values the input below implies.
  const a = new Analyzer({ maxFlows: 100, idleTimeoutSeconds: 1e9 });
  const us = (x: number): number => Math.round(x * 1e6);
  let i = 1;
  // A SYN retried after 1 s, answered 20 ms later, acknowledged 10 ms after that.
  i = feed(a, false, 41001, [
    { fromClient: true, flags: TCP_SYN, seq: 100, sec: 1_700_000_010, frac: 0, ups: 1e6 },
    { fromClient: true, flags: TCP_SYN, seq: 100, sec: 1_700_000_011, frac: 0, ups: 1e6 },
    { fromClient: false, flags: TCP_SYN | TCP_ACK, seq: 500, ack: 101, sec: 1_700_000_011, frac: us(0.02), ups: 1e6 },
    { fromClient: true, flags: TCP_ACK, seq: 101, ack: 501, sec: 1_700_000_011, frac: us(0.03), ups: 1e6 },
  ], i);
  // SYN and SYN-ACK each captured twice, 100 µs and 50 µs apart (a SPAN port).
  i = feed(a, false, 41002, [
    { fromClient: true, flags: TCP_SYN, seq: 200, sec: 1_700_000_020, frac: 0, ups: 1e6 },
    { fromClient: true, flags: TCP_SYN, seq: 200, sec: 1_700_000_020, frac: 100, ups: 1e6 },
    { fromClient: false, flags: TCP_SYN | TCP_ACK, seq: 600, ack: 201, sec: 1_700_000_020, frac: 10_000, ups: 1e6 },
    { fromClient: false, flags: TCP_SYN | TCP_ACK, seq: 600, ack: 201, sec: 1_700_000_020, frac: 10_050, ups: 1e6 },
    { fromClient: true, flags: TCP_ACK, seq: 201, ack: 601, sec: 1_700_000_020, frac: 20_000, ups: 1e6 },
  ], i);
  // Both sides send a SYN, then a SYN-ACK each way, then an ACK: complete without a handshake ACK.
  i = feed(a, false, 41003, [
    { fromClient: true, flags: TCP_SYN, seq: 1, sec: 1_700_000_030, frac: 0, ups: 1e6 },
    { fromClient: false, flags: TCP_SYN, seq: 100, sec: 1_700_000_030, frac: 1000, ups: 1e6 },
    { fromClient: true, flags: TCP_SYN | TCP_ACK, seq: 1, ack: 101, sec: 1_700_000_030, frac: 2000, ups: 1e6 },
    { fromClient: false, flags: TCP_SYN | TCP_ACK, seq: 100, ack: 2, sec: 1_700_000_030, frac: 3000, ups: 1e6 },
    { fromClient: true, flags: TCP_ACK, seq: 2, ack: 101, sec: 1_700_000_030, frac: 4000, ups: 1e6 },
  ], i);
  // A SYN in the capture's last second: its retransmission was not yet due (incomplete-at-end).
  i = feed(a, false, 41004, [
    { fromClient: true, flags: TCP_SYN, seq: 9, sec: 1_700_000_040, frac: 0, ups: 1e6 },
  ], i);
  const live = a.flowsSnapshot(1, 100);
  const r = a.finish({ packets: i - 1, bytesRead: 0, problems: [], info: { format: 'pcap', compressed: false, linkTypes: [1] } } as never, 'x');
  assert.equal(r.flows.length, 4);
  assert.deepEqual(r.flows.map(withoutFindings), live.map(withoutFindings));
  const near = (x: number | null, want: number): void => assert.ok(x !== null && Math.abs(x - want) < 1e-9, `${x} vs ${want}`);
  const [retried, copied, simultaneous] = r.flows;
  near(retried.handshake.rtt, 0.03);
  near(retried.handshake.serverRtt, 0.02);
  near(retried.handshake.clientRtt, 0.01);
  near(retried.handshake.connectTime, 1.03);
  assert.equal(retried.handshake.measuredSyn?.packet, 2);
  assert.equal(retried.handshake.measuredSynAck?.packet, 3);
  assert.equal(retried.handshake.ackedSynAck?.packet, 3);
  // The copy is the most recent SYN and SYN-ACK; tshark still counts it a retransmission.
  assert.equal(copied.synRetransmissions, 1);
  near(copied.handshake.rtt, 0.0199);
  near(copied.handshake.serverRtt, 0.0099);
  near(copied.handshake.clientRtt, 0.00995);
  assert.equal(copied.handshake.measuredSyn?.packet, 6);
  assert.equal(copied.handshake.measuredSynAck?.packet, 7);
  assert.equal(copied.handshake.ackedSynAck?.packet, 8);
  // No handshake ACK: the first ACK either way minus the most recent SYN (packet-tcp.c).
  assert.equal(simultaneous.handshake.complete, true);
  assert.equal(simultaneous.handshake.ack, null);
  near(simultaneous.handshake.rtt, 0.003);
  // What the findings were decided on is kept too.
  const store = (a as unknown as { store: { factsOf(id: number): { synDup: number; synAckDup: number; cutOff: boolean } | undefined } }).store;
  assert.deepEqual([store.factsOf(2)?.synDup, store.factsOf(2)?.synAckDup], [1, 1]);
  for (const f of r.flows) {
    const atEnd = r.findings.some((fd) => fd.code === 'incomplete-at-end' && fd.flows.includes(f.id));
    assert.equal(store.factsOf(f.id)?.cutOff, atEnd, `flow ${f.id}`);
  }
  assert.ok(r.findings.some((fd) => fd.code === 'incomplete-at-end' && fd.flows.includes(4)));
});
