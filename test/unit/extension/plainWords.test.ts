// The table speaks plain words with Zeek's codes beside them, shows every column whole, and
// writes times for people. Zeek's meanings: https://docs.zeek.org/en/master/scripts/base/protocols/conn/main.zeek.html
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { stateWords } from '../../../src/protocol/stateWords';
import { flowRow } from '../../../src/worker/flowRow';
import { COLUMNS, findingsCell, fitColumns } from '../../../webview/columns';
import { formatStart, spansDays, timeOfDay } from '../../../webview/timeFormat';
import { ROOT } from '../gen/tsharkFields';

const SAMPLES = join(ROOT, 'samples');

test('states read as plain words; a flood\'s S1 without the final ACK is half-open, not open', async () => {
  const words = async (file: string) => {
    const { result } = await analyzeFile(join(SAMPLES, file));
    return new Set(result.flows.map((f) => stateWords(f.state, f.handshake.complete)));
  };
  assert.deepEqual(await words('refused.pcap'), new Set(['refused', 'complete']));
  assert.deepEqual(await words('silent-host.pcap'), new Set(['no answer']));
  assert.deepEqual(await words('syn-flood-cookies.pcap'), new Set(['complete', 'half-open', 'reset by client']));
  // deploy-burst: 40 handshakes that completed and were never closed within the capture.
  assert.deepEqual(await words('deploy-burst.pcap'), new Set(['open']));
  assert.deepEqual(await words('midstream.pcap'), new Set(['complete', 'mid-stream']));
});

test('a row carries tcp.stream, both directions, options and VLANs as tshark sees them', async () => {
  const { result } = await analyzeFile(join(SAMPLES, 'vlan.pcapng'));
  const { readFileSync } = await import('node:fs');
  const truth = JSON.parse(readFileSync(join(SAMPLES, 'expected', 'vlan.pcapng.tshark.json'), 'utf8')) as {
    streams: { stream: number; packets_c2s: number; packets_s2c: number; bytes_c2s: number; bytes_s2c: number; vlan_ids: number[]; syn_options: { mss: number; wscale: number; sack_perm: boolean } }[];
  };
  assert.equal(result.flows.length, truth.streams.length);
  result.flows.forEach((f, i) => {
    const r = flowRow(f, [], i > 0 ? result.flows[i - 1] : undefined);
    const t = truth.streams[i]!;
    assert.equal(r.stream, t.stream);
    assert.deepEqual([r.packets.client, r.packets.server], [t.packets_c2s, t.packets_s2c]);
    assert.deepEqual([r.bytes.client, r.bytes.server], [t.bytes_c2s, t.bytes_s2c]);
    // tshark 4.0's vlan.id holds the 802.1Q tags only; the QinQ flow's outer 802.1ad tag (300,
    // samples/README.md) is ours alone, listed first.
    assert.deepEqual(r.vlan.filter((v) => v !== 300), t.vlan_ids);
    assert.equal(r.mss.client, t.syn_options.mss);
    assert.equal(r.windowScale.client, t.syn_options.wscale);
    assert.equal(r.sack.client, t.syn_options.sack_perm);
  });
});

test('the table shows whole columns only: key ones always, the others while they fit', () => {
  const key = COLUMNS.filter((c) => c.tier === 0);
  const keyWidth = key.reduce((a, c) => a + c.w, 0);
  assert.deepEqual(fitColumns(COLUMNS, 400), key, 'a narrow table keeps its key columns (and scrolls)');
  const wide = fitColumns(COLUMNS, keyWidth + 200);
  assert.ok(wide.reduce((a, c) => a + c.w, 0) <= keyWidth + 200);
  assert.ok(wide.length > key.length);
  assert.equal(fitColumns(COLUMNS, 10_000).length, COLUMNS.length);
  assert.equal(findingsCell(['synack-retransmission', 'slow-handshake']), 'SYN-ACK resent +1');
});

test('times: since the capture start, time of day (date only across midnight), delta, epoch', () => {
  const ctx = { captureStart: '1767225600.001000000', spansDays: false };
  assert.equal(formatStart('1767225603.002109000', null, { ...ctx, mode: 'sinceStart' }), '3.001109');
  assert.equal(formatStart('1767225603.002109000', null, { ...ctx, mode: 'timeOfDay' }), '00:00:03.002109');
  assert.equal(formatStart('1767225603.002109000', '1767225602.999999999', { ...ctx, mode: 'delta' }), '+0.002109');
  assert.equal(formatStart('1767225603.002109000', null, { ...ctx, mode: 'epoch' }), '1767225603.002109000');
  assert.equal(timeOfDay('1767225599.5', true), '2025-12-31 23:59:59.500000');
  assert.equal(spansDays('1767225599.5', '1767225600.5'), true);
  assert.equal(spansDays('1767225600.5', '1767225700.5'), false);
});
