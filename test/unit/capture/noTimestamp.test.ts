// pcapng Simple Packet Blocks carry no timestamp (draft-ietf-opsawg-pcapng §4.4). Wireshark shows
// no time for them, and capinfos/tshark take the capture's first and last time only from packets
// that have one (pcapng-test-generator test018: tshark's first frame time is 1340954905.298858,
// the EPB after an SPB). An SPB used to set capture.start to the epoch.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../../src/core/engine/analyzer';
import { writePcapng } from '../../helpers/pcapWriter';
import { readBytes } from './collect';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';

const frame = (fill: number) => new Uint8Array(60).fill(fill);

async function analyse(bytes: Uint8Array) {
  const a = new Analyzer();
  async function* one() { yield bytes; }
  const read = await readCaptureChunks(one(), (p) => a.addPacket(p));
  return a.finish(read, 'spb.pcapng');
}

test('packets without a timestamp (SPB) do not set the capture start or end', async () => {
  const bytes = writePcapng([{
    interfaces: [{ linkType: 1 }],
    blocks: [
      { kind: 'packet', packet: { iface: 0, ticks: 0n, data: frame(1), simple: true } },
      { kind: 'packet', packet: { iface: 0, ticks: 1340954905298858n, data: frame(2) } },
      { kind: 'packet', packet: { iface: 0, ticks: 0n, data: frame(3), simple: true } },
      { kind: 'packet', packet: { iface: 0, ticks: 1340954905300858n, data: frame(4) } },
      { kind: 'packet', packet: { iface: 0, ticks: 0n, data: frame(5), simple: true } },
    ],
  }]);
  const { packets } = await readBytes(bytes);
  assert.deepEqual(packets.map((p) => p.noTimestamp === true), [true, false, true, false, true]);
  const r = await analyse(bytes);
  assert.equal(r.capture.packets, 5, 'the SPB packets are still counted and analysed');
  assert.equal(r.capture.start, '1340954905.298858000');
  assert.equal(r.capture.end, '1340954905.300858000');
});

test('a capture of SPB packets only has no start or end (capinfos: n/a)', async () => {
  const bytes = writePcapng([{
    interfaces: [{ linkType: 1 }],
    blocks: [{ kind: 'packet', packet: { iface: 0, ticks: 0n, data: frame(1), simple: true } }],
  }]);
  const r = await analyse(bytes);
  assert.equal(r.capture.packets, 1);
  assert.equal(r.capture.start, null);
  assert.equal(r.capture.end, null);
});
