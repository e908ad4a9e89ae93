// `cat a.pcap b.pcap > ab.pcap`: the second file's 24-byte header sits where a record header is
// due. Read as a record it was a packet dated 2055 (the magic as seconds) that became
// capture.end, and resynchronisation then rejected b's packets for being years away from it.
// tshark 4.0.17 reads the header as an 11th frame (time 2712847316 for a.pcap of 10 packets) and
// then stops ("File has 1700000100-byte packet"). We read on with the second file's parameters.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../../src/core/engine/analyzer';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { writePcap, type PcapOptions } from '../../helpers/pcapWriter';
import { readBytes } from './collect';
import { slices } from '../robustness/pipeline';

const file = (n: number, sec: number, opts: PcapOptions = {}) =>
  writePcap(Array.from({ length: n }, (_, i) => ({ sec: sec + i, frac: i * 1000, data: new Uint8Array(60 + i).fill(i) })), opts);
const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

test('two pcap files joined end to end: every packet of both, the second header never a packet', async () => {
  const a = file(10, 1700000000);
  const b = file(15, 1700000100);
  const ab = join(a, b);
  for (const sizes of [[ab.length], [7], [a.length + 3, 100]]) {
    const { summary, packets } = await readBytes(slices(ab, sizes));
    assert.equal(packets.length, 25, `chunks ${sizes}`);
    assert.deepEqual(packets.map((p) => p.sec), [...Array(10).keys()].map((i) => 1700000000 + i).concat([...Array(15).keys()].map((i) => 1700000100 + i)));
    assert.equal(packets[10].offset, a.length + 24, 'b\'s first record, after its file header');
    assert.deepEqual(summary.problems.map((p) => p.offset), [a.length], 'the join is reported at the second header');
    assert.match(summary.problems[0].message, /pcap file header at offset \d+ where a record was due/);
  }
  const an = new Analyzer();
  async function* one() { yield ab; }
  const r = an.finish(await readCaptureChunks(one(), (p) => an.addPacket(p)), 'ab.pcap');
  assert.equal(r.capture.end, '1700000114.014000000', 'the end is b\'s last packet, not 2055');
});

test('the second file\'s byte order, precision and link type hold after its header', async () => {
  const a = file(3, 1700000000);
  const b = file(4, 1700000100, { bigEndian: true, nano: true, linkType: 101 });
  const { summary, packets } = await readBytes(join(a, b));
  assert.equal(packets.length, 7);
  assert.deepEqual(packets.slice(3).map((p) => [p.sec, p.frac, p.unitsPerSecond, p.linkType, p.interfaceId]),
    [0, 1, 2, 3].map((i) => [1700000100 + i, i * 1000, 1e9, 101, 1]));
  assert.deepEqual(summary.info.linkTypes, [1, 101]);
  assert.equal(summary.info.interfaces.length, 2);
});
