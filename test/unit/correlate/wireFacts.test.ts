// What the store keeps for correlation (ISN, TTL, IP id of each side's first SYN / SYN-ACK, the
// first RST) against tshark's reading of the same packets, and proof that keeping it changes
// nothing an ordinary analysis reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { formatJson } from '../../../src/core/output/json';
import { newAttempt } from '../../../src/core/store/attempt';
import { ROOT } from '../cli/runCli';

const DIR = join(ROOT, 'test', 'fixtures', 'two-vantage');
const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

function tsharkRows(file: string, filter: string, fields: string[]): string[][] {
  const r = spawnSync('tshark', ['-n', '-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => l.split('\t'));
}

for (const name of ['a.pcap', 'b.pcap']) {
  test(`${name}: each flow's client ISN, SYN TTL and IP id, server SYN-ACK TTL and first RST as tshark reads them`, { skip: !hasTshark && 'tshark not installed' }, async () => {
    const path = join(DIR, name);
    const { analyzer } = await analyzeFile(path, { keepWireFacts: true });
    const byPort = new Map<string, ReturnType<typeof newAttempt>>();
    const src = analyzer.attempts();
    for (let id = 1; id <= src.count; id++) {
      const x = newAttempt();
      if (src.read(id, x)) byPort.set(`${x.clientIp}:${x.clientPort}`, x);
    }
    // The first SYN of each stream (tshark lists them in file order).
    const seen = new Set<string>();
    for (const [ip, port, seq, ttl, ipId] of tsharkRows(path, 'tcp.flags.syn==1 && tcp.flags.ack==0', ['ip.src', 'tcp.srcport', 'tcp.seq_raw', 'ip.ttl', 'ip.id'])) {
      const key = `${ip}:${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const x = byPort.get(key)!;
      assert.ok(x, key);
      assert.deepEqual([x.wire.clientIsn, x.wire.clientTtl, x.wire.clientIpId], [Number(seq), Number(ttl), Number(ipId)], key);
    }
    const seenAck = new Set<string>();
    for (const [ip, port, seq, ttl] of tsharkRows(path, 'tcp.flags.syn==1 && tcp.flags.ack==1', ['ip.dst', 'tcp.dstport', 'tcp.seq_raw', 'ip.ttl'])) {
      const key = `${ip}:${port}`;
      if (seenAck.has(key)) continue;
      seenAck.add(key);
      const x = byPort.get(key)!;
      assert.deepEqual([x.wire.serverIsn, x.wire.serverTtl], [Number(seq), Number(ttl)], key);
    }
    const seenRst = new Set<string>();
    for (const [src0, sport, dst, dport, ttl] of tsharkRows(path, 'tcp.flags.reset==1', ['ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'ip.ttl'])) {
      const fromServer = byPort.has(`${dst}:${dport}`);
      const key = fromServer ? `${dst}:${dport}` : `${src0}:${sport}`;
      if (seenRst.has(key)) continue;
      seenRst.add(key);
      const x = byPort.get(key)!;
      assert.deepEqual([x.wire.rstSide, x.wire.rstTtl], [fromServer ? 'server' : 'client', Number(ttl)], key);
    }
    assert.ok(seen.size >= 12 && seenRst.size >= 1);
  });
}

test('keeping wire facts changes nothing an analysis reports (JSON byte-identical)', async () => {
  for (const path of [join(DIR, 'a.pcap'), join(DIR, 'b.pcap'), join(ROOT, 'test', 'fixtures', 'kernel', 'syn-flood.pcap'), join(ROOT, 'samples', 'healthy.pcapng'), join(ROOT, 'samples', 'ipv6.pcap')]) {
    const plain = formatJson((await analyzeFile(path)).result);
    const wire = formatJson((await analyzeFile(path, { keepWireFacts: true })).result);
    assert.equal(wire, plain, path);
  }
});
