// Only the first maxFlows flows keep their diagram packets while a capture is read; any other
// flow's packets are read again from the file when it is opened. They must be the packets the
// flow would have kept: same frames, times, relative sequence numbers and notes, whether the
// file is a pcap or pcapng entered at a checkpoint (after the header blocks of its section) or a gzip file read from the start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readCaptureFile } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import { rereadFlowEvents } from '../../../src/core/store/rereadFlow';
import { closeFin, exchange, handshake, LINUX_SYN, ms, Scenario, us } from '../../../src/gen';

/** 600 interleaved connections (about 5,400 packets: five checkpoints), a few with a lost SYN. */
function scenario(net = 3): Scenario {
  const sc = new Scenario('reread', 7);
  const server = sc.host('10.0.0.80');
  for (let i = 0; i < 600; i++) {
    const c = sc.conn({ client: sc.host(`10.${net}.${i >> 8}.${i & 255}`), clientPort: 41000 + i, server, serverPort: 443, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(i * ms(2));
    handshake(c, { rtt: us(700), synLosses: i % 97 === 0 ? 1 : 0 });
    exchange(c, us(700), 300, 2000);
    closeFin(c, us(700));
  }
  return sc;
}

test('an unlisted flow opened later shows the packets a listed one keeps, in pcap, pcapng and gzip files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-reread-'));
  try {
    const sc = scenario();
    const files = {
      pcap: sc.toBuffer({ container: 'pcap', resolution: 'us' }),
      pcapng: sc.toBuffer({ container: 'pcapng', resolution: 'ns' }),
      gz: gzipSync(sc.toBuffer({ container: 'pcap', resolution: 'ns' })),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, `reread.${name}`);
      writeFileSync(path, bytes);
      const listed = new Analyzer({ maxFlows: 5 });
      const all = new Analyzer({ maxFlows: Number.MAX_SAFE_INTEGER });
      const read = await readCaptureFile(path, (p) => { listed.addPacket(p); all.addPacket(p); });
      listed.finish(read, path);
      const full = all.finish(read, path);
      for (const id of [6, 98, 300, 583, 600]) {
        const flow = full.flows[id - 1];
        assert.deepEqual(listed.flowEvents(id), [], `${name}: flow ${id} kept no packets`);
        const expected = all.flowEvents(id);
        assert.ok(expected.length >= 5, `${name}: flow ${id} has a handshake to draw`);
        assert.deepEqual(await rereadFlowEvents(path, flow, listed.config, listed.checkpoints), expected, `${name}: flow ${id}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const ROOT = join(__dirname, '..', '..', '..', '..');
const SHARED = join(ROOT, '..', 'shared', 'captures');

/** Nanoseconds since the epoch of a "sec.frac" time, exactly (tshark's and ours). */
function ns(time: string): bigint {
  const [sec, frac = ''] = time.split('.');
  return BigInt(sec) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
}

/** Frame number → epoch time of each packet tshark reads in `path` between two endpoints. */
function tsharkFrames(path: string, a: { ip: string; port: number }, b: { ip: string; port: number }): Map<number, bigint> {
  const filter = `ip.addr==${a.ip} && ip.addr==${b.ip} && tcp.port==${a.port} && tcp.port==${b.port}`;
  const r = spawnSync('tshark', ['-n', '-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Map(r.stdout.trim().split('\n').map((l) => l.split('\t')).map(([n, t]) => [Number(n), ns(t!)]));
}

test('captures joined with cat: a flow re-read from a checkpoint in the second file reads it with that file\'s link type and precision', async () => {
  // Linux cooked capture with nanosecond timestamps (3 packets), then Ethernet with microseconds
  // (1,447 packets): the checkpoint at record 1,025 lies in the second file.
  const first = join(SHARED, 'tcpdump', 'tcp-handshake-nano.pcap');
  const second = join(ROOT, 'samples', 'syn-flood-legit-clients.pcap');
  const dir = mkdtempSync(join(tmpdir(), 'synscope-joined-'));
  try {
    const path = join(dir, 'joined.pcap');
    writeFileSync(path, Buffer.concat([readFileSync(first), readFileSync(second)]));
    const firstPackets = tsharkFrames(first, { ip: '131.155.215.69', port: 46656 }, { ip: '137.116.81.94', port: 80 }).size;
    assert.equal(firstPackets, 3);
    const listed = new Analyzer({ maxFlows: 5 });
    const read = await readCaptureFile(path, (p) => listed.addPacket(p));
    const full = listed.finish(read, path, Number.MAX_SAFE_INTEGER);
    const late = full.flows.filter((f) => f.firstPacket > 1100 && f.handshake.complete).slice(0, 3);
    assert.equal(late.length, 3, 'flows after the checkpoint at record 1,025');
    for (const flow of late) {
      const events = await rereadFlowEvents(path, flow, listed.config, listed.checkpoints);
      const truth = tsharkFrames(second, flow.client, flow.server);
      assert.ok(events.length >= 3, `flow ${flow.id}: its handshake is drawn (${events.length} packets)`);
      for (const e of events) {
        assert.equal(ns(e.time), truth.get(e.packet - firstPackets), `flow ${flow.id}: frame ${e.packet} is tshark's frame ${e.packet - firstPackets} of ${second}, at its time`);
      }
      const hs = flow.handshake;
      for (const p of [hs.syn, hs.synAck, hs.ack]) assert.ok(events.some((e) => e.packet === p!.packet), `flow ${flow.id}: frame ${p!.packet} of its handshake is drawn`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pcapng sections joined with cat: a flow is re-read from a checkpoint after its own section\'s header and interfaces, not from the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-joined-ng-'));
  try {
    // Microsecond interfaces, then a section (other clients) whose interface counts nanoseconds.
    const path = join(dir, 'joined.pcapng');
    const second = join(dir, 'second.pcapng');
    writeFileSync(second, scenario(4).toBuffer({ container: 'pcapng', resolution: 'ns' }));
    writeFileSync(path, Buffer.concat([scenario(3).toBuffer({ container: 'pcapng', resolution: 'us' }), readFileSync(second)]));
    const listed = new Analyzer({ maxFlows: 5 });
    const read = await readCaptureFile(path, (p) => listed.addPacket(p));
    const full = listed.finish(read, path, Number.MAX_SAFE_INTEGER);
    const firstPackets = read.packets / 2;
    // The re-read starts at the checkpoint's section: the file's first bytes are not read again.
    const fd = openSync(path, 'r+');
    writeSync(fd, new Uint8Array(64), 0, 64, 0);
    closeSync(fd);
    for (const flow of [full.flows[600 + 97]!, full.flows[600 + 300]!]) {
      const events = await rereadFlowEvents(path, flow, listed.config, listed.checkpoints);
      const truth = tsharkFrames(second, flow.client, flow.server);
      assert.ok(events.length >= 5, `flow ${flow.id}: its handshake is drawn`);
      for (const e of events) assert.equal(ns(e.time), truth.get(e.packet - firstPackets), `flow ${flow.id}: frame ${e.packet}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
