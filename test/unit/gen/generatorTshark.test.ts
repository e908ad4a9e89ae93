// The generator's frames as an outside decoder sees them. tshark (Debian's 4.0.x) runs when
// installed; otherwise the test compares against tshark output committed in ./tshark/*.tsv,
// which was produced by tshark on exactly these bytes (its sha256 heads each file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureWriter, generateBulk, generateFlood, MemorySink, SCENARIOS, type CaptureFormat } from '../../../src/gen/index';
import { tsharkRows, type Row } from './tsharkFields';

function scenarioBytes(name: string, format: CaptureFormat): Buffer {
  return SCENARIOS[name].build(1).toBuffer(format);
}

function assertChecksumsGood(rows: Row[]): void {
  for (const r of rows) {
    // 1 = good; '' = the protocol is not in the frame
    if (r['ip.src']) assert.equal(r['ip.checksum.status'], '1', `IPv4 checksum, frame ${r['frame.number']}`);
    if (r['tcp.flags']) assert.equal(r['tcp.checksum.status'], '1', `TCP checksum, frame ${r['frame.number']}`);
    if (r['udp.checksum.status']) assert.equal(r['udp.checksum.status'], '1', `UDP checksum, frame ${r['frame.number']}`);
    if (r['icmp.checksum.status']) assert.equal(r['icmp.checksum.status'], '1', `ICMP checksum, frame ${r['frame.number']}`);
    assert.equal(r['_ws.malformed'], '', `malformed frame ${r['frame.number']}`);
  }
}

function assertSequenceClean(rows: Row[]): void {
  for (const r of rows) {
    assert.equal(r['tcp.analysis.lost_segment'], '', `previous segment not captured at frame ${r['frame.number']}`);
    assert.equal(r['tcp.analysis.ack_lost_segment'], '', `ACKed unseen segment at frame ${r['frame.number']}`);
    assert.equal(r['tcp.analysis.out_of_order'], '', `out of order at frame ${r['frame.number']}`);
  }
}

test('silent host: seven SYNs at 0, 1, 3, 7, 15, 31, 63 s with Linux SYN options, later ones retransmissions', () => {
  const { rows } = tsharkRows('silent-host', scenarioBytes('silent-host', { container: 'pcap', resolution: 'us' }), 'pcap');
  assertChecksumsGood(rows);
  assert.deepEqual(rows.map((r) => Number(r['frame.time_relative'])), [0, 1, 3, 7, 15, 31, 63]);
  assert.ok(rows.every((r) => r['tcp.flags'] === '0x0002'));
  assert.deepEqual(rows.map((r) => r['tcp.analysis.retransmission'] !== ''), [false, true, true, true, true, true, true]);
  assert.equal(new Set(rows.map((r) => r['tcp.seq_raw'])).size, 1, 'retransmissions keep the ISN');
  for (const r of rows) {
    assert.equal(r['tcp.options.mss_val'], '1460');
    assert.equal(r['tcp.options.wscale.shift'], '7');
    assert.notEqual(r['tcp.options.sack_perm'], '');
    assert.notEqual(r['tcp.options.timestamp.tsval'], '');
  }
});

test('TFO: cookie request, cookie granted, then a SYN carrying that cookie and data', () => {
  const { rows } = tsharkRows('tfo', scenarioBytes('tfo', { container: 'pcap', resolution: 'us' }), 'pcap');
  assertChecksumsGood(rows);
  assertSequenceClean(rows);
  const syns = rows.filter((r) => r['tcp.flags'] === '0x0002');
  const synAcks = rows.filter((r) => r['tcp.flags'] === '0x0012');
  assert.equal(syns.length, 2);
  assert.equal(syns[0]['tcp.options.tfo.request'], '1');
  assert.match(synAcks[0]['tcp.options.tfo.cookie'], /^[0-9a-f]{16}$/);
  assert.equal(syns[1]['tcp.options.tfo.cookie'], synAcks[0]['tcp.options.tfo.cookie']);
  assert.ok(Number(syns[1]['tcp.len']) > 0, 'data in the SYN');
  // the SYN-ACK acknowledges the SYN's data: ack = ISN + 1 + len
  assert.equal(Number(synAcks[1]['tcp.ack_raw']), (Number(syns[1]['tcp.seq_raw']) + 1 + Number(syns[1]['tcp.len'])) >>> 0);
});

test('VLAN and QinQ tags, pcapng with nanosecond resolution', () => {
  const { rows } = tsharkRows('vlan', scenarioBytes('vlan', { container: 'pcapng', resolution: 'ns' }), 'pcapng');
  assertChecksumsGood(rows);
  assertSequenceClean(rows);
  assert.deepEqual([...new Set(rows.map((r) => `${r['ieee8021ad.id']}/${r['vlan.id']}`))].sort(), ['/100', '/200', '300/10']);
  assert.ok(rows.every((r) => /^\d+\.\d{9}$/.test(r['frame.time_epoch'])));
});

test('IPv6 in a big-endian nanosecond pcap: decodes, checksums good, one SYN retransmission', () => {
  const { rows } = tsharkRows('ipv6-be-ns', scenarioBytes('ipv6', { container: 'pcap', resolution: 'ns', bigEndian: true }), 'pcap');
  assertChecksumsGood(rows);
  assertSequenceClean(rows);
  assert.ok(rows.length > 0 && rows.every((r) => r['ipv6.src'].startsWith('2001:db8:')));
  assert.equal(rows.filter((r) => r['tcp.analysis.retransmission'] !== '').length, 1);
  assert.equal(rows.filter((r) => r['tcp.flags'] === '0x0014').length, 1, 'one RST+ACK (refused)');
});

test('healthy pcapng: packet comments land on the scripted frames; handshake options on both sides', () => {
  const { rows } = tsharkRows('healthy', scenarioBytes('healthy', { container: 'pcapng', resolution: 'us' }), 'pcapng');
  assertChecksumsGood(rows);
  assertSequenceClean(rows);
  const commented = rows.filter((r) => r['frame.comment'] !== '');
  assert.deepEqual(commented.map((r) => r['tcp.flags']), ['0x0002', '0x0012', '0x0010', '0x0018', '0x0018']);
  assert.match(commented[0]['frame.comment'], /SYN/);
  assert.equal(rows.filter((r) => r['tcp.flags'] === '0x0002').length, 6);
  assert.equal(rows.filter((r) => r['udp.checksum.status'] !== '').length, 1, 'one DNS query');
});

test('flood generator: every SYN from a different spoofed source, each answered by one SYN-ACK', () => {
  const sink = new MemorySink();
  const writer = new CaptureWriter(sink, { container: 'pcap', resolution: 'ns' });
  generateFlood(writer, { seed: 3, sources: 300 });
  writer.close();
  const { rows } = tsharkRows('flood-300', sink.result(), 'pcap');
  assertChecksumsGood(rows);
  const syns = rows.filter((r) => r['tcp.flags'] === '0x0002');
  const synAcks = rows.filter((r) => r['tcp.flags'] === '0x0012');
  assert.equal(syns.length, 300);
  assert.equal(synAcks.length, 300);
  assert.equal(new Set(syns.map((r) => r['ip.src'])).size, 300);
  assert.ok(synAcks.every((r) => r['tcp.analysis.retransmission'] === ''), 'cookie SYN-ACKs are never retransmitted');
});

test('bulk mix (pcapng): checksums good, no sequence-analysis complaints, IPv4 and IPv6 and noise present', () => {
  const sink = new MemorySink();
  const writer = new CaptureWriter(sink, { container: 'pcapng', resolution: 'us' });
  generateBulk(writer, { seed: 5, targetBytes: 1_000_000 });
  writer.close();
  const { rows } = tsharkRows('bulk-1m', sink.result(), 'pcapng');
  assertChecksumsGood(rows);
  assertSequenceClean(rows);
  assert.ok(rows.some((r) => r['ipv6.src'] !== ''));
  assert.ok(rows.some((r) => r['vlan.id'] !== ''));
  assert.ok(rows.some((r) => r['tcp.flags'] === ''), 'non-TCP noise');
  assert.ok(rows.some((r) => r['tcp.flags'] === '0x0014'), 'refused connections');
});
